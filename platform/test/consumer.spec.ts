import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, SendMessageCommand } from "@aws-sdk/client-sqs";
import { createLogger, createSqsClient, SqsConsumer } from "@syncwell/core";
import { type EmbeddedAws, startEmbeddedAws } from "../src/emulators.ts";

/** Polls a condition with a deadline: a consumer that never gets there fails the test instead of hanging it. */
async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("SqsConsumer on fauxqs", () => {
  let aws: EmbeddedAws;
  let sqs: ReturnType<typeof createSqsClient>;
  const logger = createLogger("consumer-test", "silent");
  before(async () => {
    aws = await startEmbeddedAws();
    sqs = createSqsClient({ region: "us-east-1", sqsEndpoint: aws.sqsEndpoint, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
  });
  after(async () => {
    sqs.destroy();
    await aws.stop();
  });

  const queue = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;

  it("keeps a long job invisible with its heartbeat, so no second consumer gets it", async () => {
    const url = await queue("heartbeat");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "long" }));
    const seen: string[] = [];
    let longJobDone = false;
    const handle = (who: string) => async (m: Message) => {
      seen.push(`${who}:${m.Body}`);
      if (who === "a") {
        await new Promise((resolve) => setTimeout(resolve, 3500)); // the long job itself
        longJobDone = true;
      }
    };
    const options = { queueUrl: url, concurrency: 1, waitTimeSeconds: 1, visibilityTimeoutSeconds: 2, heartbeatSeconds: 1 };
    const a = new SqsConsumer({ sqs, logger, handle: handle("a") }, options);
    a.start();
    await until("the first consumer took the message", () => seen.length > 0);
    const b = new SqsConsumer({ sqs, logger, handle: handle("b") }, options);
    b.start();
    await until("the long job finished", () => longJobDone);
    await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual(seen, ["a:long"], "the 2 s visibility was extended while the 3.5 s job ran");
  });

  it("on stop takes no new messages and lets the running ones finish", async () => {
    const url = await queue("graceful");
    for (const body of ["one", "two"]) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    const finished: string[] = [];
    let started = 0;
    const consumer = new SqsConsumer(
      {
        sqs,
        logger,
        handle: async (m) => {
          started += 1;
          await new Promise((resolve) => setTimeout(resolve, 800));
          finished.push(m.Body ?? "");
        },
      },
      { queueUrl: url, concurrency: 1, waitTimeSeconds: 1, visibilityTimeoutSeconds: 30, heartbeatSeconds: 10 },
    );
    consumer.start();
    await until("a job started", () => started > 0);
    await consumer.stop();
    assert.equal(finished.length, 1, "the running job finished before stop resolved");
    assert.equal(started, 1, "no new job was taken after stop");
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    assert.equal(Attributes?.ApproximateNumberOfMessages, "1", "the other message is still queued");
  });

  it("refuses a heartbeat that is not shorter than the visibility timeout", () => {
    assert.throws(
      () =>
        new SqsConsumer(
          { sqs, logger, handle: async () => {} },
          { queueUrl: "x", concurrency: 1, waitTimeSeconds: 1, visibilityTimeoutSeconds: 10, heartbeatSeconds: 10 },
        ),
      /heartbeatSeconds must be less than visibilityTimeoutSeconds/,
    );
  });
});
