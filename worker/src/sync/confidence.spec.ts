import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConflictStrategy } from "@syncwell/core";
import { confidenceUpdate, destinationFetchDecision } from "./confidence.ts";

const reporting = { reportsConflicts: true, canDelete: true, updatable: [], reportsModificationTime: false };
const silent = { reportsConflicts: false, canDelete: true, updatable: [], reportsModificationTime: false };
const decide = (strategy: ConflictStrategy, confidence: number | undefined, capabilities = reporting) =>
  destinationFetchDecision({ strategy, capabilities, confidence, threshold: 10 });

describe("sync confidence", () => {
  it("does not read a destination under source_wins when its push reports conflicts (replaced there)", () => {
    assert.deepEqual(decide("source_wins", undefined), { fetch: false, reason: "source_wins" });
  });

  it("reads a destination that accepts overlapping records under every strategy, or a conflict would become a duplicate", () => {
    assert.deepEqual(decide("source_wins", undefined, silent), { fetch: true });
    assert.deepEqual(decide("source_wins", undefined, { ...silent, canDelete: false }), { fetch: true });
  });

  it("skips the fetch once the destination was empty `threshold` times in a row", () => {
    assert.deepEqual(decide("dest_wins", 9), { fetch: true });
    assert.deepEqual(decide("dest_wins", 10), { fetch: false, reason: "confidence" });
    assert.deepEqual(decide("newest_wins", 11), { fetch: false, reason: "confidence" });
  });

  it("never skips on confidence for a destination that cannot report a conflict at push (Strava)", () => {
    assert.deepEqual(decide("dest_wins", 50, { ...silent, canDelete: false }), { fetch: true });
    assert.deepEqual(decide("newest_wins", 50, silent), { fetch: true });
  });

  it("fetches when Redis has no value (outage or first sync)", () => {
    assert.deepEqual(decide("dest_wins", undefined), { fetch: true });
  });

  it("updates the counter as step 12 says", () => {
    assert.equal(confidenceUpdate({ fetched: true, destinationEmpty: true, pushConflict: false }), "increment");
    assert.equal(confidenceUpdate({ fetched: true, destinationEmpty: false, pushConflict: false }), "reset");
    assert.equal(confidenceUpdate({ fetched: false, destinationEmpty: false, pushConflict: true }), "reset");
    assert.equal(confidenceUpdate({ fetched: false, destinationEmpty: false, pushConflict: false }), "unchanged");
  });
});
