import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { confidenceUpdate, destinationFetchDecision } from "./confidence.ts";

describe("sync confidence", () => {
  it("never fetches the destination when the source wins", () => {
    assert.deepEqual(destinationFetchDecision("source_wins", undefined, 10), { fetch: false, reason: "source_wins" });
  });

  it("skips the fetch once the destination was empty `threshold` times in a row", () => {
    assert.deepEqual(destinationFetchDecision("dest_wins", 9, 10), { fetch: true });
    assert.deepEqual(destinationFetchDecision("dest_wins", 10, 10), { fetch: false, reason: "confidence" });
    assert.deepEqual(destinationFetchDecision("newest_wins", 11, 10), { fetch: false, reason: "confidence" });
  });

  it("fetches when Redis has no value (outage or first sync)", () => {
    assert.deepEqual(destinationFetchDecision("dest_wins", undefined, 10), { fetch: true });
  });

  it("updates the counter as step 12 says", () => {
    assert.equal(confidenceUpdate({ fetched: true, destinationEmpty: true, pushConflict: false }), "increment");
    assert.equal(confidenceUpdate({ fetched: true, destinationEmpty: false, pushConflict: false }), "reset");
    assert.equal(confidenceUpdate({ fetched: false, destinationEmpty: false, pushConflict: true }), "reset");
    assert.equal(confidenceUpdate({ fetched: false, destinationEmpty: false, pushConflict: false }), "unchanged");
  });
});
