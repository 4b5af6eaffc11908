import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { searchTerms } from "./KnowledgeBase.ts";

describe("searchTerms", () => {
  it("keeps plain words only, so user text never becomes query syntax", () => {
    assert.equal(searchTerms("reconnect' | !x & (y) ; drop table--"), "reconnect | drop | table");
  });

  it("drops the words every article shares (providers, sync, workout)", () => {
    assert.equal(searchTerms("My Strava sync says reconnect"), "says | reconnect");
    assert.equal(searchTerms("my sync is broken"), "broken");
  });

  it("answers nothing to search for in empty or symbol-only text", () => {
    assert.equal(searchTerms("?!"), "");
  });

  it("bounds the number of terms", () => {
    const many = Array.from({ length: 100 }, (_, i) => `word${i}`).join(" ");
    assert.equal(searchTerms(many).split(" | ").length, 40);
  });
});
