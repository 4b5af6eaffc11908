import assert from "node:assert/strict";
import { Then, When } from "@cucumber/cucumber";
import { request } from "../support/http.ts";
import { metric } from "../support/metrics.ts";
import { stack } from "../support/platform.ts";
import { partnerActivities, record, slot, syncAndWait, waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

const NOT_CONFIRMED = 'reason="deauthorization_not_confirmed"';
const state = (world: SyncWellWorld) => world as unknown as { droppedBefore?: number };

function recorded(world: SyncWellWorld, name: string) {
  const workout = world.recorded.get(name);
  assert.ok(workout, `no workout ${name}`);
  return workout;
}

When(
  "the watch put a workout on Garmin that ends {int} seconds after {string} starts",
  async function (this: SyncWellWorld, seconds: number, name: string) {
    const end = Date.parse(recorded(this, name).startTime) + seconds * 1000;
    await record(this, "garmin", [
      { name: "Watch workout", startTime: new Date(end - 25 * 60_000).toISOString(), endTime: new Date(end).toISOString() },
    ]);
  },
);

When(
  "the user recorded a workout {string} on Strava that starts {int} seconds before {string} ends",
  async function (this: SyncWellWorld, name: string, seconds: number, other: string) {
    const start = Date.parse(recorded(this, other).endTime) - seconds * 1000;
    await record(this, "strava", [
      { name, startTime: new Date(start).toISOString(), endTime: new Date(start + 20 * 60_000).toISOString() },
    ]);
  },
);

Then(
  "Garmin holds {string}, {string} and the watch's workout, each once",
  async function (this: SyncWellWorld, first: string, second: string) {
    await waitForJob(this, this.lastJobId);
    const held = await partnerActivities(this, "garmin");
    assert.deepEqual(held.map((h) => h.name).sort(), [first, second, "Watch workout"].sort(), JSON.stringify(held));
    for (const name of [first, second])
      assert.equal(
        held.filter((h) => h.externalId === `syncwell-strava-${recorded(this, name).id}`).length,
        1,
        `${name} is at Garmin once, under its own external id`,
      );
  },
);

When("a Strava deauthorisation event for the athlete arrives", async function (this: SyncWellWorld) {
  const coalescer = stack().coalescer;
  assert.ok(coalescer, "the deauthorisation checks need the embedded stack's coalescer");
  state(this).droppedBefore = await metric(coalescer, "syncwell_webhook_events_dropped_total", NOT_CONFIRMED);
  // Strava's events carry no signature: anyone who knows an athlete id can post this one.
  const athlete = Number(this.user("strava").partnerUserId);
  const reply = await request(this.gateway("/webhooks/strava"), {
    json: {
      object_type: "athlete",
      object_id: athlete,
      aspect_type: "update",
      updates: { authorized: "false" },
      owner_id: athlete,
      subscription_id: 1,
      event_time: Math.floor(Date.now() / 1000),
    },
  });
  assert.equal(reply.status, 200, reply.text);
});

Then("SyncWell drops it as not confirmed by Strava", async function (this: SyncWellWorld) {
  const coalescer = stack().coalescer as string;
  const before = state(this).droppedBefore ?? 0;
  const deadline = Date.now() + 15_000;
  while ((await metric(coalescer, "syncwell_webhook_events_dropped_total", NOT_CONFIRMED)) <= before) {
    assert.ok(Date.now() < deadline, "the coalescer never counted the event as not confirmed");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

When("the user records a workout {string} on Strava and syncs", async function (this: SyncWellWorld, name: string) {
  await record(this, "strava", [{ name, ...slot(1) }]);
  await syncAndWait(this);
});
