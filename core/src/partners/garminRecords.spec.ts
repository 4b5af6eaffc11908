import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ActivityPayloadSchema } from "../contracts/activity.ts";
import { weighInFit } from "./garminFit.ts";
import { bodyFromGarmin, dailyFromGarmin, sleepFromGarmin, sleepWriteOf } from "./garminRecords.ts";

/** A weigh-in at 2026-03-01T07:00:00Z, 81.35 kg, 21.4 % (the vector providers-mock's FIT reader is tested with). */
export const WEIGH_IN_FIT =
  "0e103408340000002e46495447884000000000040001000102840202840404860009ff000000f09706444100001e0003fd048600028401028401f0970644c71f5c08ad86";

describe("garmin records: Health API summaries to normalised records", () => {
  it("a sleep's stages come from sleepLevelsMap, in order, clipped to the session; unknown levels are left out", () => {
    const { metadata, data } = sleepFromGarmin({
      summaryId: "x1-s",
      startTimeInSeconds: 1_772_316_000,
      startTimeOffsetInSeconds: 3600,
      durationInSeconds: 3600,
      sleepLevelsMap: {
        deep: [{ startTimeInSeconds: 1_772_316_600, endTimeInSeconds: 1_772_317_200 }],
        light: [
          { startTimeInSeconds: 1_772_315_900, endTimeInSeconds: 1_772_316_600 },
          { startTimeInSeconds: 1_772_317_200, endTimeInSeconds: 1_772_320_000 },
        ],
        unmeasurable: [{ startTimeInSeconds: 1_772_316_000, endTimeInSeconds: 1_772_316_100 }],
      },
    });
    assert.deepEqual(metadata, {
      id: "x1-s",
      startTime: "2026-02-28T22:00:00.000Z",
      endTime: "2026-02-28T23:00:00.000Z",
      type: "other",
      name: "Sleep",
      updatedAt: "2026-02-28T23:00:00.000Z",
      private: false,
      utcOffsetSeconds: 3600,
    });
    assert.deepEqual(data.sleep?.stages, [
      { stage: "light", startOffsetSeconds: 0, seconds: 600 },
      { stage: "deep", startOffsetSeconds: 600, seconds: 600 },
      { stage: "light", startOffsetSeconds: 1200, seconds: 2400 },
    ]);
    assert.ok(ActivityPayloadSchema.safeParse({ ...metadata, samples: [], ...data }).success);
  });

  it("a daily summary is its local day from midnight, 24 h, named by its date, with its totals as values", () => {
    const { metadata, data } = dailyFromGarmin({
      summaryId: "x1-d",
      calendarDate: "2026-03-02",
      startTimeInSeconds: Date.parse("2026-03-01T22:00:00Z") / 1000,
      startTimeOffsetInSeconds: 7200,
      steps: 12345,
      activeKilocalories: 456.6,
      distanceInMeters: 9876.4,
    });
    assert.deepEqual(metadata, {
      id: "x1-d",
      startTime: "2026-03-01T22:00:00.000Z",
      endTime: "2026-03-02T22:00:00.000Z",
      type: "other",
      name: "2026-03-02",
      updatedAt: "2026-03-02T22:00:00.000Z",
      private: false,
      values: "steps=12345;kcal=457;m=9876",
      utcOffsetSeconds: 7200,
    });
    assert.deepEqual(data.daily, { date: "2026-03-02", steps: 12345, activeCalories: 456.6, distanceMeters: 9876.4 });
  });

  it("a body composition is a moment in kg, with body fat only where measured", () => {
    const withFat = bodyFromGarmin({
      summaryId: "b1",
      measurementTimeInSeconds: 1_772_348_400,
      weightInGrams: 81350,
      bodyFatInPercent: 21.4,
    });
    assert.deepEqual(withFat.data.body, { weightKg: 81.35, fatPercent: 21.4 });
    assert.equal(withFat.metadata.startTime, withFat.metadata.endTime);
    assert.equal(withFat.metadata.values, "kg=81.35;fat=21.4");
    const noFat = bodyFromGarmin({
      summaryId: "b2",
      measurementTimeInSeconds: 1_772_348_400,
      weightInGrams: 70000,
      bodyFatInPercent: null,
    });
    assert.deepEqual(noFat.data.body, { weightKg: 70 });
    assert.equal(noFat.metadata.values, "kg=70.00");
    assert.equal(noFat.metadata.name, "Weigh-in");
  });

  it("a sleep is written as sleepLevelsMap ranges within the session", () => {
    const write = sleepWriteOf({
      id: "n",
      startTime: "2026-03-01T00:00:00.000Z",
      endTime: "2026-03-01T01:00:00.000Z",
      type: "other",
      name: "Sleep",
      updatedAt: "2026-03-01T01:00:00.000Z",
      samples: [],
      utcOffsetSeconds: -18000,
      sleep: {
        stages: [
          { stage: "light", startOffsetSeconds: 0, seconds: 1800 },
          { stage: "rem", startOffsetSeconds: 1800, seconds: 3600 },
        ],
      },
    });
    const s = Date.parse("2026-03-01T00:00:00Z") / 1000;
    assert.deepEqual(write, {
      startTimeInSeconds: s,
      startTimeOffsetInSeconds: -18000,
      durationInSeconds: 3600,
      sleepLevelsMap: {
        light: [{ startTimeInSeconds: s, endTimeInSeconds: s + 1800 }],
        rem: [{ startTimeInSeconds: s + 1800, endTimeInSeconds: s + 3600 }],
      },
    });
  });

  it("a weigh-in is a FIT weight file: file_id type 9, one weight_scale message, FIT CRCs", () => {
    const fit = weighInFit({ time: "2026-03-01T07:00:00Z", weightKg: 81.35, fatPercent: 21.4 });
    assert.equal(Buffer.from(fit).toString("hex"), WEIGH_IN_FIT);
    const noFat = Buffer.from(weighInFit({ time: "2026-03-01T07:00:00Z", weightKg: 81.35 }));
    assert.equal(noFat.readUInt16LE(noFat.length - 4), 0xffff, "percent_fat invalid when not measured");
  });
});
