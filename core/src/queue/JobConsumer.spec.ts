import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../logging/logger.ts";
import type { QueueDecision, QueuedMessage } from "../ports/JobQueue.ts";
import { InMemoryJobQueue } from "./InMemoryJobQueue.ts";
import { JobConsumer } from "./JobConsumer.ts";

const logger = createLogger("consumer-test", "silent");

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const options = { concurrency: 4, waitTimeSeconds: 0, visibilityTimeoutSeconds: 2, heartbeatSeconds: 0.05 };

describe("JobConsumer", () => {
  it("extends a running job's visibility, stops the heartbeat before applying the decision, and touches the message no more", async () => {
    const queue = new InMemoryJobQueue({ maxReceiveCount: 5 });
    let release = () => {};
    const running = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = new JobConsumer(
      {
        queue,
        logger,
        handle: async (): Promise<QueueDecision> => {
          await running;
          return { kind: "dead_letter", groupId: "g", deduplicationId: "d", attributes: { errorCategory: "permanent" } };
        },
      },
      options,
    );
    await queue.send({ body: "{}", groupId: "u", deduplicationId: "1" });
    consumer.start();
    await until("two heartbeats", () => (queue.calls.hide ?? 0) >= 2);
    release();
    await until("dead-lettered", () => queue.dead.length === 1);
    const heartbeats = queue.calls.hide ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 150));
    await consumer.stop();
    assert.equal(queue.calls.hide ?? 0, heartbeats, "no heartbeat after the decision");
    assert.equal(queue.depth, 0);
  });

  it("acks finished messages in batches", async () => {
    const queue = new InMemoryJobQueue({ maxReceiveCount: 5 });
    const consumer = new JobConsumer(
      { queue, logger, handle: async () => ({ kind: "ack" }) },
      { ...options, concurrency: 10, ackDelayMs: 50 },
    );
    for (let i = 0; i < 10; i++) await queue.send({ body: "{}", groupId: `u${i}`, deduplicationId: String(i) });
    consumer.start();
    await until("all acked", () => queue.depth === 0);
    await consumer.stop();
    assert.ok((queue.calls.ack ?? 0) <= 2, `10 messages in ${queue.calls.ack} ack calls`);
  });

  it("receives in batches while jobs run: one ReceiveMessage serves several jobs", async () => {
    const queue = new InMemoryJobQueue({ maxReceiveCount: 5 });
    const consumer = new JobConsumer(
      {
        queue,
        logger,
        handle: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return { kind: "ack" };
        },
      },
      { ...options, concurrency: 8 },
    );
    for (let i = 0; i < 40; i++) await queue.send({ body: "{}", groupId: `u${i}`, deduplicationId: String(i) });
    const receive = queue.receive.bind(queue);
    let fruitful = 0;
    queue.receive = async (...args) => {
      const got = await receive(...args);
      if (got.length > 0) fruitful += 1;
      return got;
    };
    consumer.start();
    await until("all done", () => queue.depth === 0);
    await consumer.stop();
    assert.ok(fruitful <= 12, `40 jobs in ${fruitful} receives that returned messages`);
  });

  it("on stop takes no new messages and lets the running ones finish", async () => {
    const queue = new InMemoryJobQueue({ maxReceiveCount: 5 });
    const started: QueuedMessage[] = [];
    let finished = 0;
    const consumer = new JobConsumer(
      {
        queue,
        logger,
        handle: async (m) => {
          started.push(m);
          await new Promise((resolve) => setTimeout(resolve, 100));
          finished += 1;
          return { kind: "ack" };
        },
      },
      { ...options, concurrency: 1 },
    );
    await queue.send({ body: "{}", groupId: "a", deduplicationId: "1" });
    await queue.send({ body: "{}", groupId: "b", deduplicationId: "2" });
    consumer.start();
    await until("one started", () => started.length === 1);
    await consumer.stop();
    assert.equal(finished, 1);
    assert.equal(started.length, 1);
    assert.equal(queue.depth, 1, "the other message is still queued");
  });

  it("refuses a heartbeat that is not shorter than the visibility timeout", () => {
    assert.throws(
      () =>
        new JobConsumer(
          { queue: new InMemoryJobQueue({ maxReceiveCount: 5 }), logger, handle: async () => ({ kind: "ack" }) },
          { ...options, heartbeatSeconds: 2 },
        ),
      /heartbeatSeconds must be less than visibilityTimeoutSeconds/,
    );
  });
});
