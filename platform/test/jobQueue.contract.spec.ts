import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { InMemoryJobQueue, type JobQueue, type QueuedMessage, SqsJobQueue } from "@syncwell/core";
import { type EmbeddedStack, startEmbeddedStack } from "./helpers/embeddedStack.ts";

/** A backend under the contract: the queue, and what its dead-letter queue holds. */
interface Subject {
  queue: JobQueue;
  deadLetters(): Promise<{ body: string; attributes: Record<string, string> }[]>;
  stop(): Promise<void>;
}

const MAX_RECEIVE_COUNT = 3;
const subjects: { name: string; start: () => Promise<Subject> }[] = [
  {
    name: "the in-memory fake",
    start: async () => {
      const queue = new InMemoryJobQueue({ maxReceiveCount: MAX_RECEIVE_COUNT });
      return { queue, deadLetters: async () => queue.dead.splice(0), stop: async () => {} };
    },
  },
  {
    name: "SqsJobQueue on fauxqs",
    start: async () => {
      const stack: EmbeddedStack = await startEmbeddedStack(`jq-${randomBytes(3).toString("hex")}-`, {
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
      const queue = new SqsJobQueue({ sqs: stack.sqs }, { queueUrl: stack.queues.hotPathQueueUrl, dlqUrl: stack.queues.hotPathDlqUrl });
      const dlq = new SqsJobQueue({ sqs: stack.sqs }, { queueUrl: stack.queues.hotPathDlqUrl, dlqUrl: stack.queues.hotPathDlqUrl });
      return {
        queue,
        async deadLetters() {
          const out: { body: string; attributes: Record<string, string> }[] = [];
          for (let i = 0; i < 20; i++) {
            const got = await dlq.receive(10, { waitSeconds: 0, visibilitySeconds: 30 });
            if (got.length === 0) break;
            out.push(...got.map((m) => ({ body: m.body, attributes: m.attributes })));
            await dlq.ack(got);
          }
          return out;
        },
        stop: () => stack.stop(),
      };
    },
  },
];

const receiveAll = async (queue: JobQueue, visibilitySeconds = 30): Promise<QueuedMessage[]> => {
  const all: QueuedMessage[] = [];
  for (let i = 0; i < 30; i++) {
    const got = await queue.receive(10, { waitSeconds: 0, visibilitySeconds });
    if (got.length === 0) break;
    all.push(...got);
  }
  return all;
};

const one = async (queue: JobQueue, visibilitySeconds = 30): Promise<QueuedMessage> => {
  const [message] = await queue.receive(1, { waitSeconds: 0, visibilitySeconds });
  assert.ok(message, "a message was received");
  return message;
};

let n = 0;
const out = (body: string, groupId = `g${++n}`, extra = {}) => ({
  body,
  groupId,
  deduplicationId: `${body}-${randomBytes(4).toString("hex")}`,
  ...extra,
});

// One behaviour, every adapter (STYLE.md "Ports and adapters").
for (const subject of subjects) {
  describe(`JobQueue contract: ${subject.name}`, () => {
    let s: Subject;
    before(async () => {
      s = await subject.start();
    });
    after(() => s.stop());

    it("delivers a message with its receive count, its attributes and its notBefore", async () => {
      await s.queue.send(out("a", "ga", { notBefore: 1_800_000_000_000, attributes: { reason: "x" } }));
      const m = await one(s.queue);
      assert.equal(m.body, "a");
      assert.equal(m.receiveCount, 1);
      assert.equal(m.notBefore, 1_800_000_000_000);
      assert.deepEqual(m.attributes, { reason: "x" });
      await s.queue.ack([m]);
    });

    it("drops a second send with the same deduplication id", async () => {
      const message = out("dup", "gd");
      await s.queue.send(message);
      await s.queue.send(message);
      const all = await receiveAll(s.queue);
      assert.equal(all.length, 1);
      await s.queue.ack(all);
    });

    it("keeps a group's second message back while its first is in flight", async () => {
      await s.queue.send(out("first", "fifo"));
      await s.queue.send(out("second", "fifo"));
      const m = await one(s.queue);
      assert.equal(m.body, "first");
      assert.deepEqual(await s.queue.receive(10, { waitSeconds: 0, visibilitySeconds: 30 }), []);
      await s.queue.ack([m]);
      const next = await one(s.queue);
      assert.equal(next.body, "second");
      await s.queue.ack([next]);
    });

    it("hides a message for a retry and counts its next receive", async () => {
      await s.queue.send(out("retry"));
      const m = await one(s.queue);
      await s.queue.hide(m, 0);
      const again = await one(s.queue);
      assert.equal(again.body, "retry");
      assert.equal(again.receiveCount, 2);
      await s.queue.ack([again]);
    });

    it("acks any number of messages in batches", async () => {
      for (let i = 0; i < 13; i++) await s.queue.send(out(`bulk-${i}`));
      const all = await receiveAll(s.queue);
      assert.equal(all.length, 13);
      await s.queue.ack(all);
      assert.deepEqual(await receiveAll(s.queue, 0), []);
    });

    it("resends a message as a fresh one (receive count 1) carrying notBefore", async () => {
      await s.queue.send(out("again", "gr"));
      const m = await one(s.queue);
      await s.queue.hide(m, 0);
      const second = await one(s.queue);
      await s.queue.resend(second, { groupId: "gr", deduplicationId: `fresh-${randomBytes(3).toString("hex")}`, notBefore: 42 });
      const fresh = await one(s.queue);
      assert.equal(fresh.body, "again");
      assert.equal(fresh.receiveCount, 1);
      assert.equal(fresh.notBefore, 42);
      await s.queue.ack([fresh]);
      assert.deepEqual(await receiveAll(s.queue, 0), [], "the old message is gone");
    });

    it("dead-letters a message with its reason, and SQS's redrive moves one that ran out of receives without one", async () => {
      await s.queue.send(out("dead"));
      const m = await one(s.queue);
      await s.queue.deadLetter(m, {
        groupId: "dead",
        deduplicationId: `dlq-${randomBytes(3).toString("hex")}`,
        attributes: { errorCategory: "permanent" },
      });
      await s.queue.send(out("exhausted"));
      for (let i = 0; i < MAX_RECEIVE_COUNT; i++) await s.queue.hide(await one(s.queue, 30), 0);
      assert.deepEqual(await s.queue.receive(10, { waitSeconds: 0, visibilitySeconds: 30 }), [], "moved on its next receive");
      const dead = await s.deadLetters();
      assert.deepEqual(dead.map((d) => [d.body, d.attributes.errorCategory]).sort(), [
        ["dead", "permanent"],
        ["exhausted", undefined],
      ]);
    });
  });
}
