import assert from "node:assert/strict";
import { Given, Then, When } from "@cucumber/cucumber";
import { eventually } from "../support/supportDesk.ts";
import { connectPartner, partnerActivities, record, slot, waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

const name = (provider: string) => provider.toLowerCase();

/** Creates a config between two connected partners and remembers it by "source→destination". */
async function configure(world: SyncWellWorld, source: string, destination: string, strategy = "source_wins"): Promise<string> {
  const reply = await world.api("/v1/sync-configs", {
    json: {
      sourceConnectionId: world.user(source).connectionId,
      destinationConnectionId: world.user(destination).connectionId,
      dataType: "workouts",
      conflictResolutionStrategy: strategy,
    },
  });
  assert.equal(reply.status, 201, reply.text);
  world.configs.set(`${source}→${destination}`, reply.body.syncConfigId);
  return reply.body.syncConfigId;
}

async function syncConfig(world: SyncWellWorld, key: string): Promise<void> {
  const id = world.configs.get(key);
  assert.ok(id, `no config ${key}`);
  const reply = await world.api(`/v1/sync-configs/${id}/sync`, {
    method: "POST",
    headers: { "idempotency-key": `k-${Math.random().toString(36).slice(2)}` },
  });
  assert.equal(reply.status, 202, reply.text);
  world.jobIds.push(reply.body.jobId);
  const job = await waitForJob(world, reply.body.jobId);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
}

Given("a user syncing {word} to {word} and to {word}", async function (this: SyncWellWorld, source: string, a: string, b: string) {
  for (const p of [source, a, b]) await connectPartner(this, name(p));
  await configure(this, name(source), name(a));
  await configure(this, name(source), name(b));
});

Given(
  "a user syncing {word} to {word} and {word} to {word} with the {string} strategy",
  async function (this: SyncWellWorld, s1: string, d1: string, s2: string, d2: string, strategy: string) {
    for (const p of new Set([s1, d1, s2, d2].map(name))) await connectPartner(this, p);
    await configure(this, name(s1), name(d1), strategy);
    this.syncConfigId = await configure(this, name(s2), name(d2), strategy);
  },
);

Given("the user recorded {int} workouts at {word}", async function (this: SyncWellWorld, count: number, provider: string) {
  await record(
    this,
    name(provider),
    Array.from({ length: count }, (_, i) => ({ name: `${provider} workout ${i + 1}`, ...slot(3 + 2 * i) })),
  );
});

When("the user syncs the {word} to {word} config", async function (this: SyncWellWorld, source: string, destination: string) {
  await syncConfig(this, `${name(source)}→${name(destination)}`);
});

When(
  "the user syncs {word} to {word} and then {word} to {word}",
  async function (this: SyncWellWorld, s1: string, d1: string, s2: string, d2: string) {
    await syncConfig(this, `${name(s1)}→${name(d1)}`);
    await syncConfig(this, `${name(s2)}→${name(d2)}`);
  },
);

Then("{word} holds every {word} workout exactly once", async function (this: SyncWellWorld, destination: string, source: string) {
  const recorded = [...this.recorded.values()].filter((r) => r.provider === name(source));
  const held = await partnerActivities(this, name(destination));
  for (const r of recorded) {
    const copies = held.filter((h) => h.externalId === `syncwell-${name(source)}-${r.id}`);
    assert.equal(copies.length, 1, `${name(destination)} holds ${copies.length} copies of ${r.id}`);
  }
  assert.equal(held.length, recorded.length, "nothing else");
});

Then("{word} holds {int} workout(s)", async function (this: SyncWellWorld, provider: string, count: number) {
  assert.equal((await partnerActivities(this, name(provider))).length, count);
});

Then("Garmin eventually holds the late workout", async function (this: SyncWellWorld) {
  const late = this.recorded.get("Late upload");
  assert.ok(late);
  await eventually("the late workout at Garmin", async () =>
    (await partnerActivities(this, "garmin")).find((h) => h.externalId === `syncwell-strava-${late.id}`),
  );
});
