import assert from "node:assert/strict";
import { Given, Then, When } from "@cucumber/cucumber";
import { findInDlq } from "../support/dlq.ts";
import { request } from "../support/http.ts";
import { askSync, connectPartner, partnerActivities, record, slot, stats, syncAndWait, waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

const PROVIDER = (name: string) => name.toLowerCase();

// ── setup ─────────────────────────────────────────────────────────────────────
Given(
  "a user syncing {word} to {word} with the {string} strategy",
  async function (this: SyncWellWorld, source: string, destination: string, strategy: string) {
    this.source = PROVIDER(source);
    this.destination = PROVIDER(destination);
    const sourceConnectionId = await connectPartner(this, this.source);
    const destinationConnectionId = await connectPartner(this, this.destination);
    const reply = await this.api("/v1/sync-configs", {
      json: { sourceConnectionId, destinationConnectionId, dataType: "workouts", conflictResolutionStrategy: strategy },
    });
    assert.equal(reply.status, 201, reply.text);
    this.syncConfigId = reply.body.syncConfigId;
  },
);

Given("the user recorded {int} workout(s) on Strava", async function (this: SyncWellWorld, count: number) {
  await record(
    this,
    "strava",
    Array.from({ length: count }, (_, i) => ({ name: `Workout ${this.recorded.size + i + 1}`, ...slot(2 + 3 * (this.recorded.size + i)) })),
  );
});

Given("the user recorded a workout {string} on Strava", async function (this: SyncWellWorld, name: string) {
  await record(this, "strava", [{ name, ...slot(4 + 5 * this.recorded.size, 45) }]);
});

Given("the watch already put a workout overlapping {string} on Garmin", async function (this: SyncWellWorld, name: string) {
  await putOverlapping(this, name, 0);
});

Given(
  "the watch already put a workout overlapping {string} on Garmin that ends {word} it",
  async function (this: SyncWellWorld, name: string, when: string) {
    await putOverlapping(this, name, when === "after" ? 10 : -10);
  },
);

Given(
  "the watch already put a workout on Garmin that overlaps {string} by {int} seconds",
  async function (this: SyncWellWorld, name: string, seconds: number) {
    const target = this.recorded.get(name);
    assert.ok(target, `no workout ${name}`);
    const end = Date.parse(target.startTime) + seconds * 1000;
    await record(this, "garmin", [
      { name: "Watch workout", startTime: new Date(end - 20 * 60_000).toISOString(), endTime: new Date(end).toISOString() },
    ]);
  },
);

async function putOverlapping(world: SyncWellWorld, name: string, endShiftMinutes: number) {
  const target = world.recorded.get(name);
  assert.ok(target, `no workout ${name}`);
  const start = Date.parse(target.startTime) + 5 * 60_000;
  const end = Date.parse(target.endTime) + endShiftMinutes * 60_000;
  await record(world, "garmin", [
    { name: "Watch workout", startTime: new Date(start).toISOString(), endTime: new Date(end).toISOString() },
  ]);
}

Given("the user synced", async function (this: SyncWellWorld) {
  await syncAndWait(this);
});

When("a workout recorded {int} days ago is uploaded to Strava", async function (this: SyncWellWorld, days: number) {
  await record(this, "strava", [{ name: "Late upload", ...slot(days * 24) }]);
});

Given("Garmin fails the next upload with a {int}", async function (this: SyncWellWorld, status: number) {
  await request(this.partner("/_admin/faults"), { json: { provider: "garmin", operation: "create", status, times: 1 } });
});

Given("Strava answers the next {int} listings with a {int}", async function (this: SyncWellWorld, times: number, status: number) {
  await request(this.partner("/_admin/faults"), { json: { provider: "strava", operation: "list_metadata", status, times } });
});

Given("the Strava access token has expired", async function (this: SyncWellWorld) {
  await request(this.partner(`/strava/_admin/users/${this.user("strava").partnerUserId}/expire-tokens`), { method: "POST" });
});

Given("the athlete revoked SyncWell's access on Strava", async function (this: SyncWellWorld) {
  await request(this.partner(`/strava/_admin/users/${this.user("strava").partnerUserId}/revoke`), { method: "POST" });
});

Given("{int} syncs in a row found Garmin empty", async function (this: SyncWellWorld, count: number) {
  for (let i = 0; i < count; i++) {
    await record(this, "strava", [{ name: `Warm-up ${i}`, ...slot(100 + i * 2) }]);
    await syncAndWait(this);
  }
  assert.equal((await partnerActivities(this, "garmin")).length, count, "every sync wrote its workout");
});

// ── actions ───────────────────────────────────────────────────────────────────
When("the user asks for a sync", async function (this: SyncWellWorld) {
  const before = await this.api(`/v1/sync-configs/${this.syncConfigId}`);
  this.lastSyncTimeBefore = before.body.lastSyncTime;
  await request(this.partner("/_admin/stats/reset"), { method: "POST" });
  const reply = await askSync(this);
  assert.equal(reply.status, 202, reply.text);
});

When("the user asks for a sync with Idempotency-Key {string}( again)", async function (this: SyncWellWorld, key: string) {
  const reply = await askSync(this, key);
  assert.equal(reply.status, 202, reply.text);
});

When("the watch puts a workout on Garmin overlapping a new Strava workout and the user syncs", async function (this: SyncWellWorld) {
  await record(this, "strava", [{ name: "Contested", ...slot(50, 40) }]);
  await putOverlapping(this, "Contested", 0);
  await request(this.partner("/_admin/stats/reset"), { method: "POST" });
  await syncAndWait(this);
});

// ── outcomes ──────────────────────────────────────────────────────────────────
Then("the job succeeds having written {int} workout(s)", async function (this: SyncWellWorld, count: number) {
  const job = await waitForJob(this, this.lastJobId);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
  assert.equal(job.recordsWritten, count);
});

Then("the job succeeds after {int} failed attempt(s)", async function (this: SyncWellWorld, attempts: number) {
  const job = await waitForJob(this, this.lastJobId);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
  assert.equal(job.attempts, attempts);
});

Then("the job ends dead_lettered after {int} attempts", async function (this: SyncWellWorld, attempts: number) {
  const job = await waitForJob(this, this.lastJobId);
  assert.equal(job.status, "dead_lettered", JSON.stringify(job));
  assert.equal(job.attempts, attempts);
});

Then("the job ends dead_lettered with category {string}", async function (this: SyncWellWorld, category: string) {
  const job = await waitForJob(this, this.lastJobId);
  assert.equal(job.status, "dead_lettered", JSON.stringify(job));
  assert.equal(job.error.category, category);
});

Then(
  "the DLQ holds the job with userId, syncConfigId, category {string} and a message naming the {int}",
  async function (this: SyncWellWorld, category: string, status: number) {
    const mine = await findInDlq((m) => m.MessageAttributes?.jobId?.StringValue === this.lastJobId);
    assert.ok(mine, "the job never reached the DLQ");
    const attrs = mine.MessageAttributes ?? {};
    assert.equal(attrs.userId?.StringValue, this.userId);
    assert.equal(attrs.syncConfigId?.StringValue, this.syncConfigId);
    assert.equal(attrs.errorCategory?.StringValue, category);
    assert.match(attrs.errorMessage?.StringValue ?? "", new RegExp(String(status)));
    assert.equal(JSON.parse(mine.Body ?? "{}").jobId, this.lastJobId, "the body is the original job message");
  },
);

Then("both answers carry the same job id", function (this: SyncWellWorld) {
  assert.equal(this.jobIds.length, 2);
  assert.equal(this.jobIds[0], this.jobIds[1]);
});

Then("Garmin holds each Strava workout exactly once", async function (this: SyncWellWorld) {
  await waitForJob(this, this.lastJobId);
  const held = await partnerActivities(this, "garmin");
  const fromStrava = [...this.recorded.values()].filter((r) => r.provider === "strava");
  for (const workout of fromStrava) {
    const copies = held.filter((h) => h.externalId === `syncwell-strava-${workout.id}`);
    assert.equal(copies.length, 1, `strava ${workout.id} is at Garmin ${copies.length} times`);
    assert.equal(copies[0].startTime, workout.startTime);
  }
  assert.equal(held.length, fromStrava.length, "nothing else was written");
});

Then("Garmin holds only the Strava version of {string}", async function (this: SyncWellWorld, name: string) {
  await waitForJob(this, this.lastJobId);
  const held = await partnerActivities(this, "garmin");
  assert.deepEqual(
    held.map((h) => h.externalId),
    [`syncwell-strava-${this.recorded.get(name)?.id}`],
  );
});

Then("Garmin holds only the watch's workout", async function (this: SyncWellWorld) {
  await waitForJob(this, this.lastJobId);
  assert.deepEqual(
    (await partnerActivities(this, "garmin")).map((h) => h.name),
    ["Watch workout"],
  );
});

Then("Garmin holds the watch's workout and {string}", async function (this: SyncWellWorld, name: string) {
  const held = await partnerActivities(this, "garmin");
  assert.deepEqual(held.map((h) => h.name).sort(), [name, "Watch workout"].sort());
});

Then("Garmin holds the watch's workout", async function (this: SyncWellWorld) {
  const held = await partnerActivities(this, "garmin");
  const contested = held.filter((h) => h.name === "Watch workout" || h.name === "Contested");
  assert.deepEqual(
    contested.map((h) => h.name),
    ["Watch workout"],
  );
});

Then(
  "the sync cost {int} Strava listing, {int} Strava payload fetches, {int} Garmin listings and {int} Garmin uploads",
  async function (this: SyncWellWorld, lists: number, payloads: number, garminLists: number, uploads: number) {
    await waitForJob(this, this.lastJobId);
    const s = await stats(this);
    assert.equal(s.strava?.list_metadata?.calls, lists);
    assert.equal(s.strava?.get_payload?.calls, payloads);
    assert.equal(s.garmin?.list_metadata?.calls ?? 0, garminLists, "Garmin accepts overlapping uploads, so it is read before writing");
    assert.equal(s.garmin?.create?.calls, uploads);
  },
);

Then("the sync cost exactly {int} partner call", async function (this: SyncWellWorld, calls: number) {
  await waitForJob(this, this.lastJobId);
  const s = await stats(this);
  const total = Object.values(s)
    .flatMap((ops) => Object.values(ops))
    .reduce((sum, op) => sum + op.calls, 0);
  assert.equal(total, calls, JSON.stringify(s));
});

Then("Garmin was asked for its workouts before writing", async function (this: SyncWellWorld) {
  await waitForJob(this, this.lastJobId);
  assert.ok(((await stats(this)).garmin?.list_metadata?.calls ?? 0) >= 1);
});

Then("only {string}'s payload was fetched from Strava", async function (this: SyncWellWorld, name: string) {
  await waitForJob(this, this.lastJobId);
  assert.equal((await stats(this)).strava?.get_payload?.calls, 1, "one payload fetch");
  const recorded = this.recorded.get(name);
  assert.ok(recorded, `no workout ${name}`);
  const written = (await partnerActivities(this, "garmin")).filter((h) => String(h.externalId ?? "").startsWith("syncwell-strava-"));
  assert.deepEqual(
    written.map((h) => h.externalId),
    [`syncwell-strava-${recorded.id}`],
    `the one record hydrated and written is ${name}`,
  );
});

Then("Strava was asked for {int} payloads in all", async function (this: SyncWellWorld, count: number) {
  assert.equal((await stats(this)).strava?.get_payload?.calls, count);
});

Then("the sync config's lastSyncTime has advanced", async function (this: SyncWellWorld) {
  await waitForJob(this, this.lastJobId);
  const config = await this.api(`/v1/sync-configs/${this.syncConfigId}`);
  assert.ok(config.body.lastSyncTime, "lastSyncTime is set");
  if (this.lastSyncTimeBefore) assert.ok(Date.parse(config.body.lastSyncTime) > Date.parse(this.lastSyncTimeBefore));
});

Then("SyncWell refreshed the Strava token once", async function (this: SyncWellWorld) {
  await waitForJob(this, this.lastJobId);
  assert.equal((await stats(this)).strava?.oauth_token?.calls, 1);
});

Then("the Strava connection is {string}", async function (this: SyncWellWorld, status: string) {
  const reply = await this.api(`/v1/connections/${this.user("strava").connectionId}`);
  assert.equal(reply.body.status, status);
});
