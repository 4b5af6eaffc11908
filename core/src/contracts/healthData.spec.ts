import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFLICT_RULES, localDate, servesAs, supports, valuesOf } from "./healthData.ts";

const at = (iso: string, minutes = 0, extra: Record<string, unknown> = {}) => ({
  startTime: iso,
  endTime: new Date(Date.parse(iso) + minutes * 60_000).toISOString(),
  ...extra,
});

describe("conflict rules per data type (SPEC §18)", () => {
  it("sleep sessions overlap like workouts; the same night recorded by two devices starts and ends within a minute", () => {
    const { sleep } = CONFLICT_RULES;
    const night = at("2026-11-28T22:30:00.000Z", 480);
    assert.equal(sleep.overlapSeconds(night, at("2026-11-29T06:00:00.000Z", 60)), 1800);
    assert.equal(sleep.same(night, at("2026-11-28T22:30:40.000Z", 480)), true);
    assert.equal(sleep.same(night, at("2026-11-28T22:32:00.000Z", 478)), false, "two minutes apart: another session");
    assert.equal(sleep.overlapSeconds(night, at("2026-11-29T06:30:00.000Z", 30)), 0, "a nap after waking does not touch it");
  });

  it("a day is one record per local date, whatever the totals; the same totals on that date are the same record", () => {
    const rule = CONFLICT_RULES.daily_activity;
    const values = valuesOf({ daily: { date: "2026-11-28", steps: 9000, activeCalories: 420.4, distanceMeters: 6800 } });
    // Local midnight in UTC+1 is 23:00 UTC the day before: the same local date as a UTC+1 partner's.
    const a = at("2026-11-27T23:00:00.000Z", 1440, { utcOffsetSeconds: 3600, values });
    const b = at("2026-11-27T23:00:00.000Z", 1440, { utcOffsetSeconds: 3600, values });
    const next = at("2026-11-28T23:00:00.000Z", 1440, { utcOffsetSeconds: 3600, values });
    assert.equal(localDate(a), "2026-11-28");
    assert.ok(rule.overlapSeconds(a, b) > 86_400, "always beyond any threshold");
    assert.equal(rule.overlapSeconds(a, next), 0, "adjacent days never conflict");
    assert.equal(rule.same(a, b), true);
    assert.equal(rule.same(a, { ...b, values: values?.replace("9000", "9100") }), false, "more steps since: a conflict, not a duplicate");
  });

  it("a body measurement is one record per moment ± 60 s; the same weight then is the same measurement", () => {
    const rule = CONFLICT_RULES.body;
    const v = valuesOf({ body: { weightKg: 72.4, fatPercent: 18.25 } });
    const m = at("2026-11-29T07:00:00.000Z", 0, { values: v });
    assert.equal(v, "kg=72.40;fat=18.3");
    assert.ok(rule.overlapSeconds(m, at("2026-11-29T07:01:00.000Z", 0)) > 86_400, "60 s apart: the same moment");
    assert.equal(rule.overlapSeconds(m, at("2026-11-29T07:01:01.000Z", 0)), 0, "61 s apart: another measurement");
    assert.equal(rule.same(m, at("2026-11-29T07:00:30.000Z", 0, { values: v })), true);
    assert.equal(rule.same(m, at("2026-11-29T07:00:30.000Z", 0, { values: "kg=72.50" })), false);
  });

  it("workouts are the same only with the same type, start and end within a second", () => {
    const rule = CONFLICT_RULES.workouts;
    const run = at("2026-11-29T07:00:00.000Z", 40, { type: "run" });
    assert.equal(rule.same(run, { ...run, startTime: "2026-11-29T07:00:00.900Z" }), true);
    assert.equal(rule.same(run, { ...run, type: "ride" }), false);
  });
});

describe("the partner × type table", () => {
  it("says what a provider is for a type, in words a 422 can carry", () => {
    assert.equal(supports("garmin", "sleep", "destination"), true);
    assert.equal(supports("oura", "sleep", "destination"), false);
    assert.equal(supports("strava", "body", "source"), false);
    assert.equal(servesAs("strava", "body"), "does not serve body");
    assert.equal(servesAs("polar", "workouts"), "can only be a source");
    assert.equal(servesAs("garmin", "workouts"), "is a source and a destination");
  });
});
