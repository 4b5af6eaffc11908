import assert from "node:assert/strict";
import { Given, Then, When } from "@cucumber/cucumber";
import { request } from "../support/http.ts";
import { eventually } from "../support/supportDesk.ts";
import { connectPartner, syncAndWait, waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

type HealthState = { night?: { startTime: string; endTime: string; id?: string }; deviceConnectionId?: string; body?: string };
const states = new WeakMap<SyncWellWorld, HealthState>();
function state(w: SyncWellWorld): HealthState {
  const known = states.get(w);
  if (known) return known;
  const fresh: HealthState = {};
  states.set(w, fresh);
  return fresh;
}

const provider = (name: string) => (name === "Apple Health" ? "apple_health" : name.toLowerCase());

async function connect(world: SyncWellWorld, name: string): Promise<string> {
  if (provider(name) !== "apple_health") return connectPartner(world, provider(name));
  const device = await world.api("/v1/connections", { json: { provider: "apple_health" } });
  assert.equal(device.status, 201, device.text);
  state(world).deviceConnectionId = device.body.connectionId;
  return device.body.connectionId;
}

/** Last night, 22:40 to 06:10 the next morning, a day ago (whole seconds), with its stages. */
function lastNight(shiftSeconds = 0) {
  const start = Math.floor((Date.now() - 30 * 3600_000) / 1000) * 1000 + shiftSeconds * 1000;
  return {
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + 7.5 * 3600_000).toISOString(),
    sleep: {
      stages: [
        { stage: "light", startOffsetSeconds: 0, seconds: 5400 },
        { stage: "deep", startOffsetSeconds: 5400, seconds: 3600 },
        { stage: "rem", startOffsetSeconds: 9000, seconds: 1800 },
        { stage: "light", startOffsetSeconds: 10800, seconds: 16200 },
      ],
    },
  };
}

async function recordNight(world: SyncWellWorld, name: string, night: ReturnType<typeof lastNight>) {
  const at = provider(name);
  const reply = await request(world.partner(`/${at}/_admin/users/${world.user(at).partnerUserId}/activities`), {
    json: [{ ...night, kind: "sleep", type: "other", name: "Sleep" }],
  });
  assert.equal(reply.status, 201, reply.text);
  return reply.body[0];
}

async function held(world: SyncWellWorld, name: string, kind: string): Promise<any[]> {
  const at = provider(name);
  const reply = await request(world.partner(`/${at}/_admin/users/${world.user(at).partnerUserId}/activities?kind=${kind}`));
  assert.equal(reply.status, 200, reply.text);
  return reply.body;
}

async function logOf(world: SyncWellWorld, sourceId: string): Promise<any[]> {
  const reply = await world.api(`/v1/sync-configs/${world.syncConfigId}/records`);
  assert.equal(reply.status, 200, reply.text);
  return reply.body.items.filter((l: { sourceId: string }) => l.sourceId === sourceId);
}

async function syncing(world: SyncWellWorld, dataType: string, from: string, to: string) {
  const source = await connect(world, from);
  const destination = await connect(world, to);
  const config = await world.api("/v1/sync-configs", {
    json: { sourceConnectionId: source, destinationConnectionId: destination, dataType },
  });
  assert.equal(config.status, 201, config.text);
  world.syncConfigId = config.body.syncConfigId;
}

Given("a user syncing {string} from {word} to {word}", async function (this: SyncWellWorld, dataType: string, from: string, to: string) {
  await syncing(this, dataType, from, to);
});

Given("a user syncing {string} from Apple Health to {word}", async function (this: SyncWellWorld, dataType: string, to: string) {
  await syncing(this, dataType, "Apple Health", to);
});

When("the user's Oura ring records a night of sleep", async function (this: SyncWellWorld) {
  const night = lastNight();
  const stored = await recordNight(this, "Oura", night);
  state(this).night = { startTime: night.startTime, endTime: night.endTime, id: stored.id };
});

Given(
  "the user's Garmin watch recorded the night {int} seconds apart from the ring",
  async function (this: SyncWellWorld, seconds: number) {
    await recordNight(this, "Garmin", lastNight(seconds));
  },
);

async function recordAndSync(world: SyncWellWorld, source: string) {
  const night = lastNight();
  const stored = await recordNight(world, source, night);
  state(world).night = { startTime: night.startTime, endTime: night.endTime, id: stored.id };
  await syncAndWait(world);
}

