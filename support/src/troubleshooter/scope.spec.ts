import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseScope, scopeQuery } from "./scope.ts";

/** Thursday 26 Nov 2026, 01:00 UTC. */
const THURSDAY = Date.parse("2026-11-26T01:00:00.000Z");

describe("the scope of a question about one workout", () => {
  it("reads partners and a day off the model's answer, and nothing else", () => {
    assert.deepEqual(parseScope("from=strava to=garmin day=tuesday"), { source: "strava", destination: "garmin", day: "tuesday" });
    assert.deepEqual(parseScope("  From=ANY to=Garmin day=any."), { source: undefined, destination: "garmin", day: undefined });
    assert.deepEqual(
      parseScope("from=user-42 to=cfg-7 day=1970-01-01"),
      { source: undefined, destination: undefined, day: undefined },
      "ids and dates are not partners or days",
    );
  });

  it("says the question is not about one workout when the answer has no field", () => {
    assert.equal(parseScope("NONE"), null);
    assert.equal(parseScope("I think the user means their run"), null);
  });

  it("searches a day from its start (with the widest time-zone slack), preferring decisions within it", () => {
    assert.deepEqual(scopeQuery({ destination: "garmin", day: "tuesday" }, THURSDAY), {
      query: { destination: "garmin", since: "2026-11-23T10:00:00.000Z" },
      dayEnd: "2026-11-25T14:00:00.000Z",
    });
    assert.equal(scopeQuery({ day: "thursday" }, THURSDAY).query.since, "2026-11-25T10:00:00.000Z", "today's weekday is today");
    assert.equal(scopeQuery({ day: "friday" }, THURSDAY).query.since, "2026-11-19T10:00:00.000Z", "a later weekday is last week's");
    assert.equal(scopeQuery({ day: "yesterday" }, THURSDAY).query.since, "2026-11-24T10:00:00.000Z");
    assert.deepEqual(scopeQuery({ source: "polar" }, THURSDAY), { query: { source: "polar" } }, "no day: the whole log");
  });
});
