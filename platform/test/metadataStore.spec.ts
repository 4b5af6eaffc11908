import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, type MetadataStore, type SyncConfig } from "@syncwell/core";
import { requiresJava } from "../../scripts/requirements.ts";
import { DYNAMODB_BACKENDS, type EmbeddedStack, startEmbeddedStack } from "./helpers/embeddedStack.ts";

// The same behaviour on both emulators: dynalite (embedded) and Amazon's DynamoDB Local (Java).
for (const backend of DYNAMODB_BACKENDS) {
  const guard = backend === "DynamoDB Local" ? requiresJava(`MetadataStore on ${backend}`) : {};
  describe(`MetadataStore on ${backend}`, guard, () => {
    let stack: EmbeddedStack;
    let store: MetadataStore;
    let now = Date.now();
    const config = (id: string): SyncConfig => ({
      syncConfigId: id,
      userId: "u1",
      sourceConnectionId: "c1",
      destinationConnectionId: "c2",
      dataType: "workouts",
      conflictResolutionStrategy: "source_wins",
      enabled: true,
      version: 1,
    });

    before(async () => {
      stack = await startEmbeddedStack(`store-${randomBytes(3).toString("hex")}-`, { now: () => now, dynamoDb: backend });
      store = stack.store;
    });
    after(() => stack.stop());

    it("50 concurrent writers leave lastSyncTime at the latest value, never moving it back", async () => {
      await store.putConfig(config("race"), "strava");
      const base = Date.parse("2026-11-24T10:00:00Z");
      const times = Array.from({ length: 50 }, (_, i) => new Date(base + ((i * 37) % 50) * 1000).toISOString());
      const results = await Promise.all(times.map((t) => store.advanceWatermark("u1", "race", t)));
      const final = await store.getConfig("u1", "race");
      assert.equal(final?.lastSyncTime, new Date(base + 49_000).toISOString());
      assert.ok(results.includes("advanced"));
      assert.equal(await store.advanceWatermark("u1", "race", new Date(base).toISOString()), "already_past");
      assert.equal((await store.getConfig("u1", "race"))?.lastSyncTime, new Date(base + 49_000).toISOString());
    });

    it("lets exactly one of many concurrent requests claim an idempotency key", async () => {
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.claimIdempotencyKey("u1", "hash-1", { jobId: `job-${i}`, fingerprint: "f" }, 86400)),
      );
      const winners = claims.filter((c) => c.claimed);
      assert.equal(winners.length, 1);
      const losers = claims.filter((c) => !c.claimed) as { existing: { jobId: string } }[];
      assert.equal(new Set(losers.map((l) => l.existing.jobId)).size, 1, "every loser sees the winner's job");
    });

    it("treats an expired idempotency record as absent (before TTL deletion removes it)", async () => {
      await store.claimIdempotencyKey("u1", "hash-ttl", { jobId: "old", fingerprint: "f" }, 300);
      now += 301_000;
      const again = await store.claimIdempotencyKey("u1", "hash-ttl", { jobId: "new", fingerprint: "g" }, 300);
      assert.deepEqual(again, { claimed: true });
    });

    it("stores tokens encrypted and refuses a stale token update", async () => {
      await store.putConnection({
        connectionId: "conn",
        userId: "u1",
        provider: "strava",
        providerUserId: "42",
        status: "active",
        createdAt: new Date().toISOString(),
        accessToken: "plain-access",
        refreshToken: "plain-refresh",
        tokenExpiresAt: new Date().toISOString(),
        tokenVersion: 1,
      });
      const raw = await createDocumentClient(stack.dynamoDb).send(
        new GetCommand({ TableName: stack.names.table, Key: { pk: "USER#u1", sk: "CONN#conn" } }),
      );
      assert.ok(!JSON.stringify(raw.Item).includes("plain-"), "no plaintext token in the table");
      const tokens = { accessToken: "a2", refreshToken: "r2", tokenExpiresAt: new Date().toISOString() };
      assert.equal(await store.updateTokens("u1", "conn", 1, tokens), true);
      assert.equal(await store.updateTokens("u1", "conn", 1, tokens), false, "a second refresh from the same version loses");
      assert.equal((await store.getConnection("u1", "conn"))?.accessToken, "a2");
      assert.deepEqual(
        (await store.findConnectionsByOwner("strava", "42")).map((c) => c.connectionId),
        ["conn"],
      );
    });

    it("remembers written records in the ledger, and forgets them after their TTL", async () => {
      await store.markWritten("cfg", [{ sourceId: "a", sourceUpdatedAt: "2026-11-24T10:00:00.000Z", destinationId: "d1" }], 60);
      const found = await store.getLedger("cfg", ["a", "b"]);
      assert.deepEqual([...found.keys()], ["a"]);
      now += 61_000;
      assert.equal((await store.getLedger("cfg", ["a"])).size, 0);
    });
  });
}
