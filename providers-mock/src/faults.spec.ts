import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FaultRegistry } from "./faults.ts";

describe("fault injection", () => {
  it("applies a fault `times` times and then forgets it", () => {
    const faults = new FaultRegistry();
    faults.add({ provider: "strava", operation: "create", status: 500, times: 2 });
    assert.equal(faults.apply("strava", "create").status, 500);
    assert.equal(faults.apply("garmin", "create").status, undefined, "other providers are untouched");
    assert.equal(faults.apply("strava", "create").status, 500);
    assert.equal(faults.apply("strava", "create").status, undefined);
    assert.equal(faults.list().length, 0);
  });

  it("fires with the given probability", () => {
    const rolls = [0.05, 0.5, 0.09, 0.95];
    const faults = new FaultRegistry(() => rolls.shift() ?? 1);
    faults.add({ provider: "oura", operation: "list_metadata", status: 503, probability: 0.1 });
    const outcomes = [1, 2, 3, 4].map(() => faults.apply("oura", "list_metadata").status);
    assert.deepEqual(outcomes, [503, undefined, 503, undefined]);
  });

  it("adds the latency of every matching fault", () => {
    const faults = new FaultRegistry();
    faults.add({ provider: "polar", operation: "preflight", latencyMs: 100 });
    faults.add({ provider: "polar", operation: "preflight", latencyMs: 50, status: 502 });
    assert.deepEqual(faults.apply("polar", "preflight"), { latencyMs: 150, status: 502 });
  });
});
