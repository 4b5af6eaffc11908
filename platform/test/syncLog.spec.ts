import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, type SyncLogEntry, type SyncLogPosition } from "@syncwell/core";
import { requiresJava } from "../../scripts/requirements.ts";
import { DYNAMODB_BACKENDS, type EmbeddedStack, startEmbeddedStack } from "./helpers/embeddedStack.ts";

// The sync log (SPEC §15) and the ledger fields edits rely on, on both DynamoDB backends.
for (const backend of DYNAMODB_BACKENDS) {
  describe(`the sync log on ${backend}`, backend === "DynamoDB Local" ? requiresJava(`the sync log on ${backend}`) : {}, () => {
    let stack: EmbeddedStack;
    before(async () => {
      stack = await startEmbeddedStack(`slog-${randomBytes(3).toString("hex")}-`, { dynamoDb: backend });
    });
    after(() => stack.stop());

    it("keeps each job's decisions with its ledger write, and pages them newest first across items", async () => {
      const jobs = [
        { jobId: "j1", at: "2026-11-20T10:00:00.000Z", n: 3 },
        { jobId: "j2", at: "2026-11-20T11:00:00.000Z", n: 1 },
        { jobId: "j3", at: "2026-11-20T12:00:00.000Z", n: 5 },
      ];
      for (const job of jobs) {
        const entries = Array.from({ length: job.n }, (_, i) => ({
          sourceId: `${job.jobId}-s${i}`,
          outcome: "written" as const,
          reason: "new" as const,
          destinationId: `d${i}`,
        }));
        await stack.store.markWritten(
          "cfg-log",
          entries.map((e) => ({ sourceId: e.sourceId, sourceUpdatedAt: job.at, destinationId: e.destinationId, written: true })),
          3600,
          "conn-dest",
          { jobId: job.jobId, at: job.at, entries },
        );
      }
      const expected = ["j3-s4", "j3-s3", "j3-s2", "j3-s1", "j3-s0", "j2-s0", "j1-s2", "j1-s1", "j1-s0"];
      for (const limit of [1, 2, 4, 9, 20]) {
        const seen: SyncLogEntry[] = [];
        let from: SyncLogPosition | undefined;
        let pages = 0;
        do {
          const page = await stack.store.listSyncLog("cfg-log", limit, from);
          assert.ok(page.items.length <= limit);
          seen.push(...page.items);
          from = page.next;
          pages += 1;
        } while (from && pages < 20);
        assert.deepEqual(
          seen.map((e) => e.sourceId),
          expected,
          `limit ${limit}`,
        );
      }
      const [newest] = (await stack.store.listSyncLog("cfg-log", 1)).items;
      assert.deepEqual(newest, {
        sourceId: "j3-s4",
        destinationId: "d4",
        outcome: "written",
        reason: "new",
        jobId: "j3",
        at: "2026-11-20T12:00:00.000Z",
      });
      assert.deepEqual((await stack.store.listSyncLog("another-cfg", 10)).items, [], "logs are per config");
    });

    it("a page whose item expired since its cursor was issued goes on at the next older item's first entry", async () => {
      for (const [jobId, at, n] of [
        ["e1", "2026-11-20T10:00:00.000Z", 3],
        ["e2", "2026-11-20T11:00:00.000Z", 3],
      ] as const) {
        const entries = Array.from({ length: n }, (_, i) => ({
          sourceId: `${jobId}-s${i}`,
          outcome: "written" as const,
          reason: "new" as const,
        }));
        await stack.store.markWritten("cfg-expiry", [], 3600, undefined, { jobId, at, entries });
      }
      const first = await stack.store.listSyncLog("cfg-expiry", 2);
      assert.deepEqual(first.next, { sk: "2026-11-20T11:00:00.000Z#e2", served: 2 });
      // The newer item goes (DynamoDB's TTL deleted it) before the app asks for the next page.
      const db = createDocumentClient(stack.dynamoDb);
      await db.send(
        new DeleteCommand({ TableName: stack.names.table, Key: { pk: "SYNCLOG#cfg-expiry", sk: "2026-11-20T11:00:00.000Z#e2" } }),
      );
      const second = await stack.store.listSyncLog("cfg-expiry", 10, first.next);
      assert.deepEqual(
        second.items.map((e) => e.sourceId),
        ["e1-s2", "e1-s1", "e1-s0"],
      );
    });

    it("the ledger keeps what an edit or a deletion needs of the copy", async () => {
      const entry = {
        sourceId: "s-edit",
        sourceUpdatedAt: "2026-11-20T10:00:00.000Z",
        destinationId: "d-edit",
        written: true,
        startTime: "2026-11-20T06:00:00.000Z",
        endTime: "2026-11-20T06:45:00.000Z",
        writtenAt: "2026-11-20T10:01:00.000Z",
        deleted: true,
      };
      await stack.store.markWritten("cfg-edit", [entry], 3600, "conn-dest");
      assert.deepEqual(await stack.store.getLedgerEntry("cfg-edit", "s-edit"), entry);
      assert.equal(await stack.store.getLedgerEntry("cfg-edit", "nope"), undefined);
    });
  });
}
