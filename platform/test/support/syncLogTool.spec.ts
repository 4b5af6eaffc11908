import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEV_JWT_SECRET, type MetadataStore, type SyncLogBatch, signJwt } from "@syncwell/core";
import { readSyncLog, syncLogTool } from "@syncwell/support";
import { SupportHarness } from "./harness.ts";

/** Two users, each with a Strava → Garmin and a Polar → Strava sync, on the real store. */
async function seedUser(store: MetadataStore, userId: string): Promise<{ toGarmin: string; toStrava: string }> {
  const connection = (provider: "strava" | "garmin" | "polar") => ({
    connectionId: `${userId}-${provider}`,
    userId,
    provider,
    providerUserId: `${provider}-${userId}`,
    status: "active" as const,
    scopes: [],
    accessToken: "secret-access",
    refreshToken: "secret-refresh",
    tokenExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
    tokenVersion: 0,
    createdAt: new Date().toISOString(),
  });
  for (const provider of ["strava", "garmin", "polar"] as const) await store.putConnection(connection(provider));
  const config = (id: string, source: string, destination: string) => ({
    syncConfigId: id,
    userId,
    sourceConnectionId: `${userId}-${source}`,
    destinationConnectionId: `${userId}-${destination}`,
    dataType: "workouts" as const,
    conflictResolutionStrategy: "source_wins" as const,
    enabled: true,
    version: 1,
  });
  const ids = { toGarmin: `${userId}-cfg-garmin`, toStrava: `${userId}-cfg-strava` };
  await store.putConfig(config(ids.toGarmin, "strava", "garmin"), "strava");
  await store.putConfig(config(ids.toStrava, "polar", "strava"), "polar");
  return ids;
}

/** One job's decisions, written as the worker writes them (in the ledger's batch). */
const logJob = (store: MetadataStore, syncConfigId: string, batch: SyncLogBatch) =>
  store.markWritten(syncConfigId, [], 3600, undefined, batch);