When("the user's Oura ring records that night and the config syncs", async function (this: SyncWellWorld) {
  await recordAndSync(this, "Oura");
});

When("the user's {word} device records a night of sleep and the config syncs", async function (this: SyncWellWorld, source: string) {
  await recordAndSync(this, source);
});

Then("Garmin holds that night once, with its stages", async function (this: SyncWellWorld) {
  const night = state(this).night;
  const nights = await eventually("the night reaching Garmin", async () => {
    const there = await held(this, "Garmin", "sleep");
    return there.length > 0 ? there : undefined;
  });
  assert.equal(nights.length, 1, JSON.stringify(nights));
  assert.deepEqual([nights[0].startTime, nights[0].endTime], [night?.startTime, night?.endTime]);
  assert.deepEqual(
    nights[0].sleep.stages.map((s: { stage: string }) => s.stage),
    ["light", "deep", "rem", "light"],
  );
});

Then("a sync of the config now writes nothing", async function (this: SyncWellWorld) {
  const job = await syncAndWait(this);
  assert.equal(job.recordsWritten, 0);
  assert.equal((await held(this, "Garmin", "sleep")).length, 1);
});

Then("Garmin holds one night", async function (this: SyncWellWorld) {
  assert.equal((await held(this, "Garmin", "sleep")).length, 1);
});

Then("the sync log of the night says {string} {string}", async function (this: SyncWellWorld, outcome: string, reason: string) {
  const id = state(this).night?.id as string;
  const lines = await eventually("the night's sync-log line", async () => {
    const found = await logOf(this, id);
    return found.length > 0 ? found : undefined;
  });
  assert.deepEqual(
    lines.map((l) => [l.outcome, l.reason]),
    [[outcome, reason]],
  );
});

async function uploadWeighIn(world: SyncWellWorld, kg: number) {
  const s = state(world);
  s.body ??= JSON.stringify({
    connectionId: s.deviceConnectionId,
    records: [
      {
        id: "HK-WEIGH-1",
        kind: "body",
        startTime: new Date(Math.floor((Date.now() - 3600_000) / 1000) * 1000).toISOString(),
        endTime: new Date(Math.floor((Date.now() - 3600_000) / 1000) * 1000).toISOString(),
        type: "other",
        name: "Weigh-in",
        body: { weightKg: kg },
      },
    ],
  });
  const reply = await request(world.gateway("/v1/device-uploads"), {
    method: "POST",
    token: world.token,
    headers: { "content-type": "application/json", "idempotency-key": `weigh-${Math.random().toString(36).slice(2)}` },
    body: s.body,
  });
  assert.equal(reply.status, 202, reply.text);
  for (const jobId of reply.body.jobIds) assert.equal((await waitForJob(world, jobId)).status, "succeeded");
}

When("the app uploads a weigh-in of {float} kg and its job succeeds", async function (this: SyncWellWorld, kg: number) {
  await uploadWeighIn(this, kg);
});

When("the app uploads the same weigh-in again", async function (this: SyncWellWorld) {
  await uploadWeighIn(this, 0);
});

When("the user steps on the Withings scale: {float} kg", async function (this: SyncWellWorld, kg: number) {
  const at = new Date(Math.floor((Date.now() - 600_000) / 1000) * 1000).toISOString();
  const reply = await request(this.partner(`/withings/_admin/users/${this.user("withings").partnerUserId}/activities`), {
    json: [{ kind: "body", type: "other", name: "Weigh-in", startTime: at, endTime: at, body: { weightKg: kg, fatPercent: 18.2 } }],
  });
  assert.equal(reply.status, 201, reply.text);
});

Then("a sync of the config writes nothing more", async function (this: SyncWellWorld) {
  assert.equal((await syncAndWait(this)).recordsWritten, 0);
  assert.equal((await held(this, "Garmin", "body")).length, 1);
});

Then("Garmin holds one weigh-in of {float} kg", async function (this: SyncWellWorld, kg: number) {
  const there = await eventually("the weigh-in reaching Garmin", async () => {
    const found = await held(this, "Garmin", "body");
    return found.length > 0 ? found : undefined;
  });
  assert.equal(there.length, 1, JSON.stringify(there));
  assert.equal(there[0].body.weightKg, kg);
});
