import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFLICT_RULES, localDate } from "../contracts/healthData.ts";
import { stagesFromPhases } from "./ouraRecords.ts";
import { stagesFromHypnogram } from "./polarRecords.ts";
import { dailyMetadata, offsetOf, sleepMetadata } from "./recordSupport.ts";

describe("Oura sleep_phase_5_min → stages", () => {
  it("merges runs of one phase into a stage of 5-minute slots (1 deep, 2 light, 3 REM, 4 awake)", () => {
    assert.deepEqual(stagesFromPhases("4221113344", 3000), [
      { stage: "awake", startOffsetSeconds: 0, seconds: 300 },
      { stage: "light", startOffsetSeconds: 300, seconds: 600 },
      { stage: "deep", startOffsetSeconds: 900, seconds: 900 },
      { stage: "rem", startOffsetSeconds: 1800, seconds: 600 },
      { stage: "awake", startOffsetSeconds: 2400, seconds: 600 },
    ]);
  });

  it("cuts the last slot at the session's end and leaves unknown characters as gaps", () => {
    assert.deepEqual(stagesFromPhases("22x3", 1000), [
      { stage: "light", startOffsetSeconds: 0, seconds: 600 },
      { stage: "rem", startOffsetSeconds: 900, seconds: 100 },
    ]);
    assert.deepEqual(stagesFromPhases("", 1000), []);
  });
});

describe("Polar hypnogram → stages", () => {
  it("orders a night across midnight from its local start, maps 2 and 3 to light and skips 5 (unknown)", () => {
    const stages = stagesFromHypnogram(
      { "00:10": 4, "23:30": 2, "23:50": 3, "00:40": 5, "00:50": 1, "01:20": 0 },
      "2026-03-01T23:30:00+02:00",
      "2026-03-02T01:30:00+02:00",
    );
    assert.deepEqual(stages, [
      { stage: "light", startOffsetSeconds: 0, seconds: 2400 },
      { stage: "deep", startOffsetSeconds: 2400, seconds: 1800 },
      { stage: "rem", startOffsetSeconds: 4800, seconds: 1800 },
      { stage: "awake", startOffsetSeconds: 6600, seconds: 600 },
    ]);
  });

  it("starts a key in the start's own minute at the start (keys carry no seconds)", () => {
    assert.deepEqual(stagesFromHypnogram({ "00:39": 2, "00:50": 4 }, "2020-01-01T00:39:07+03:00", "2020-01-01T01:00:07+03:00"), [
      { stage: "light", startOffsetSeconds: 0, seconds: 653 },
      { stage: "deep", startOffsetSeconds: 653, seconds: 607 },
    ]);
  });
});

describe("normalised sleep and daily records", () => {
  it("places a sleep in UTC with the partner's offset, not private, updated at its end", () => {
    assert.deepEqual(sleepMetadata({ id: "s1", start: "2026-03-01T23:30:00+02:00", end: "2026-03-02T07:00:00+02:00" }), {
      id: "s1",
      startTime: "2026-03-01T21:30:00.000Z",
      endTime: "2026-03-02T05:00:00.000Z",
      type: "other",
      name: "Sleep",
      updatedAt: "2026-03-02T05:00:00.000Z",
      private: false,
      utcOffsetSeconds: 7200,
    });
    assert.equal(offsetOf("2026-03-01T23:30:00-05:30"), -19800);
    assert.equal(offsetOf("2026-03-01T23:30:00"), undefined);
  });

  it("spans a day from its local midnight for 24 h, named by its date, its totals as values", () => {
    const daily = { date: "2026-03-02", steps: 9000, activeCalories: 420.4, distanceMeters: 7100.6 };
    const east = dailyMetadata({ id: "d1", daily, offsetSeconds: 3600 });
    assert.equal(east.startTime, "2026-03-01T23:00:00.000Z");
    assert.equal(east.endTime, "2026-03-02T23:00:00.000Z");
    assert.equal(east.name, "2026-03-02");
    assert.equal(east.values, "steps=9000;kcal=420;m=7101");
    assert.equal(localDate(east), "2026-03-02", "the record's local date is its own");
    const noZone = dailyMetadata({ id: "d2", daily, offsetSeconds: undefined, updatedAt: "2026-03-03T06:00:00Z" });
    assert.equal(noZone.startTime, "2026-03-02T00:00:00.000Z");
    assert.equal(noZone.utcOffsetSeconds, undefined);
    assert.equal(noZone.updatedAt, "2026-03-03T06:00:00.000Z");
    assert.ok(CONFLICT_RULES.daily_activity.same(east, noZone), "one date with the same totals is the same day");
  });
});
