import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { Given, Then, When } from "@cucumber/cucumber";
import { DEVICE_UPLOAD_MAX_BYTES, externalIdFor, signJwt } from "@syncwell/core";
import type { Reply } from "../support/http.ts";
import { stack } from "../support/platform.ts";
import { connectPartner, partnerActivities, slot, waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

/** What a device-upload scenario keeps: the apple_health connection, the last batch body and what it uploaded. */
interface DeviceState {
  connectionId: string;
  body?: string;
  uploaded: string[];
  reply?: Reply;
}
const states = new WeakMap<SyncWellWorld, DeviceState>();
const state = (world: SyncWellWorld): DeviceState => {
  const found = states.get(world);
  if (!found) throw new Error("no apple_health connection in this scenario");
  return found;
};

/** `count` HealthKit workouts, each with the device's own id (HealthKit's UUID), as the app sends them. */
const healthKitWorkouts = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: randomUUID().toUpperCase(),
    ...slot(30 - i * 2, 40),
    type: "run",
    name: `HealthKit run ${i + 1}`,
    samples: [
      { offsetSeconds: 0, heartRate: 118 },
      { offsetSeconds: 60, heartRate: 141 },
    ],
  }));

async function upload(world: SyncWellWorld, body: string, token = world.token): Promise<Reply> {
  const reply = await world.call(world.gateway("/v1/device-uploads"), {
    body,
    token,
    headers: { "content-type": "application/json", "idempotency-key": `hk-${randomBytes(6).toString("hex")}` },
  });
  state(world).reply = reply;
  if (reply.status === 202) world.jobIds.push(...(reply.body.jobIds as string[]));
  return reply;
}

async function uploadBatch(world: SyncWellWorld, count: number): Promise<Reply> {
  const s = state(world);
  const records = healthKitWorkouts(count);
  s.body = JSON.stringify({ connectionId: s.connectionId, records });
  s.uploaded.push(...records.map((r) => r.id));
  return upload(world, s.body);
}

/** Waits for every job of the last upload; answers the records they wrote. */
async function jobsWritten(world: SyncWellWorld): Promise<number> {
  const reply = state(world).reply;
  assert.equal(reply?.status, 202, reply?.text);
  let written = 0;
  for (const jobId of reply.body.jobIds as string[]) {
    const job = await waitForJob(world, jobId);
    assert.equal(job.status, "succeeded", JSON.stringify(job));
    written += job.recordsWritten ?? 0;
  }
  return written;
}

Given("a user whose Apple Health syncs to Strava", async function (this: SyncWellWorld) {
  const strava = await connectPartner(this, "strava");
  const device = await this.api("/v1/connections", { json: { provider: "apple_health" } });
  assert.equal(device.status, 201, device.text);
  assert.equal(device.body.provider, "apple_health");
  const config = await this.api("/v1/sync-configs", {
    json: { sourceConnectionId: device.body.connectionId, destinationConnectionId: strava, dataType: "workouts" },
  });
  assert.equal(config.status, 201, config.text);
  this.syncConfigId = config.body.syncConfigId;
  this.source = "apple_health";
  this.destination = "strava";
  states.set(this, { connectionId: device.body.connectionId, uploaded: [] });
});

When("the app uploads a HealthKit batch of {int} workout(s)", async function (this: SyncWellWorld, count: number) {
  await uploadBatch(this, count);
});

Given("the app uploaded a HealthKit batch of {int} workouts and its jobs succeeded", async function (this: SyncWellWorld, count: number) {
  const reply = await uploadBatch(this, count);
  assert.equal(reply.status, 202, reply.text);
  assert.equal(await jobsWritten(this), count);
});

When("the app uploads the same HealthKit batch again with a new Idempotency-Key", async function (this: SyncWellWorld) {
  await upload(this, state(this).body ?? "");
});

When(
  "the app uploads a HealthKit batch of {int} workouts whose {int}th has no valid start time",
  async function (this: SyncWellWorld, count: number, nth: number) {
    const s = state(this);
    const records: Record<string, unknown>[] = healthKitWorkouts(count);
    records[nth - 1] = { ...records[nth - 1], startTime: "this morning" };
    await upload(this, JSON.stringify({ connectionId: s.connectionId, records }));
  },
);

When("the app uploads a HealthKit batch larger than the upload limit", async function (this: SyncWellWorld) {
  const s = state(this);
  const [one] = healthKitWorkouts(1);
  const samples = Array.from({ length: 40_000 }, (_, i) => ({ offsetSeconds: i, heartRate: 120 }));
  const body = JSON.stringify({ connectionId: s.connectionId, records: [{ ...one, samples }] });
  assert.ok(Buffer.byteLength(body) > DEVICE_UPLOAD_MAX_BYTES, "the batch is over the limit");
  await upload(this, body);
});

When("another user uploads a HealthKit batch to this user's Apple Health connection", async function (this: SyncWellWorld) {
  const intruder = signJwt(stack().jwtSecret, `user-${randomBytes(4).toString("hex")}`, 3600);
  const s = state(this);
  await upload(this, JSON.stringify({ connectionId: s.connectionId, records: healthKitWorkouts(1) }), intruder);
});

Then("the upload is accepted and its jobs succeed having written {int} workout(s)", async function (this: SyncWellWorld, expected: number) {
  assert.equal(await jobsWritten(this), expected);
});

Then("the upload is refused with {int}", function (this: SyncWellWorld, status: number) {
  const reply = state(this).reply;
  assert.equal(reply?.status, status, reply?.text);
  assert.equal(reply.body.status, status, "a problem document");
});

Then("the upload is refused with {int} naming {string}", function (this: SyncWellWorld, status: number, field: string) {
  const reply = state(this).reply;
  assert.equal(reply?.status, status, reply?.text);
  assert.equal(reply.body.field, field);
  assert.ok(String(reply.body.detail).startsWith(`${field}:`), reply.body.detail);
});

Then("Strava holds each uploaded HealthKit workout exactly once", async function (this: SyncWellWorld) {
  const held = await partnerActivities(this, "strava");
  for (const id of state(this).uploaded) {
    const copies = held.filter((a) => a.externalId === externalIdFor("apple_health", id));
    assert.equal(copies.length, 1, `${id} is at Strava ${copies.length} times`);
  }
});

Then("Strava holds no HealthKit workout", async function (this: SyncWellWorld) {
  const held = await partnerActivities(this, "strava");
  assert.deepEqual(
    held.filter((a) => String(a.externalId ?? "").startsWith(externalIdFor("apple_health", ""))),
    [],
  );
});
