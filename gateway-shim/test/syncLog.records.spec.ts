import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SyncLogBatch, SyncLogEntry } from "@syncwell/core";
import { SyncLogCursors } from "../src/syncLog/cursor.ts";
import { GatewayHarness } from "./gatewayHarness.ts";

type Line = SyncLogBatch["entries"][number];

/** `GET /v1/sync-configs/{id}/records` on dynalite: the sync log newest first, paged by signed cursors (SPEC §13, §15). */
describe("GET …/records: the sync log", () => {
  const gw = new GatewayHarness();
  before(() => gw.start());
  after(() => gw.stop());

  /** Writes one job's log item, as the worker does (in the ledger's batch). */
  const seedJob = (configId: string, jobId: string, at: string, entries: Line[]) =>
    gw.stack.store.markWritten(configId, [], 3600, undefined, { jobId, at, entries });
  const lines = (prefix: string, n: number): Line[] =>
    Array.from({ length: n }, (_, i) => ({
      sourceId: `${prefix}${i}`,
      outcome: "written",
      reason: "new",
      ...(i % 2 === 0 ? { destinationId: `d-${prefix}${i}` } : {}),
    }));
  /** What the log must answer for jobs seeded oldest first: the newest job first, and its last decision first. */
  const expected = (jobs: { jobId: string; at: string; entries: Line[] }[]): SyncLogEntry[] =>
    [...jobs].reverse().flatMap((job) => [...job.entries].reverse().map((e) => ({ ...e, jobId: job.jobId, at: job.at })));

  const page = (userId: string, configId: string, query = "") => gw.call(userId, "GET", `/v1/sync-configs/${configId}/records${query}`);

  /** Every entry, following nextCursor from the first page. */
  async function all(userId: string, configId: string, limit: number): Promise<{ items: SyncLogEntry[]; pages: number }> {
    const items: SyncLogEntry[] = [];
    let cursor: string | undefined;
    for (let pages = 1; ; pages++) {
      const reply = await page(userId, configId, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.ok(reply.body.items.length <= limit);
      items.push(...reply.body.items);
      cursor = reply.body.nextCursor;
      if (!cursor) return { items, pages };
      assert.equal(reply.body.items.length, limit, "only the last page is short");
      assert.ok(pages < 50, "the cursor moves on");
    }
  }

  it("pages newest first across pages and across job items, at every page size, with nothing lost or repeated", async () => {
    const user = await gw.newUser();
    const jobs = [
      { jobId: "job-a", at: "2026-11-28T07:00:00.000Z", entries: lines("a", 3) },
      { jobId: "job-b", at: "2026-11-29T07:00:00.000Z", entries: lines("b", 1) },
      { jobId: "job-c", at: "2026-11-30T07:00:00.000Z", entries: lines("c", 4) },
    ];
    for (const job of jobs) await seedJob(user.configId, job.jobId, job.at, job.entries);
    const want = expected(jobs);
    assert.equal(want[0]?.sourceId, "c3", "the newest job's last decision comes first");
    for (const limit of [1, 2, 3, 4, 5, 7, 8, 9, 100]) {
      const { items, pages } = await all(user.userId, user.configId, limit);
      assert.deepEqual(items, want, `limit ${limit}`);
      assert.equal(pages, Math.ceil(want.length / limit), `limit ${limit}: no empty last page`);
    }
  });

  it("answers 20 entries by default, each with ids, outcome, reason, job and time only", async () => {
    const user = await gw.newUser();
    await seedJob(user.configId, "job-big", "2026-11-30T08:00:00.000Z", lines("x", 25));
    const first = await page(user.userId, user.configId);
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 20);
    assert.equal(typeof first.body.nextCursor, "string");
    for (const item of first.body.items)
      for (const key of Object.keys(item)) assert.ok(["sourceId", "destinationId", "outcome", "reason", "jobId", "at"].includes(key), key);
    const rest = await page(user.userId, user.configId, `?cursor=${first.body.nextCursor}`);
    assert.equal(rest.body.items.length, 5);
    assert.equal(rest.body.nextCursor, undefined);
  });

  it("answers an empty log with no items and no cursor", async () => {
    const user = await gw.newUser();
    assert.deepEqual((await page(user.userId, user.configId)).body, { items: [] });
  });

  it("answers 400 naming limit for a limit that is not an integer from 1 to 100", async () => {
    const user = await gw.newUser();
    for (const limit of ["0", "101", "-1", "abc", "1.5", "", "1e2", "0020", "5&limit=6"]) {
      const reply = await page(user.userId, user.configId, `?limit=${limit}`);
      assert.equal(reply.status, 400, `limit=${limit}`);
      assert.match(reply.type, /application\/problem\+json/);
      assert.equal(reply.body.field, "limit");
    }
    assert.equal((await page(user.userId, user.configId, "?limit=100")).status, 200);
  });

  it("answers 400 for a cursor that was tampered with, issued for another config or by another key, or is not one", async () => {
    const user = await gw.newUser();
    await seedJob(user.configId, "job-t", "2026-11-30T09:00:00.000Z", lines("t", 6));
    const first = await page(user.userId, user.configId, "?limit=2");
    const cursor: string = first.body.nextCursor;
    assert.ok(cursor);
    assert.equal((await page(user.userId, user.configId, `?limit=2&cursor=${cursor}`)).status, 200);

    // Another config of the same user, whose log has an item at the same position.
    const otherConfig = `${user.configId}-2`;
    const config = await gw.stack.store.getConfig(user.userId, user.configId);
    assert.ok(config);
    await gw.stack.store.putConfig({ ...config, syncConfigId: otherConfig }, "strava");
    await seedJob(otherConfig, "job-t", "2026-11-30T09:00:00.000Z", lines("t", 6));
    const foreign = new SyncLogCursors(gw.cursorSecret).encode(otherConfig, { sk: "2026-11-30T09:00:00.000Z#job-t", served: 2 });
    assert.equal((await page(user.userId, otherConfig, `?cursor=${foreign}`)).status, 200, "the other config's own cursor works there");

    const flipped = (at: number) => `${cursor.slice(0, at)}${cursor[at] === "A" ? "B" : "A"}${cursor.slice(at + 1)}`;
    const tampered = [
      flipped(0),
      flipped(5),
      flipped(Math.floor(cursor.length / 2)),
      flipped(cursor.length - 2),
      cursor.slice(0, -1),
      `${cursor}A`,
      foreign,
      new SyncLogCursors().encode(user.configId, { sk: "2026-11-30T09:00:00.000Z#job-t", served: 2 }),
      Buffer.from(JSON.stringify({ sk: "2026-11-30T09:00:00.000Z#job-t", served: 0 })).toString("base64url"),
      "",
      "%00",
      "x".repeat(2000),
    ];
    for (const bad of tampered) {
      const reply = await page(user.userId, user.configId, `?cursor=${encodeURIComponent(bad)}`);
      assert.equal(reply.status, 400, `${bad.slice(0, 30)}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.field, "cursor");
    }
    assert.equal((await page(user.userId, user.configId, `?cursor=${cursor}&cursor=${cursor}`)).status, 400, "two cursors");
  });

  it("answers 404 for another user's, an unknown or an impossible config, and shows nothing of it", async () => {
    const [owner, other] = [await gw.newUser(), await gw.newUser()];
    await seedJob(owner.configId, "job-o", "2026-11-30T10:00:00.000Z", lines("o", 2));
    for (const [userId, configId] of [
      [other.userId, owner.configId],
      [owner.userId, "cfg-nope"],
      [owner.userId, "c".repeat(200)],
      [owner.userId, "c%20d"],
    ] as const) {
      const reply = await page(userId, configId);
      assert.equal(reply.status, 404, configId.slice(0, 20));
      assert.match(reply.type, /application\/problem\+json/);
      assert.equal(reply.body.items, undefined);
    }
  });
});
