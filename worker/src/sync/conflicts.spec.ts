import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ActivityMetadata, CONFLICT_RULES, sharedSeconds as overlapSeconds, valuesOf } from "@syncwell/core";
import { resolveConflicts } from "./conflicts.ts";

const rec = (id: string, start: string, minutes: number, updatedAt = "2026-11-24T12:00:00Z", externalId?: string): ActivityMetadata => ({
  id,
  startTime: new Date(`2026-11-24T${start}:00Z`).toISOString(),
  endTime: new Date(Date.parse(`2026-11-24T${start}:00Z`) + minutes * 60_000).toISOString(),
  type: "run",
  name: id,
  updatedAt: new Date(updatedAt).toISOString(),
  ...(externalId ? { externalId } : {}),
});

const base = { sourceProvider: "strava", overlapSeconds: 60 };

describe("conflict resolution", () => {
  it("measures overlap in seconds", () => {
    assert.equal(overlapSeconds(rec("a", "10:00", 30), rec("b", "10:20", 30)), 600);
    assert.equal(overlapSeconds(rec("a", "10:00", 30), rec("b", "10:30", 30)), 0);
    assert.equal(overlapSeconds(rec("a", "10:00", 30), rec("b", "11:00", 30)), 0);
  });

  it("does not count an overlap at or under the threshold as a conflict", () => {
    const source = [rec("s", "10:00", 30)];
    const destination = [rec("d", "10:29", 30)];
    const plan = resolveConflicts({ ...base, source, destination, strategy: "dest_wins" });
    assert.deepEqual(plan.writes, [{ sourceId: "s", onConflict: "report" }]);
  });

  it("source_wins writes everything and replaces the largest overlap", () => {
    const source = [rec("s2", "12:00", 30), rec("s1", "10:00", 60)];
    const destination = [rec("d1", "10:10", 10), rec("d2", "10:20", 40)];
    const plan = resolveConflicts({ ...base, source, destination, strategy: "source_wins" });
    assert.deepEqual(plan.writes, [
      { sourceId: "s1", replacesId: "d2", onConflict: "replace" },
      { sourceId: "s2", onConflict: "replace" },
    ]);
    assert.deepEqual(plan.skipped, []);
  });

  it("dest_wins skips conflicting records and writes the rest", () => {
    const plan = resolveConflicts({
      ...base,
      source: [rec("s1", "10:00", 30), rec("s2", "14:00", 30)],
      destination: [rec("d", "10:05", 30)],
      strategy: "dest_wins",
    });
    assert.deepEqual(plan.writes, [{ sourceId: "s2", onConflict: "report" }]);
    assert.deepEqual(plan.skipped, [{ sourceId: "s1", reason: "conflict_kept_destination", destinationId: "d" }]);
  });

  it("newest_wins keeps the later modification, and the destination on a tie", () => {
    const destination = [rec("d", "10:05", 30, "2026-11-24T11:00:00Z")];
    const newer = resolveConflicts({
      ...base,
      source: [rec("s", "10:00", 30, "2026-11-24T11:30:00Z")],
      destination,
      strategy: "newest_wins",
      comparableModificationTimes: true,
    });
    assert.deepEqual(newer.writes, [{ sourceId: "s", replacesId: "d", onConflict: "replace" }]);
    const older = resolveConflicts({
      ...base,
      source: [rec("s", "10:00", 30, "2026-11-24T10:30:00Z")],
      destination,
      strategy: "newest_wins",
      comparableModificationTimes: true,
    });
    assert.deepEqual(older.skipped, [{ sourceId: "s", reason: "older_than_destination", destinationId: "d" }]);
    const tie = resolveConflicts({
      ...base,
      source: [rec("s", "10:00", 30, "2026-11-24T11:00:00Z")],
      destination,
      strategy: "newest_wins",
      comparableModificationTimes: true,
    });
    assert.equal(tie.writes.length, 0);
  });

  it("treats the destination's copy of this very record as already written, under every strategy", () => {
    const destination = [rec("d", "10:00", 30, undefined, "syncwell-strava-s")];
    for (const strategy of ["source_wins", "dest_wins", "newest_wins"] as const) {
      const plan = resolveConflicts({ ...base, source: [rec("s", "10:00", 30)], destination, strategy });
      assert.deepEqual(
        plan,
        { writes: [], skipped: [{ sourceId: "s", reason: "already_at_destination", destinationId: "d", ours: true }] },
        strategy,
      );
    }
  });

  it("without destination data writes everything, replacing only when the source wins", () => {
    const source = [rec("s", "10:00", 30)];
    assert.deepEqual(resolveConflicts({ ...base, source, destination: undefined, strategy: "source_wins" }).writes, [
      { sourceId: "s", onConflict: "replace" },
    ]);
    assert.deepEqual(resolveConflicts({ ...base, source, destination: undefined, strategy: "dest_wins" }).writes, [
      { sourceId: "s", onConflict: "report" },
    ]);
  });

  it("is deterministic whatever the input order", () => {
    const source = [rec("b", "10:00", 30), rec("a", "10:00", 30), rec("c", "09:00", 30)];
    const one = resolveConflicts({ ...base, source, destination: [], strategy: "dest_wins" });
    const two = resolveConflicts({ ...base, source: [...source].reverse(), destination: [], strategy: "dest_wins" });
    assert.deepEqual(one, two);
    assert.deepEqual(
      one.writes.map((w) => w.sourceId),
      ["c", "a", "b"],
    );
  });
});

