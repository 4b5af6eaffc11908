import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Message } from "@aws-sdk/client-sqs";
import { CoalescerHarness, diesAfter, failingRedisCommands } from "./harness.ts";

const isFlush = (body: Record<string, unknown>) => body.type === "flush";
const windowOf = (m: Message) => (JSON.parse(m.Body ?? "{}") as { windowId?: string }).windowId;

/**
 * A flush writes three things: it closes its window (Redis), sends the window's job (SQS), then
 * forgets the record ids that job carries (Redis). A flush delivered twice (its first delivery
 * sent the job and was killed before the acknowledgement) has its second send swallowed by SQS's
 * deduplication, so it must carry exactly the ids of the first: ids named by events after the
 * window closed belong to the next window's job.
 */
describe("a flush delivered twice", () => {
  let h: CoalescerHarness;
  beforeEach(async () => {
    h = await CoalescerHarness.start();
  });
  afterEach(() => h.stop());

  it("a flush killed after its job send loses no record named after its window closed", async () => {
    const coalescer = h.coalescer();
    await h.webhook("data", { recordId: "r1" });
    assert.equal(await h.handle(coalescer, await h.receive()), 0);

    // The first delivery closes the window and sends the job, and the process dies right after that send.
    const flush = await h.receiveWhere(isFlush);
    const isJobSend = (c: { input?: Record<string, unknown> }) => c.input?.QueueUrl === h.stack.queues.hotPathQueueUrl;
    const dying = diesAfter(h.stack.sqs, h.redis, isJobSend);
    await h
      .coalescer({ sqs: dying.sqs, redis: dying.redis })
      .handle(flush)
      .catch(() => undefined);
    assert.ok(dying.died(), "the process died after the job send; the flush was never acknowledged");

    // After the restart, an event names another record: the window is closed, so it opens the next one.
    const restarted = h.coalescer();
    const later = await h.webhook("data", { recordId: "r2" });
    const event = await h.receiveWhere((b) => b.type === "event");
    assert.equal(await h.handle(restarted, [event]), 0);

    // The first flush comes back before the next window's flush is handled.
    const again = await h.receiveWhere((b) => isFlush(b) && b.windowId === windowOf(flush));
    assert.equal(await h.handle(restarted, [again]), 0);

    const carried = (id: string) => h.jobs.filter((j) => j.job.recordIds?.includes(id));
    const named = await h.pump(restarted, () => carried("r2").some((j) => j.sentAt >= later));
    await h.drain(restarted);
    assert.ok(
      named,
      `no job sent after the second event names r2 (records per job: ${JSON.stringify(h.jobs.map((j) => j.job.recordIds ?? []))})`,
    );
    assert.ok(carried("r1").length > 0, "the first window's job names r1");
  });

  it("a flush that cannot read its records sends a job at once and names them on its retry", async () => {
    const coalescer = h.coalescer();
    const event = await h.webhook("data", { recordId: "r1" });
    assert.equal(await h.handle(coalescer, await h.receive()), 0);

    const flush = await h.receiveWhere(isFlush);
    const flaky = h.coalescer({ redis: failingRedisCommands(h.redis, "smembers", 1) });
    assert.equal(await h.handle(flaky, [flush]), 1, "the flush fails, so SQS delivers it again");
    await h.collectJobs();
    assert.ok(
      h.jobs.some((j) => j.sentAt >= event),
      "a job covering the event is sent at once, records or not",
    );

    assert.ok(await h.pump(coalescer, () => h.jobs.some((j) => j.job.recordIds?.includes("r1") && j.sentAt >= event)));
  });

  it("a window that named more records than one job carries sends them all, in several jobs", async () => {
    const coalescer = h.coalescer();
    const ids = Array.from({ length: 130 }, (_, i) => `r${i}`);
    for (const recordId of ids) await h.webhook("data", { recordId });
    const all = () => ids.every((id) => h.jobs.some((j) => j.job.recordIds?.includes(id)));
    assert.ok(
      await h.pump(coalescer, all, 20_000),
      `records never named: ${ids.filter((id) => !h.jobs.some((j) => j.job.recordIds?.includes(id))).length}`,
    );
    assert.ok(h.jobs.every((j) => (j.job.recordIds?.length ?? 0) <= 100));
  });
});