describe("support: the troubleshooter's sync_log tool on dynalite", () => {
  const h = new SupportHarness();
  const alice = () => `alice-${h.run}`;
  const bob = () => `bob-${h.run}`;
  let mine: { toGarmin: string; toStrava: string };
  let theirs: { toGarmin: string; toStrava: string };

  before(async () => {
    await h.start();
    mine = await seedUser(h.store, alice());
    theirs = await seedUser(h.store, bob());
    await logJob(h.store, mine.toGarmin, {
      jobId: "job-a1",
      at: "2026-11-24T07:10:00.000Z",
      entries: [
        { sourceId: "ride-1", outcome: "skipped", reason: "filtered" },
        { sourceId: "run-1", destinationId: "g-1", outcome: "written", reason: "new" },
      ],
    });
    await logJob(h.store, mine.toGarmin, {
      jobId: "job-a2",
      at: "2026-11-25T07:10:00.000Z",
      entries: [{ sourceId: "ride-2", destinationId: "g-2", outcome: "skipped", reason: "deleted_at_destination" }],
    });
    await logJob(h.store, mine.toStrava, {
      jobId: "job-a3",
      at: "2026-11-24T09:00:00.000Z",
      entries: [{ sourceId: "swim-1", outcome: "failed", reason: "rate_limited" }],
    });
    await logJob(h.store, theirs.toGarmin, {
      jobId: "job-b1",
      at: "2026-11-26T07:10:00.000Z",
      entries: [{ sourceId: "bobs-ride", outcome: "skipped", reason: "private" }],
    });
  });
  after(() => h.stop());

  it("reads the caller's log across their syncs, newest first, with ids, partners, outcomes, reasons and times only", async () => {
    const lines = await readSyncLog(h.store, alice());
    assert.deepEqual(
      lines.map((l) => `${l.at} ${l.source}->${l.destination} ${l.sourceId} ${l.outcome}/${l.reason}`),
      [
        "2026-11-25T07:10:00.000Z strava->garmin ride-2 skipped/deleted_at_destination",
        "2026-11-24T09:00:00.000Z polar->strava swim-1 failed/rate_limited",
        // One job's decisions: its last one first.
        "2026-11-24T07:10:00.000Z strava->garmin run-1 written/new",
        "2026-11-24T07:10:00.000Z strava->garmin ride-1 skipped/filtered",
      ],
    );
    for (const l of lines)
      assert.deepEqual(
        Object.keys(l).filter(
          (k) => !["syncConfigId", "source", "destination", "sourceId", "destinationId", "outcome", "reason", "jobId", "at"].includes(k),
        ),
        [],
      );
  });

  it("answers nothing from another user's config, whatever id it is asked for", async () => {
    assert.deepEqual(await readSyncLog(h.store, alice(), { syncConfigId: theirs.toGarmin }), []);
    assert.deepEqual(JSON.parse(await syncLogTool({ store: h.store }, alice()).invoke({ syncConfigId: theirs.toGarmin })), []);
    assert.ok(!JSON.stringify(await readSyncLog(h.store, alice())).includes("bobs-ride"));
    assert.deepEqual(
      (await readSyncLog(h.store, bob())).map((l) => l.sourceId),
      ["bobs-ride"],
      "bob sees his own",
    );
    assert.deepEqual(await readSyncLog(h.store, `nobody-${h.run}`), []);
  });

  it("narrows by sync, partner and time span", async () => {
    const tool = syncLogTool({ store: h.store }, alice());
    const read = async (query: Record<string, unknown>) =>
      (JSON.parse(await tool.invoke(query)) as Array<{ sourceId: string }>).map((l) => l.sourceId);
    assert.deepEqual(await read({ syncConfigId: mine.toStrava }), ["swim-1"]);
    assert.deepEqual(await read({ destination: "garmin" }), ["ride-2", "run-1", "ride-1"]);
    assert.deepEqual(await read({ source: "polar", destination: "strava" }), ["swim-1"]);
    assert.deepEqual(await read({ since: "2026-11-24T08:00:00.000Z" }), ["ride-2", "swim-1"]);
    assert.deepEqual(await read({ until: "2026-11-24T08:00:00.000Z" }), ["run-1", "ride-1"]);
    assert.deepEqual(await read({ limit: 1 }), ["ride-2"]);
    await assert.rejects(tool.invoke({ userId: bob() } as never), "the model cannot name a user");
  });

  it("answers 'why didn't my ride sync to Garmin?' over HTTP with the newest skip's reason, its article and a resync", async () => {
    const token = signJwt(DEV_JWT_SECRET, alice(), 600);
    const { status, body } = await h.call(
      "POST",
      "/v1/troubleshooter/conversations",
      { message: "Why didn't my ride sync to Garmin?" },
      token,
    );
    assert.equal(status, 201);
    assert.deepEqual(body.finding, {
      syncConfigId: mine.toGarmin,
      sourceId: "ride-2",
      destinationId: "g-2",
      outcome: "skipped",
      reason: "deleted_at_destination",
      at: "2026-11-25T07:10:00.000Z",
    });
    assert.equal(body.article.slug, "deleted-at-destination");
    assert.deepEqual(body.resync, {
      syncConfigId: mine.toGarmin,
      sourceId: "ride-2",
      method: "POST",
      path: `/v1/sync-configs/${mine.toGarmin}/records/ride-2/resync`,
    });
    assert.match(body.messages.at(-2).text, /\(reason: deleted_at_destination\)/);
  });

  it("shows a user only their own log's reasons through the troubleshooter", async () => {
    const token = signJwt(DEV_JWT_SECRET, bob(), 600);
    const { body } = await h.call("POST", "/v1/troubleshooter/conversations", { message: "my ride isn't on Garmin" }, token);
    assert.equal(body.finding.sourceId, "bobs-ride");
    assert.equal(body.article.slug, "private-workouts");
    assert.equal(body.resync, null);
  });
});
