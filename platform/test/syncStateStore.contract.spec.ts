import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type ConnectionRecord, InMemorySyncStateStore, type SyncConfig, type SyncStateStore } from "@syncwell/core";
import { requiresJava } from "../../scripts/requirements.ts";
import { DYNAMODB_BACKENDS, type EmbeddedStack, startEmbeddedStack } from "./helpers/embeddedStack.ts";

/** What a contract run needs of a backend: the port, and a way to seed configs and connections. */
interface Subject {
  store: SyncStateStore;
  putConfig(config: SyncConfig): Promise<void>;
  putConnection(connection: ConnectionRecord): Promise<void>;
  stop(): Promise<void>;
}

const config = (id: string, source = "c-src"): SyncConfig => ({
  syncConfigId: id,
  userId: "u1",
  sourceConnectionId: source,
  destinationConnectionId: "c-dst",
  dataType: "workouts",
  conflictResolutionStrategy: "source_wins",
  enabled: true,
  version: 1,
});

const connection = (id: string, userId = "u1"): ConnectionRecord =>
  ({
    connectionId: id,
    userId,
    provider: "strava",
    providerUserId: `p-${id}`,
    status: "active",
    accessToken: "a",
    refreshToken: "r",
    tokenExpiresAt: "2099-01-01T00:00:00.000Z",
    tokenVersion: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
  }) as ConnectionRecord;

const subjects: { name: string; guard: object; start: () => Promise<Subject> }[] = [
  {
    name: "the in-memory fake",
    guard: {},
    start: async () => {
      const store = new InMemorySyncStateStore();
      return {
        store,
        putConfig: async (c) => store.putConfig(c),
        putConnection: async (c) => store.putConnection(c),
        stop: async () => {},
      };
    },
  },
  ...DYNAMODB_BACKENDS.map((backend) => ({
    name: `MetadataStore on ${backend}`,
    guard: backend === "DynamoDB Local" ? requiresJava(`the SyncStateStore contract on ${backend}`) : {},
    start: async (): Promise<Subject> => {
      const stack: EmbeddedStack = await startEmbeddedStack(`ssc-${randomBytes(3).toString("hex")}-`, { dynamoDb: backend });
      return {
        store: stack.store,
        putConfig: (c) => stack.store.putConfig(c, "strava"),
        putConnection: (c) => stack.store.putConnection(c),
        stop: () => stack.stop(),
      };
    },
  })),
];

