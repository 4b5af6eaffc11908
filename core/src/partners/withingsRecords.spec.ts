import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secondsToNextMinute } from "./withingsApi.ts";
import { bodyOf, stagesOf } from "./withingsRecords.ts";

describe("withings mappings", () => {
  it("a measure group is a body measurement: value × 10^unit, without binary noise; no weight, no measurement", () => {
    const group = (measures: { value: number; type: number; unit: number }[]) => ({
      grpid: 1,
      date: 0,
      created: 0,
      modified: 0,
      category: 1,
      measures,
    });
    assert.deepEqual(
      bodyOf(
        group([
          { value: 72450, type: 1, unit: -3 },
          { value: 2130, type: 6, unit: -2 },
        ]),
      ),
      { weightKg: 72.45, fatPercent: 21.3 },
    );
    assert.deepEqual(bodyOf(group([{ value: 7, type: 1, unit: 1 }])), { weightKg: 70 });
    assert.equal(bodyOf(group([{ value: 2130, type: 6, unit: -2 }])), undefined);
  });

  it("sleep states become stages: clipped to the session, runs of one stage merged, states without a stage left out", () => {
    const session = { start: 1000, end: 5000 };
    assert.deepEqual(
      stagesOf(session, [
        { startdate: 2000, enddate: 2600, state: 1 },
        { startdate: 400, enddate: 1600, state: 0 },
        { startdate: 2600, enddate: 3000, state: 1 },
        { startdate: 3000, enddate: 3500, state: 4 },
        { startdate: 3500, enddate: 4000, state: 2 },
        { startdate: 4000, enddate: 6000, state: 3 },
      ]),
      [
        { stage: "awake", startOffsetSeconds: 0, seconds: 600 },
        { stage: "light", startOffsetSeconds: 1000, seconds: 1000 },
        { stage: "deep", startOffsetSeconds: 2500, seconds: 500 },
        { stage: "rem", startOffsetSeconds: 3000, seconds: 1000 },
      ],
    );
  });

  it("a 601 waits for the next minute, at least a second", () => {
    assert.equal(secondsToNextMinute(Date.parse("2026-03-01T10:00:15.000Z")), 45);
    assert.equal(secondsToNextMinute(Date.parse("2026-03-01T10:00:59.900Z")), 1);
    assert.equal(secondsToNextMinute(Date.parse("2026-03-01T10:01:00.000Z")), 60);
  });
});
