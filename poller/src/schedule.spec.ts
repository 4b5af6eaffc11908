import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emptyActivity, hourWeight, nextBaseInterval, nextPollDelay, recordActivity } from "./schedule.ts";

const bounds = { minSeconds: 300, maxSeconds: 21600 };

describe("adaptive poll schedule", () => {
  it("shrinks after new data and grows after empty polls, within bounds", () => {
    assert.equal(nextBaseInterval(1200, true, bounds), 600);
    assert.equal(nextBaseInterval(1200, false, bounds), 1800);
    assert.equal(nextBaseInterval(400, true, bounds), 300);
    assert.equal(nextBaseInterval(20000, false, bounds), 21600);
    let interval = 900;
    for (let i = 0; i < 20; i++) interval = nextBaseInterval(interval, false, bounds);
    assert.equal(interval, 21600, "a long quiet spell ends at the upper bound");
  });

  it("weighs hours by the user's activity, neutral when unknown", () => {
    assert.equal(hourWeight(emptyActivity(), 7), 0.5);
    let activity = emptyActivity();
    for (let d = 0; d < 10; d++) activity = recordActivity(activity, Date.parse(`2026-11-${10 + d}T07:10:00Z`));
    assert.equal(hourWeight(activity, 7), 1);
    assert.ok(hourWeight(activity, 8) > 0 && hourWeight(activity, 8) < 1, "the next hour is half-busy");
    assert.equal(hourWeight(activity, 15), 0);
  });

  it("polls sooner in active hours and later in quiet ones", () => {
    let activity = emptyActivity();
    for (let d = 0; d < 5; d++) activity = recordActivity(activity, Date.parse(`2026-11-${10 + d}T18:30:00Z`));
    const base = 1800;
    const evening = nextPollDelay(base, activity, Date.parse("2026-11-24T17:45:00Z"), bounds);
    const night = nextPollDelay(base, activity, Date.parse("2026-11-24T02:45:00Z"), bounds);
    assert.equal(evening, 900);
    assert.equal(night, 3600);
    const late = nextPollDelay(6 * 3600, activity, Date.parse("2026-11-24T14:00:00Z"), { minSeconds: 300, maxSeconds: 6 * 3600 });
    assert.equal(late, 4 * 3600 + 300, "a long interval does not jump over 18:00-19:00: poll at 19:05 instead of 02:00");
    assert.equal(nextPollDelay(base, emptyActivity(), Date.parse("2026-11-24T02:45:00Z"), bounds), 2250);
    assert.equal(nextPollDelay(200, activity, Date.parse("2026-11-24T17:59:00Z"), bounds), 300, "never below the lower bound");
  });
});