describe("newest_wins compares like with like", () => {
  const polarWalk = {
    id: "p1",
    startTime: "2026-11-20T07:00:00Z",
    endTime: "2026-11-20T07:30:00Z",
    type: "walk" as const,
    name: "walk",
    updatedAt: "2026-11-20T09:00:00Z",
  };
  const garminRide = {
    id: "g1",
    startTime: "2026-11-20T07:28:00Z",
    endTime: "2026-11-20T08:30:00Z",
    type: "ride" as const,
    name: "ride",
    updatedAt: "2026-11-20T08:30:00Z",
  };
  const decide = (comparableModificationTimes: boolean) =>
    resolveConflicts({
      sourceProvider: "polar",
      source: [polarWalk],
      destination: [garminRide],
      strategy: "newest_wins",
      overlapSeconds: 60,
      comparableModificationTimes,
    });

  it("keeps a destination workout that ended later when only one partner reports modification times (Polar's upload time against Garmin's end)", () => {
    assert.deepEqual(decide(false), { writes: [], skipped: [{ sourceId: "p1", reason: "older_than_destination", destinationId: "g1" }] });
  });

  it("compares modification times where both partners report them", () => {
    assert.equal(decide(true).writes[0]?.replacesId, "g1");
  });

  for (const strategy of ["source_wins", "dest_wins", "newest_wins"] as const)
    it(`${strategy}: the same activity already at the destination (the watch's own upload) is kept, not replaced`, () => {
      const source = [
        {
          id: "s",
          startTime: "2026-11-20T06:00:00.000Z",
          endTime: "2026-11-20T06:40:00.000Z",
          type: "run" as const,
          name: "a",
          updatedAt: "2026-11-20T07:00:00.000Z",
        },
      ];
      const twin = { ...source[0], id: "d", name: "Garmin run", startTime: "2026-11-20T06:00:00.400Z" } as (typeof source)[number];
      const plan = resolveConflicts({ sourceProvider: "strava", source, destination: [twin], strategy, overlapSeconds: 60 });
      assert.deepEqual(plan, { writes: [], skipped: [{ sourceId: "s", reason: "already_at_destination", destinationId: "d" }] });
    });

  it("a destination record that is another source record's twin is never replaced by a conflicting one", () => {
    const twin = {
      id: "d",
      startTime: "2026-11-20T06:30:00.000Z",
      endTime: "2026-11-20T07:00:00.000Z",
      type: "run" as const,
      name: "watch",
      updatedAt: "2026-11-20T07:00:00.000Z",
    };
    const early = { ...twin, id: "s1", startTime: "2026-11-20T06:00:00.000Z", endTime: "2026-11-20T06:50:00.000Z", name: "a" };
    const same = { ...twin, id: "s2", name: "b" };
    const plan = resolveConflicts({
      sourceProvider: "strava",
      source: [early, same],
      destination: [twin],
      strategy: "source_wins",
      overlapSeconds: 60,
    });
    assert.deepEqual(plan.writes, [{ sourceId: "s1", replacesId: undefined, onConflict: "report" }]);
    assert.deepEqual(plan.skipped, [{ sourceId: "s2", reason: "already_at_destination", destinationId: "d" }]);
  });
});

describe("conflict resolution per data type (SPEC §18)", () => {
  const day = (id: string, steps: number): ActivityMetadata => ({
    id,
    startTime: "2026-11-27T23:00:00.000Z",
    endTime: "2026-11-28T23:00:00.000Z",
    utcOffsetSeconds: 3600,
    type: "other",
    name: "2026-11-28",
    updatedAt: "2026-11-28T23:00:00.000Z",
    values: valuesOf({ daily: { date: "2026-11-28", steps, activeCalories: 400, distanceMeters: 6000 } }),
  });
  const weighIn = (id: string, at: string, kg: number): ActivityMetadata => ({
    id,
    startTime: at,
    endTime: at,
    type: "other",
    name: "Weigh-in",
    updatedAt: at,
    values: valuesOf({ body: { weightKg: kg } }),
  });
  const daily = { ...base, rule: CONFLICT_RULES.daily_activity };
  const body = { ...base, rule: CONFLICT_RULES.body };

  it("a day's totals: the same date at the destination is the conflict, whatever the threshold; the same totals are already there", () => {
    const plan = (strategy: "source_wins" | "dest_wins", there: ActivityMetadata) =>
      resolveConflicts({ ...daily, strategy, source: [day("s", 9000)], destination: [there] });
    assert.deepEqual(plan("source_wins", day("d", 8000)).writes, [{ sourceId: "s", replacesId: "d", onConflict: "replace" }]);
    assert.equal(plan("dest_wins", day("d", 8000)).skipped[0]?.reason, "conflict_kept_destination");
    assert.equal(plan("source_wins", day("d", 9000)).skipped[0]?.reason, "already_at_destination");
    const nextDay = { ...day("d", 8000), startTime: "2026-11-28T23:00:00.000Z", endTime: "2026-11-29T23:00:00.000Z" };
    assert.deepEqual(plan("dest_wins", nextDay).writes, [{ sourceId: "s", onConflict: "report" }], "adjacent days do not conflict");
  });

  it("a weigh-in: within 60 s is the same moment (a conflict, or the same measurement); further apart is another", () => {
    const source = [weighIn("s", "2026-11-29T07:00:00.000Z", 72.4)];
    const plan = (there: ActivityMetadata) => resolveConflicts({ ...body, strategy: "source_wins", source, destination: [there] });
    assert.equal(plan(weighIn("d", "2026-11-29T07:00:40.000Z", 72.4)).skipped[0]?.reason, "already_at_destination");
    assert.deepEqual(plan(weighIn("d", "2026-11-29T07:00:40.000Z", 73)).writes, [
      { sourceId: "s", replacesId: "d", onConflict: "replace" },
    ]);
    assert.deepEqual(plan(weighIn("d", "2026-11-29T07:02:00.000Z", 73)).writes, [{ sourceId: "s", onConflict: "replace" }]);
  });
});
