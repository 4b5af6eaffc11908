import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { GatewayHarness } from "./gatewayHarness.ts";

/** `POST …/records/{sourceId}/resync` on fauxqs and dynalite: one record synced again, with the manual sync's idempotency (SPEC §13). */
describe("POST …/records/{sourceId}/resync", () => {
  const gw = new GatewayHarness();
  before(() => gw.start());
  after(() => gw.stop());

  /** A user whose config handled records `r1` and `r2` (their ledger entries). */
  const userWithRecords = async () => {
    const user = await gw.newUser();
    await gw.stack.store.markWritten(
      user.configId,
      ["r1", "r2"].map((sourceId) => ({
        sourceId,
        sourceUpdatedAt: "2026-11-29T07:00:00.000Z",
        destinationId: `d-${sourceId}`,
        written: true,
      })),
      3600,
      user.garmin,
    );
    return user;
  };
  const resync = (userId: string, configId: string, sourceId: string, key?: string, json?: unknown) =>
    gw.call(userId, "POST", `/v1/sync-configs/${configId}/records/${sourceId}/resync`, {
      headers: key === undefined ? {} : { "idempotency-key": key },
      json,
    });

  it("answers 202 with a job id and sends a manual job naming that record, to be synced again, in the user's group", async () => {
    const user = await userWithRecords();
    const reply = await resync(user.userId, user.configId, "r1", "again-1");
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.deepEqual(Object.keys(reply.body), ["jobId"]);
    const [sent, ...more] = await gw.receiveJobs((m) => m.userId === user.userId);
    assert.ok(sent, "a job message was sent");
    assert.equal(more.length, 0);
    assert.equal(sent.groupId, user.userId);
    assert.equal(sent.message.jobId, reply.body.jobId);
    assert.equal(sent.message.syncConfigId, user.configId);
    assert.equal(sent.message.trigger, "manual");
    assert.deepEqual(sent.message.recordIds, ["r1"]);
    assert.equal(sent.message.resync, true);
    assert.equal(sent.message.idempotencyKey, "again-1");
    const status = await gw.call(user.userId, "GET", `/v1/sync-jobs/${reply.body.jobId}`);
    assert.deepEqual(status.body, { jobId: reply.body.jobId, status: "queued", attempts: 0 }, "queued until the worker sees it");
  });

  it("answers a replay of the key with the same job and queues no second one; the key on another request is 422", async () => {
    const user = await userWithRecords();
    const before = await gw.queued();
    const first = await resync(user.userId, user.configId, "r1", "again-2");
    assert.equal(first.status, 202);
    const replay = await resync(user.userId, user.configId, "r1", "again-2");
    assert.deepEqual(replay, first);
    assert.equal(await gw.queued(), before + 1, "SQS deduplicated the replay's send");
    const enqueued = (await gw.metrics.jobsEnqueued.get()).values.find((v) => v.labels.trigger === "manual")?.value;

    for (const other of [
      () => resync(user.userId, user.configId, "r2", "again-2"),
      () => gw.call(user.userId, "POST", `/v1/sync-configs/${user.configId}/sync`, { headers: { "idempotency-key": "again-2" } }),
    ]) {
      const reply = await other();
      assert.equal(reply.status, 422, JSON.stringify(reply.body));
      assert.match(reply.type, /application\/problem\+json/);
    }
    const synced = await gw.call(user.userId, "POST", `/v1/sync-configs/${user.configId}/sync`, {
      headers: { "idempotency-key": "sync-1" },
    });
    assert.equal(synced.status, 202);
    assert.equal((await resync(user.userId, user.configId, "r1", "sync-1")).status, 422, "a sync's key is not a resync's");
    assert.equal(await gw.queued(), before + 2, "only the sync was queued besides the first resync");
    assert.equal((await gw.metrics.jobsEnqueued.get()).values.find((v) => v.labels.trigger === "manual")?.value, (enqueued ?? 0) + 1);
  });

  it("keeps two users' equal keys apart", async () => {
    const [a, b] = [await userWithRecords(), await userWithRecords()];
    const [ra, rb] = [await resync(a.userId, a.configId, "r1", "same"), await resync(b.userId, b.configId, "r1", "same")];
    assert.equal(ra.status, 202);
    assert.equal(rb.status, 202);
    assert.notEqual(ra.body.jobId, rb.body.jobId);
  });

  it("answers 404 for a record the user does not own, and nothing is queued", async () => {
    const [user, other] = [await userWithRecords(), await userWithRecords()];
    const before = await gw.queued();
    for (const [userId, configId, sourceId, why] of [
      [other.userId, user.configId, "r1", "another user's config"],
      [user.userId, other.configId, "r1", "a config of another user, though the caller has a record r1 too"],
      [user.userId, user.configId, "r3", "a record the config never handled"],
      [user.userId, "cfg-nope", "r1", "an unknown config"],
      [user.userId, user.configId, "r".repeat(129), "an oversized record id"],
      [user.userId, user.configId, "r%201", "a record id no partner has"],
      [user.userId, "c".repeat(65), "r1", "a config id over the template's 64 characters"],
      [user.userId, "c".repeat(2000), "r1", "a 2,000-character config id"],
    ] as const) {
      const reply = await resync(userId, configId, sourceId, `k-${why.length}`);
      assert.equal(reply.status, 404, `${why}: ${JSON.stringify(reply.body)}`);
      assert.match(reply.type, /application\/problem\+json/, why);
      assert.equal(reply.body.status, 404, why);
    }
    assert.equal(await gw.queued(), before);
  });

  it("answers 400 without a usable Idempotency-Key or with a body, 409 for a disabled config, and queues nothing", async () => {
    const user = await userWithRecords();
    const before = await gw.queued();
    for (const [key, json, status] of [
      [undefined, undefined, 400],
      ["k".repeat(65), undefined, 400],
      ["tap é", undefined, 400],
      ["tap 1", undefined, 400],
      ["k-body", { force: true }, 400],
    ] as const) {
      const reply = await resync(user.userId, user.configId, "r1", key, json);
      assert.equal(reply.status, status, `${key?.slice(0, 10)}: ${JSON.stringify(reply.body)}`);
      assert.match(reply.type, /application\/problem\+json/);
    }
    await gw.call(user.userId, "PATCH", `/v1/sync-configs/${user.configId}`, { json: { enabled: false } });
    assert.equal((await resync(user.userId, user.configId, "r1", "k-disabled")).status, 409);
    assert.equal(await gw.queued(), before);
  });

  it("answers 503 when the queue refuses the job, and frees the key so that the app's retry is sent", async () => {
    const user = await userWithRecords();
    const sqs = gw.stack.sqs;
    const send = sqs.send.bind(sqs);
    sqs.send = (async (command: unknown, ...rest: unknown[]) => {
      if (command instanceof SendMessageCommand) throw new Error("SQS is down");
      return (send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    }) as typeof sqs.send;
    let refused: Awaited<ReturnType<typeof resync>>;
    try {
      refused = await resync(user.userId, user.configId, "r1", "again-down");
    } finally {
      sqs.send = send;
    }
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    const before = await gw.queued();
    const retry = await resync(user.userId, user.configId, "r1", "again-down");
    assert.equal(retry.status, 202, "the key was released: not a replay of a job that was never sent");
    assert.equal(await gw.queued(), before + 1);
  });
});