// One behaviour, every adapter (STYLE.md "Ports and adapters").
for (const subject of subjects) {
  describe(`SyncStateStore contract: ${subject.name}`, subject.guard, () => {
    let s: Subject;
    before(async () => {
      s = await subject.start();
    });
    after(() => s.stop());

    it("loads a user's configs and connections in one read, and nobody else's", async () => {
      await s.putConfig(config("cfg-own"));
      await s.putConfig({ ...config("cfg-other"), userId: "u2" });
      await s.putConnection(connection("conn-own"));
      await s.putConnection(connection("conn-other", "u2"));
      const state = await s.store.loadUser("u1");
      assert.ok(state.configs.some((c) => c.syncConfigId === "cfg-own"));
      assert.ok(!state.configs.some((c) => c.syncConfigId === "cfg-other"));
      assert.equal(state.connections.find((c) => c.connectionId === "conn-own")?.accessToken, "a", "tokens decrypted");
      assert.ok(!state.connections.some((c) => c.connectionId === "conn-other"));
    });

    it("moves the watermark forward only, and of two jobs from the same value only one moves it", async () => {
      await s.putConfig(config("wm"));
      const seen = (await s.store.loadUser("u1")).configs.find((c) => c.syncConfigId === "wm");
      assert.equal(await s.store.advanceWatermark("u1", "wm", "2026-11-20T10:00:00.000Z", seen), "advanced");
      assert.equal(await s.store.advanceWatermark("u1", "wm", "2026-11-20T09:00:00.000Z"), "already_past");
      // Both start from the same (now stale) read: the loser re-reads and moves on from the new value.
      const results = await Promise.all(
        ["2026-11-20T11:00:00.000Z", "2026-11-20T12:00:00.000Z"].map((t) => s.store.advanceWatermark("u1", "wm", t, seen)),
      );
      assert.ok(results.includes("advanced"));
      const after = (await s.store.loadUser("u1")).configs.find((c) => c.syncConfigId === "wm");
      assert.equal(after?.lastSyncTime, "2026-11-20T12:00:00.000Z");
    });

    it("recalls handled records per config, and the records SyncWell wrote per connection, in one batch", async () => {
      const entries = Array.from({ length: 30 }, (_, i) => ({
        sourceId: `s${i}`,
        sourceUpdatedAt: "2026-11-20T10:00:00.000Z",
        destinationId: `d${i}`,
        written: i % 2 === 0,
      }));
      await s.store.markWritten("ledger-cfg", entries, 3600, "conn-dest");
      const there = await s.store.recall("ledger-cfg", "conn-src", ["s0", "s1", "s29", "nope"]);
      assert.deepEqual([...there.ledger.keys()].sort(), ["s0", "s1", "s29"]);
      assert.equal(there.ledger.get("s0")?.destinationId, "d0");
      assert.equal(there.ours.size, 0);
      assert.equal((await s.store.recall("another-cfg", "conn-src", ["s0"])).ledger.size, 0, "ledgers are per config");
      // The way back: the destination's records SyncWell wrote are recognised when it is a source.
      const back = await s.store.recall("back-cfg", "conn-dest", ["d0", "d1", "d2", "x"]);
      assert.deepEqual([...back.ours].sort(), ["d0", "d2"]);
      assert.equal(back.ledger.size, 0);
    });

    it("tells SyncWell's copies at a destination from the user's records that stand for a source record, in one read", async () => {
      await s.store.markWritten(
        "marks-cfg",
        [
          { sourceId: "s1", sourceUpdatedAt: "2026-11-20T06:00:00.000Z", destinationId: "copy", written: true },
          { sourceId: "s2", sourceUpdatedAt: "2026-11-20T06:00:00.000Z", destinationId: "twin", written: false },
          { sourceId: "s3", sourceUpdatedAt: "2026-11-20T06:00:00.000Z", destinationId: "gone", deleted: true },
        ],
        3600,
        "conn-marks",
      );
      // Another config meets SyncWell's copy as the twin of its own record: the copy stays SyncWell's.
      await s.store.markWritten(
        "other-cfg",
        [{ sourceId: "o1", sourceUpdatedAt: "2026-11-20T06:00:00.000Z", destinationId: "copy" }],
        3600,
        "conn-marks",
      );
      const marks = await s.store.marksAt("conn-marks", ["copy", "twin", "gone", "unknown"]);
      assert.deepEqual([[...marks.written], [...marks.standIns]], [["copy"], ["twin"]]);
      assert.equal(
        (await s.store.recall("back", "conn-marks", ["twin", "copy"])).ours.size,
        1,
        "a stand-in is the user's: it syncs onwards",
      );
    });

    it("keeps a push's mark with its times, and takes the last of two entries for one record in a batch", async () => {
      const mark = { sourceId: "m1", sourceUpdatedAt: "1970-01-01T00:00:00.000Z", pushing: true };
      const times = { pushedStart: "2026-11-20T06:00:00.000Z", pushedEnd: "2026-11-20T06:45:00.000Z" };
      await s.store.markWritten("mark-cfg", [{ ...mark, ...times }], 3600);
      const got = (await s.store.recall("mark-cfg", "conn-src", ["m1"])).ledger.get("m1");
      assert.deepEqual([got?.pushing, got?.pushedStart, got?.pushedEnd], [true, times.pushedStart, times.pushedEnd]);
      await s.store.markWritten(
        "mark-cfg",
        [
          { ...mark, destinationId: "a", written: true },
          { ...mark, destinationId: "b", deleted: true },
        ],
        3600,
        "conn-d",
      );
      assert.equal((await s.store.recall("mark-cfg", "conn-src", ["m1"])).ledger.get("m1")?.destinationId, "b");
    });

    it("records job status in one write, creating the item where missing, with atomic counters", async () => {
      const job = {
        jobId: "job-1",
        userId: "u1",
        syncConfigId: "cfg",
        trigger: "webhook" as const,
        requestedAt: "2026-11-20T10:00:00.000Z",
      };
      await Promise.all([1, 2, 3].map(() => s.store.recordJob(job, { status: "retrying", errorCategory: "transient" }, 3600, "attempts")));
      const record = await s.store.recordJob(job, { status: "retrying", errorCategory: "rate_limited" }, 3600, "rateLimitWaits");
      assert.equal(record.attempts, 3);
      assert.equal(record.rateLimitWaits, 1);
      assert.equal(record.jobId, "job-1");
      assert.equal(record.userId, "u1");
      assert.equal(record.trigger, "webhook");
      assert.ok(record.firstFailedAt, "the first failure is stamped");
      const done = await s.store.recordJob(job, { status: "succeeded", recordsWritten: 2 }, 3600);
      assert.equal(done.status, "succeeded");
      assert.equal(done.attempts, 3);
      assert.equal((await s.store.getJob("job-1"))?.recordsWritten, 2);
    });

    it("claims a manual job for its request, and refuses another request with the same key within the window", async () => {
      const job = {
        jobId: "u1.key",
        userId: "u1",
        syncConfigId: "cfg",
        trigger: "manual" as const,
        requestedAt: "2026-11-20T10:00:00.000Z",
      };
      assert.equal(await s.store.claimJob(job, 3600, 86_400_000), "run");
      assert.equal((await s.store.getJob("u1.key"))?.status, "in_progress");
      assert.equal(await s.store.claimJob(job, 3600, 86_400_000), "run", "a redelivery of the same request runs");
      assert.equal(await s.store.claimJob({ ...job, requestedAt: "2026-11-20T10:10:00.000Z" }, 3600, 86_400_000), "replay");
      assert.equal(
        await s.store.claimJob({ ...job, requestedAt: "2026-11-21T11:00:00.000Z" }, 3600, 0),
        "run",
        "after the window: a fresh job",
      );
      assert.equal((await s.store.getJob("u1.key"))?.jobId, "u1.key");
      const fresh = await s.store.getJob("u1.key");
      assert.equal(fresh?.requestedAt, "2026-11-21T11:00:00.000Z");
      assert.equal(fresh?.attempts, 0);
    });
  });
}
