import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { smaller } from "./shrink.ts";
import type { Scenario } from "./types.ts";

const scenario: Scenario = {
  seed: 1,
  index: 0,
  topology: "chain",
  configs: [
    { key: "c0", source: "oura", destination: "strava", strategy: "source_wins" },
    { key: "c1", source: "strava", destination: "garmin", strategy: "dest_wins" },
  ],
  initial: [{ key: "a0", provider: "garmin", start: -7200, durationSeconds: 1800, type: "run" }],
  actions: [
    { kind: "sync", config: "c0", copies: 1 },
    { kind: "sync", config: "c1", copies: 1 },
    { kind: "record", activity: { key: "a1", provider: "oura", start: -3600, durationSeconds: 600, type: "ride" } },
    { kind: "duplicate_webhook", activity: "a1" },
    { kind: "fault", provider: "garmin", operation: "create", status: 503, times: 1 },
  ],
  settle: "sync",
};

describe("shrinking a failing scenario", () => {
  it("drops one thing at a time, a workout with its repeated webhooks, never the first syncs", () => {
    const steps = smaller(scenario);
    const kinds = steps.map((s) => s.actions.map((a) => a.kind).join(","));
    assert.ok(kinds.includes("sync,sync,fault"), "the workout and its repeated webhook go together");
    assert.ok(kinds.includes("sync,sync,record,duplicate_webhook"), "the fault alone");
    assert.ok(steps.every((s) => s.actions.slice(0, s.configs.length).every((a) => a.kind === "sync")));
    assert.ok(steps.some((s) => s.initial.length === 0));
  });

  it("drops a config with its syncs, workouts and faults at partners no longer used", () => {
    const single = smaller(scenario).filter((s) => s.configs.length === 1);
    const withoutC1 = single.find((s) => s.configs[0]?.key === "c0");
    assert.deepEqual(withoutC1?.initial, []);
    assert.deepEqual(
      withoutC1?.actions.map((a) => a.kind),
      ["sync", "record", "duplicate_webhook"],
    );
  });
});
