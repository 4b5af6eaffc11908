import assert from "node:assert/strict";
import { type DataTable, Given, Then, When } from "@cucumber/cucumber";
import { request } from "../support/http.ts";
import { eventually } from "../support/supportDesk.ts";
import { connectPartner, partnerActivities, record, slot, waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

const PROVIDER = (name: string) => name.toLowerCase();

/** The partner's own id of a workout this scenario recorded. */
function recordedId(world: SyncWellWorld, name: string): string {
  const found = world.recorded.get(name);
  assert.ok(found, `no workout ${name}`);
  return found.id;
}

/** The sync log entries (all pages) of the scenario's config. */
async function syncLog(world: SyncWellWorld): Promise<{ sourceId: string; outcome: string; reason: string }[]> {
  const items: { sourceId: string; outcome: string; reason: string }[] = [];
  let cursor: string | undefined;
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const reply = await request(world.gateway(`/v1/sync-configs/${world.syncConfigId}/records?${query}`), { token: world.token });
    assert.equal(reply.status, 200, reply.text);
    items.push(...reply.body.items);
    cursor = reply.body.nextCursor;
  } while (cursor);
  return items;
}

const says = (entries: { sourceId: string; outcome: string; reason: string }[], id: string, outcome: string, reason: string) =>
  entries.some((e) => e.sourceId === id && e.outcome === outcome && e.reason === reason);

Given(
  "a user syncing {word} to {word} with the config:",
  async function (this: SyncWellWorld, source: string, destination: string, json: string) {
    this.source = PROVIDER(source);
    this.destination = PROVIDER(destination);
    const sourceConnectionId = await connectPartner(this, this.source);
    const destinationConnectionId = await connectPartner(this, this.destination);
    const reply = await this.api("/v1/sync-configs", {
      json: { sourceConnectionId, destinationConnectionId, dataType: "workouts", ...JSON.parse(json) },
    });
    assert.equal(reply.status, 201, reply.text);
    this.syncConfigId = reply.body.syncConfigId;
  },
);

Given("the user recorded a private workout {string} on Strava", async function (this: SyncWellWorld, name: string) {
  await record(this, "strava", [{ name, private: true, ...slot(4 + 5 * this.recorded.size, 45) }]);
});

Given("the user recorded a manual workout {string} on Strava", async function (this: SyncWellWorld, name: string) {
  await record(this, "strava", [{ name, type: "workout", samples: [], ...slot(4 + 5 * this.recorded.size, 60) }]);
});

Given("the user recorded these workouts on Strava:", async function (this: SyncWellWorld, table: DataTable) {
  const rows = table.hashes();
  await record(
    this,
    "strava",
    rows.map((row, i) => ({ name: row.name as string, type: row.type, ...slot(3 + 3 * i, Number(row.minutes)) })),
  );
});

Given("the user recorded a workout {string} at Polar two hours east of UTC", async function (this: SyncWellWorld, name: string) {
  // Polar lists the local start time and its offset (AccessLink): the same instant as this UTC time.
  await record(this, "polar", [{ name, utcOffsetSeconds: 7200, ...slot(5, 50) }]);
});

Given("the watch put the same {string} on Garmin", async function (this: SyncWellWorld, name: string) {
  const source = this.recorded.get(name);
  assert.ok(source, `no workout ${name}`);
  await record(this, "garmin", [{ name: `${name} (watch)`, startTime: source.startTime, endTime: source.endTime }]);
  this.recorded.set(name, source);
});

When("the user records a workout {string} on {word}", async function (this: SyncWellWorld, name: string, provider: string) {
  await record(this, PROVIDER(provider), [{ name, ...slot(2 + 3 * this.recorded.size, 40) }]);
});

When("the user renames {string} on {word} to {string}", async function (this: SyncWellWorld, name: string, provider: string, to: string) {
  const user = this.user(PROVIDER(provider));
  const reply = await request(
    this.partner(`/${PROVIDER(provider)}/_admin/users/${user.partnerUserId}/activities/${recordedId(this, name)}`),
    {
      method: "PATCH",
      json: { name: to },
    },
  );
  assert.equal(reply.status, 200, reply.text);
});

When("the user deletes {string} on {word}", async function (this: SyncWellWorld, name: string, provider: string) {
  const user = this.user(PROVIDER(provider));
  const reply = await request(
    this.partner(`/${PROVIDER(provider)}/_admin/users/${user.partnerUserId}/activities/${recordedId(this, name)}`),
    {
      method: "DELETE",
    },
  );
  assert.equal(reply.status, 204, reply.text);
});

When("the user deletes the copy of {string} on Garmin", async function (this: SyncWellWorld, name: string) {
  const source = this.recorded.get(name);
  assert.ok(source, `no workout ${name}`);
  const copy = (await partnerActivities(this, "garmin")).find((a) => a.externalId === `syncwell-${source.provider}-${source.id}`);
  assert.ok(copy, `no copy of ${name} at Garmin`);
  const reply = await request(this.partner(`/garmin/_admin/users/${this.user("garmin").partnerUserId}/activities/${copy.id}`), {
    method: "DELETE",
  });
  assert.equal(reply.status, 204, reply.text);
});

When("the user resyncs {string}", async function (this: SyncWellWorld, name: string) {
  const reply = await this.api(`/v1/sync-configs/${this.syncConfigId}/records/${recordedId(this, name)}/resync`, {
    method: "POST",
    headers: { "idempotency-key": `resync-${Math.random().toString(36).slice(2)}` },
  });
  assert.equal(reply.status, 202, reply.text);
  this.jobIds.push(reply.body.jobId);
  const job = await waitForJob(this, reply.body.jobId);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
});

Then("{word} eventually holds a workout named {string}", async function (this: SyncWellWorld, provider: string, name: string) {
  await eventually(`a workout named ${name} at ${provider}`, async () =>
    (await partnerActivities(this, PROVIDER(provider))).find((a) => a.name === name),
  );
});

Then("{word} holds a private workout named {string}", async function (this: SyncWellWorld, provider: string, name: string) {
  const found = (await partnerActivities(this, PROVIDER(provider))).find((a) => a.name === name);
  assert.ok(found, `no workout ${name} at ${provider}`);
  assert.equal(found.private, true, `${name} is private at ${provider}`);
});

Then(
  "the sync log says {string} with reason {string} for {string}",
  async function (this: SyncWellWorld, outcome: string, reason: string, name: string) {
    const entries = await syncLog(this);
    assert.ok(says(entries, recordedId(this, name), outcome, reason), JSON.stringify(entries));
  },
);

Then(
  "the sync log eventually says {string} with reason {string} for {string}",
  async function (this: SyncWellWorld, outcome: string, reason: string, name: string) {
    const id = recordedId(this, name);
    await eventually(`${outcome}/${reason} for ${name} in the sync log`, async () =>
      says(await syncLog(this), id, outcome, reason) ? true : undefined,
    );
  },
);
