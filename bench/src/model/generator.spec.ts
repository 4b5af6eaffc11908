import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { FULL_SPACE, generateScenario, SAFE_SPACE } from "./generator.ts";
import { topologicalOrder } from "./topologies.ts";
import type { ActivitySpec, Scenario } from "./types.ts";

const activities = (s: Scenario): ActivitySpec[] => [...s.initial, ...s.actions.flatMap((a) => (a.kind === "record" ? [a.activity] : []))];
const seeds = fc.record({ seed: fc.integer(), index: fc.nat({ max: 5000 }) });

describe("the scenario generator", () => {
  it("edits and deletes only workouts at a source, after they were recorded and the initial syncs; a time change only for a workout that overlaps nothing; nothing after a deletion", () => {
    let edits = 0;
    let deletes = 0;
    for (let index = 0; index < 300; index++) {
      const s = generateScenario(7, index);
      const all = [...s.initial, ...s.actions.flatMap((a) => (a.kind === "record" ? [a.activity] : []))];
      const sources = new Set(s.configs.map((c) => c.source));
      s.actions.forEach((a, i) => {
        if (a.kind !== "edit" && a.kind !== "delete") return;
        if (a.kind === "edit") edits++;
        else deletes++;
        assert.ok(i >= s.configs.length, "after the initial syncs");
        const target = all.find((x) => x.key === a.activity) as ActivitySpec;
        assert.ok(sources.has(target.provider), `${a.activity} is at a source`);
        const recorded = s.actions.findIndex((x) => x.kind === "record" && x.activity.key === a.activity);
        assert.ok(recorded < i, "after its record");
        assert.ok(!s.actions.slice(0, i).some((x) => x.kind === "delete" && x.activity === a.activity), "not after its deletion");
        if (a.kind === "edit" && a.shortenSeconds)
          for (const b of all)
            if (b !== target)
              assert.ok(
                b.start >= target.start + target.durationSeconds || target.start >= b.start + b.durationSeconds,
                "overlaps nothing",
              );
      });
    }
    assert.ok(edits > 50 && deletes > 30, `${edits} edits, ${deletes} deletions`);
  });

  it("rebuilds the same scenario from a seed and an index", () => {
    fc.assert(
      fc.property(seeds, ({ seed, index }) => {
        assert.deepEqual(generateScenario(seed, index), generateScenario(seed, index));
      }),
      { numRuns: 30 },
    );
  });

  it("draws the safe space from one Strava → Garmin config under source_wins, overlaps far from the threshold and across partners", () => {
    fc.assert(
      fc.property(seeds, ({ seed, index }) => {
        const s = generateScenario(seed, index, SAFE_SPACE);
        assert.deepEqual(
          s.configs.map((c) => [c.source, c.destination, c.strategy]),
          [["strava", "garmin", "source_wins"]],
        );
        for (const a of activities(s))
          for (const b of activities(s)) {
            if (a === b) continue;
            const overlap = Math.min(a.start + a.durationSeconds, b.start + b.durationSeconds) - Math.max(a.start, b.start);
            assert.ok(overlap <= 0 || overlap >= 600, `${a.key}/${b.key} overlap ${overlap} s`);
            assert.ok(overlap <= 0 || a.provider !== b.provider, `${a.key}/${b.key} overlap at one partner`);
          }
      }),
      { numRuns: 50 },
    );
  });

  it("keeps workouts of different clusters apart, repeats webhooks only after the workout, starts with one sync per config", () => {
    fc.assert(
      fc.property(seeds, ({ seed, index }) => {
        const s = generateScenario(seed, index, FULL_SPACE);
        assert.deepEqual(
          s.actions.slice(0, s.configs.length).map((a) => (a.kind === "sync" ? a.config : a.kind)),
          s.configs.map((c) => c.key),
        );
        s.actions.forEach((a, i) => {
          if (a.kind !== "duplicate_webhook") return;
          const recorded = s.actions.findIndex((b) => b.kind === "record" && b.activity.key === a.activity);
          assert.ok(recorded >= 0 && recorded < i, `webhook again ${a.activity} before it was recorded`);
        });
        for (const a of activities(s)) assert.ok(a.start + a.durationSeconds < 0, `${a.key} ends in the past`);
      }),
      { numRuns: 50 },
    );
  });

  it("orders a chain so that its middle is written before it is read", () => {
    const chain = [
      { key: "c1", source: "strava" as const, destination: "garmin" as const, strategy: "source_wins" as const },
      { key: "c0", source: "oura" as const, destination: "strava" as const, strategy: "source_wins" as const },
    ];
    assert.deepEqual(
      topologicalOrder(chain).map((c) => c.key),
      ["c0", "c1"],
    );
  });
});
