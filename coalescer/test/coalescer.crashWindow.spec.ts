import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { createRedis } from "@syncwell/core";
import { CoalescerHarness, crashingClients, failingSends, stallsAfterFlushSend } from "./harness.ts";

/**
 * Opening a window writes twice (the Redis window key, the delayed flush on the webhook queue). A
 * failure or a crash between the two must never leave a window that folds events in with no flush
 * to end it: every event is still covered by a job sent after it was received.
 */
describe("the coalescer's two writes when a window opens", () => {
  let h: CoalescerHarness;
  beforeEach(async () => {
    h = await CoalescerHarness.start();
  });
  afterEach(() => h.stop());

  it("a failed flush send loses no event: the event is retried and a later one is covered too", async () => {
    const isFlush = (input: Record<string, unknown>) =>
      input.QueueUrl === h.stack.queues.webhookQueueUrl && input.DelaySeconds !== undefined;
    const coalescer = h.coalescer({ sqs: failingSends(h.stack.sqs, isFlush, 1) });
    const first = await h.webhook();
    assert.equal(await h.handle(coalescer, await h.receive()), 1, "the failed send fails the event's handling, so SQS retries it");
    const second = await h.webhook();
    const covered = await h.pump(coalescer, () => h.jobs.some((j) => j.sentAt >= second));
    assert.ok(covered, `no job was sent after the second event (jobs: ${h.jobs.length}); events were folded into a window with no flush`);
    assert.ok(h.jobs.every((j) => j.sentAt >= first));
  });

  it("a crash between the two writes loses no event: after the restart every event is covered", async () => {
    const dying = crashingClients(h.stack.sqs, h.redis, 2);
    const crashed = h.coalescer({ sqs: dying.sqs, redis: dying.redis });
    await h.webhook();
    assert.equal(await h.handle(crashed, await h.receive()), 1);
    assert.ok(dying.crashed(), "the process died at its second write");

    const restarted = h.coalescer();
    const later = await h.webhook();
    const covered = await h.pump(restarted, () => h.jobs.some((j) => j.sentAt >= later));
    assert.ok(covered, `no job was sent after the event that followed the crash (jobs: ${h.jobs.length})`);
  });

  it("a flush that comes before its window opened (a stall between the two writes) leaves no window without a flush", async () => {
    const stalling = stallsAfterFlushSend(h.stack.sqs, h.redis);
    const first = await h.webhook("data", { recordId: "r1" });
    // Hidden for longer than the stall, so that only this handling sees the event.
    const [event] = await h.receive(1, 30);
    assert.ok(event);
    const handling = h.handle(h.coalescer({ sqs: stalling.sqs, redis: stalling.redis }), [event]);

    // The stalled process has sent the flush but not yet opened the window when the flush is handled.
    const other = h.coalescer();
    assert.equal(await h.handle(other, [await h.receiveWhere((b) => b.type === "flush")]), 0);
    stalling.resume();
    assert.equal(await handling, 0);

    const second = await h.webhook("data", { recordId: "r2" });
    const named = (id: string, after: number) => h.jobs.some((j) => j.sentAt >= after && j.job.recordIds?.includes(id));
    const covered = await h.pump(other, () => named("r1", first) && named("r2", second));
    assert.ok(
      covered,
      `both events are covered by jobs naming their records (records per job: ${JSON.stringify(h.jobs.map((j) => j.job.recordIds ?? []))})`,
    );
  });

  it("a flush whose job send failed sends the job on its retry", async () => {
    const isJob = (input: Record<string, unknown>) => input.QueueUrl === h.stack.queues.hotPathQueueUrl;
    const coalescer = h.coalescer({ sqs: failingSends(h.stack.sqs, isJob, 1) });
    const event = await h.webhook();
    assert.ok(await h.pump(coalescer, () => h.jobs.some((j) => j.sentAt >= event)));
    assert.equal(h.jobs.length, 1);
  });

  it("a burst of events in one window still makes one job", async () => {
    const coalescer = h.coalescer();
    for (let i = 0; i < 5; i++) await h.webhook();
    const last = Date.now();
    assert.ok(await h.pump(coalescer, () => h.jobs.some((j) => j.sentAt >= last)));
    await h.drain(coalescer);
    assert.equal(h.jobs.length, 1, "one job for the whole burst");
    assert.equal((await h.metrics.eventsCoalesced.get()).values[0]?.value, 4);
  });

  it("without Redis every event gets a job at once", async () => {
    const down = createRedis("redis://127.0.0.1:1", { commandTimeoutMs: 200 });
    down.on("error", () => {});
    try {
      const coalescer = h.coalescer({ redis: down });
      const first = await h.webhook();
      await h.webhook();
      assert.ok(await h.pump(coalescer, () => h.jobs.filter((j) => j.sentAt >= first).length >= 2));
    } finally {
      down.disconnect();
    }
  });
});
