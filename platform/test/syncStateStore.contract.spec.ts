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

    it("reads a config and a connection only for their own user", async () => {
      await s.putConfig(config("cfg-own"));
      await s.putConnection(connection("conn-own"));
      assert.equal((await s.store.getConfig("u1", "cfg-own"))?.syncConfigId, "cfg-own");
      assert.equal(await s.store.getConfig("u2", "cfg-own"), undefined);
      assert.equal((await s.store.getConnection("u1", "conn-own"))?.accessToken, "a");
      assert.equal(await s.store.getConnection("u2", "conn-own"), undefined);
    });

    it("finds every config reading from a source connection (fan-out)", async () => {
      await s.putConfig(config("fan-a", "c-fan"));
      await s.putConfig(config("fan-b", "c-fan"));
      await s.putConfig(config("other", "c-other"));
      const found = (await s.store.findConfigsBySource("c-fan")).map((c) => c.syncConfigId).sort();
      assert.deepEqual(found, ["fan-a", "fan-b"]);
    });

    it("moves the watermark forward only, and of two jobs from the same value only one moves it", async () => {
      await s.putConfig(config("wm"));
      assert.equal(await s.store.advanceWatermark("u1", "wm", "2026-11-20T10:00:00.000Z"), "advanced");
      assert.equal(await s.store.advanceWatermark("u1", "wm", "2026-11-20T09:00:00.000Z"), "already_past");
      const results = await Promise.all(
        ["2026-11-20T11:00:00.000Z", "2026-11-20T12:00:00.000Z"].map((t) => s.store.advanceWatermark("u1", "wm", t)),
      );
      assert.ok(results.includes("advanced"));
      assert.equal((await s.store.getConfig("u1", "wm"))?.lastSyncTime, "2026-11-20T12:00:00.000Z");
    });

    it("remembers handled records per config, and the records SyncWell wrote per destination connection", async () => {
      const entries = Array.from({ length: 30 }, (_, i) => ({
        sourceId: `s${i}`,
        sourceUpdatedAt: "2026-11-20T10:00:00.000Z",
        destinationId: `d${i}`,
        written: i % 2 === 0,
      }));
      await s.store.markWritten("ledger-cfg", entries, 3600, "conn-dest");
      const ledger = await s.store.getLedger("ledger-cfg", ["s0", "s1", "s29", "nope"]);
      assert.deepEqual([...ledger.keys()].sort(), ["s0", "s1", "s29"]);
      assert.equal(ledger.get("s0")?.destinationId, "d0");
      assert.equal((await s.store.getLedger("another-cfg", ["s0"])).size, 0, "ledgers are per config");
      assert.deepEqual([...(await s.store.writtenBySyncWellAt("conn-dest", ["d0", "d1", "d2", "x"]))].sort(), ["d0", "d2"]);
      assert.equal((await s.store.writtenBySyncWellAt("conn-other", ["d0"])).size, 0);
    });

    it("keeps job status: update answers undefined for an unknown job, and counters add one atomically", async () => {
      assert.equal(await s.store.updateJob("job-missing", { status: "in_progress" }), undefined);
      await s.store.putJob(
        {
          jobId: "job-1",
          userId: "u1",
          syncConfigId: "cfg",
          trigger: "manual",
          status: "queued",
          attempts: 0,
          createdAt: "2026-11-20T10:00:00.000Z",
          updatedAt: "2026-11-20T10:00:00.000Z",
        },
        3600,
      );
      await Promise.all([1, 2, 3].map(() => s.store.updateJob("job-1", {}, "attempts")));
      const job = await s.store.updateJob("job-1", { status: "retrying", errorCategory: "transient" }, "rateLimitWaits");
      assert.equal(job?.attempts, 3);
      assert.equal(job?.rateLimitWaits, 1);
      assert.equal(job?.status, "retrying");
      assert.ok(job?.firstFailedAt, "the first failure is stamped");
      assert.equal((await s.store.getJob("job-1"))?.errorCategory, "transient");
    });
  });
}
