import assert from "node:assert/strict";
import { Then, When } from "@cucumber/cucumber";
import { signJwt } from "@syncwell/core";
import type { Reply } from "../support/http.ts";
import { metric } from "../support/metrics.ts";
import { stack } from "../support/platform.ts";
import { waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

interface LogEntry {
  sourceId: string;
  destinationId?: string;
  outcome: string;
  reason: string;
  jobId: string;
  at: string;
}

/** What these steps remember between them, on the scenario's world. */
interface SyncLogState {
  logPages: LogEntry[][];
  resyncJobIds: string[];
  enqueuedBefore: number;
}
const state = (world: SyncWellWorld) => world as unknown as SyncWellWorld & SyncLogState;

const records = (world: SyncWellWorld, query = "", configId = world.syncConfigId) =>
  world.api(`/v1/sync-configs/${configId}/records${query ? `?${query}` : ""}`);

/** The only workout the scenario recorded at the source. */
function theWorkout(world: SyncWellWorld): string {
  const all = [...world.recorded.values()];
  assert.equal(all.length, 1, "the scenario recorded one workout");
  return (all[0] as { id: string }).id;
}

const enqueuedManual = (world: SyncWellWorld) => metric(world.gateway(""), "syncwell_jobs_enqueued_total", 'trigger="manual"');

// ── sync configs ──────────────────────────────────────────────────────────────
When("the user changes the sync config to:", async function (this: SyncWellWorld, json: string) {
  const reply = await this.api(`/v1/sync-configs/${this.syncConfigId}`, { method: "PATCH", json: JSON.parse(json) });
  assert.equal(reply.status, 200, reply.text);
});

Then("the sync config reads back with:", async function (this: SyncWellWorld, json: string) {
  const reply = await this.api(`/v1/sync-configs/${this.syncConfigId}`);
  assert.equal(reply.status, 200, reply.text);
  for (const [field, value] of Object.entries(JSON.parse(json) as Record<string, unknown>))
    assert.deepEqual(reply.body[field], value, field);
});

When("the user asks for a sync config with the filters {}", async function (this: SyncWellWorld, filters: string) {
  await this.api("/v1/sync-configs", {
    json: {
      sourceConnectionId: this.user(this.source).connectionId,
      destinationConnectionId: this.user(this.destination).connectionId,
      dataType: "workouts",
      filters: JSON.parse(filters),
    },
  });
});

When("the user changes the sync config's filters to {}", async function (this: SyncWellWorld, filters: string) {
  await this.api(`/v1/sync-configs/${this.syncConfigId}`, { method: "PATCH", json: { filters: JSON.parse(filters) } });
});

Then("the answer is a {int} problem naming {string}", function (this: SyncWellWorld, status: number, field: string) {
  const reply = this.lastReply;
  assert.equal(reply.status, status, reply.text);
  assert.match(reply.headers.get("content-type") ?? "", /application\/problem\+json/);
  assert.equal(reply.body.field, field, reply.text);
  assert.ok(String(reply.body.detail).startsWith(`${field}: `), reply.text);
});

// ── reading the log ───────────────────────────────────────────────────────────
When("the user reads the sync log {int} entr(y)(ies) at a time", async function (this: SyncWellWorld, limit: number) {
  const pages: LogEntry[][] = [];
  let cursor: string | undefined;
  do {
    const reply = await records(this, `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    assert.equal(reply.status, 200, reply.text);
    assert.ok(reply.body.items.length <= limit, "a page holds at most limit entries");
    pages.push(reply.body.items);
    cursor = reply.body.nextCursor;
    assert.ok(pages.length <= 100, "the cursor moves on");
  } while (cursor);
  state(this).logPages = pages;
});

const READS: Record<string, (world: SyncWellWorld) => Promise<Reply>> = {
  "with a cursor that was tampered with": async (w) => {
    const cursor: string = (await records(w, "limit=1")).body.nextCursor;
    assert.ok(cursor, "the log has a second page");
    const at = Math.floor(cursor.length / 2);
    return records(w, `cursor=${cursor.slice(0, at)}${cursor[at] === "A" ? "B" : "A"}${cursor.slice(at + 1)}`);
  },
  "with a cursor of another sync config": async (w) => {
    const cursor: string = (await records(w, "limit=1")).body.nextCursor;
    assert.ok(cursor, "the log has a second page");
    const other = await w.api("/v1/sync-configs", {
      json: {
        sourceConnectionId: w.user(w.source).connectionId,
        destinationConnectionId: w.user(w.destination).connectionId,
        dataType: "workouts",
      },
    });
    assert.equal(other.status, 201, other.text);
    return records(w, `cursor=${cursor}`, other.body.syncConfigId);
  },
  "with a limit of 0": (w) => records(w, "limit=0"),
  "with a limit of 101": (w) => records(w, "limit=101"),
  "of another user's sync config": (w) =>
    w.call(w.gateway(`/v1/sync-configs/${w.syncConfigId}/records`), { token: signJwt(stack().jwtSecret, "someone-else", 600) }),
  "of an unknown sync config": (w) => records(w, "", "does-not-exist"),
};

When("the user tries to read the sync log {}", async function (this: SyncWellWorld, how: string) {
  const read = READS[how];
  assert.ok(read, `unknown read "${how}"`);
  await read(this);
});

Then("it took {int} page(s)", function (this: SyncWellWorld, pages: number) {
  assert.equal(state(this).logPages.length, pages);
});

Then(
  "the log lists each Strava workout once, {word} with reason {string} by the last job, with its copy's id",
  function (this: SyncWellWorld, outcome: string, reason: string) {
    const entries = state(this).logPages.flat();
    const workouts = [...this.recorded.values()].filter((r) => r.provider === "strava");
    assert.equal(entries.length, workouts.length, JSON.stringify(entries));
    for (const workout of workouts) {
      const mine = entries.filter((e) => e.sourceId === workout.id);
      assert.equal(mine.length, 1, `${workout.id} once`);
      assert.deepEqual(
        { outcome: mine[0]?.outcome, reason: mine[0]?.reason, jobId: mine[0]?.jobId },
        { outcome, reason, jobId: this.lastJobId },
      );
      assert.ok(mine[0]?.destinationId, "the copy's id at the destination");
    }
    for (const entry of entries)
      assert.deepEqual(Object.keys(entry).sort(), ["at", "destinationId", "jobId", "outcome", "reason", "sourceId"]);
  },
);

Then("the entries come newest first", function (this: SyncWellWorld) {
  const times = state(this)
    .logPages.flat()
    .map((e) => Date.parse(e.at));
  for (let i = 1; i < times.length; i++) assert.ok((times[i - 1] ?? 0) >= (times[i] ?? 0), `entry ${i} is not older than ${i - 1}`);
});

Then("the first entry is the last workout's, from the last job", function (this: SyncWellWorld) {
  const first = state(this).logPages[0]?.[0];
  const last = [...this.recorded.values()].at(-1);
  assert.ok(first && last);
  assert.equal(first.sourceId, last.id);
  assert.equal(first.jobId, this.lastJobId);
});

// ── resync ────────────────────────────────────────────────────────────────────
When("the user asks to resync the workout with Idempotency-Key {string}( again)", async function (this: SyncWellWorld, key: string) {
  const reply = await this.api(`/v1/sync-configs/${this.syncConfigId}/records/${theWorkout(this)}/resync`, {
    method: "POST",
    headers: { "idempotency-key": key },
  });
  assert.equal(reply.status, 202, reply.text);
  assert.match(reply.headers.get("location") ?? "", /sync-jobs\//);
  const s = state(this);
  s.resyncJobIds = [...(s.resyncJobIds ?? []), reply.body.jobId];
});

Then("both resync answers carry the same job id, which succeeds", async function (this: SyncWellWorld) {
  const [first, second, ...more] = state(this).resyncJobIds;
  assert.ok(first && second && more.length === 0);
  assert.equal(first, second);
  const job = await waitForJob(this, first);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
});

Then("the sync log's newest entry is the workout's, from the resync", async function (this: SyncWellWorld) {
  const reply = await records(this, "limit=1");
  assert.equal(reply.status, 200, reply.text);
  const [newest] = reply.body.items as LogEntry[];
  assert.ok(newest, "the log has an entry");
  assert.equal(newest.sourceId, theWorkout(this));
  assert.equal(newest.jobId, state(this).resyncJobIds[0]);
  assert.notEqual(newest.outcome, "failed", JSON.stringify(newest));
});

const RESYNCS: Record<string, (world: SyncWellWorld) => Promise<Reply>> = {
  "a workout the sync config never handled": (w) =>
    w.api(`/v1/sync-configs/${w.syncConfigId}/records/999999999/resync`, { method: "POST", headers: { "idempotency-key": "k-never" } }),
  "the workout of another user's sync config": (w) =>
    w.call(w.gateway(`/v1/sync-configs/${w.syncConfigId}/records/${theWorkout(w)}/resync`), {
      method: "POST",
      token: signJwt(stack().jwtSecret, "someone-else", 600),
      headers: { "idempotency-key": "k-foreign" },
    }),
  "a 200-character record id": (w) =>
    w.api(`/v1/sync-configs/${w.syncConfigId}/records/${"9".repeat(200)}/resync`, {
      method: "POST",
      headers: { "idempotency-key": "k-long" },
    }),
  "the workout without an Idempotency-Key": (w) =>
    w.api(`/v1/sync-configs/${w.syncConfigId}/records/${theWorkout(w)}/resync`, { method: "POST" }),
  "the workout with the key of an earlier sync": async (w) => {
    const key = "k-shared";
    const synced = await w.api(`/v1/sync-configs/${w.syncConfigId}/sync`, { method: "POST", headers: { "idempotency-key": key } });
    assert.equal(synced.status, 202, synced.text);
    await waitForJob(w, synced.body.jobId);
    state(w).enqueuedBefore = await enqueuedManual(w);
    return w.api(`/v1/sync-configs/${w.syncConfigId}/records/${theWorkout(w)}/resync`, {
      method: "POST",
      headers: { "idempotency-key": key },
    });
  },
};

When("the user requests a resync of {}", async function (this: SyncWellWorld, what: string) {
  const send = RESYNCS[what];
  assert.ok(send, `unknown resync "${what}"`);
  state(this).enqueuedBefore = await enqueuedManual(this);
  await send(this);
});
