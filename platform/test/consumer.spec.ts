import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { createLogger, createSqsClient, JobConsumer, type QueuedMessage, SqsJobQueue } from "@syncwell/core";
import { type EmbeddedAws, startEmbeddedAws } from "../src/emulators.ts";

/** Polls a condition with a deadline: a consumer that never gets there fails the test instead of hanging it. */
async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("JobConsumer on fauxqs (SqsJobQueue)", () => {
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

  const queue = async (name: string) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
    return { url, jobs: new SqsJobQueue({ sqs }, { queueUrl: url }) };
  };
  const depth = async (url: string) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  it("keeps a long job invisible with its heartbeat, so no second consumer gets it, and acks it when done", async () => {
    const { url, jobs } = await queue("heartbeat");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "long" }));
    const seen: string[] = [];
    let longJobDone = false;
    const handle = (who: string) => async (m: QueuedMessage) => {
      seen.push(`${who}:${m.body}`);
      if (who === "a") {
        await new Promise((resolve) => setTimeout(resolve, 3500)); // the long job itself
        longJobDone = true;
      }
      return { kind: "ack" as const };
    };
    const options = { concurrency: 1, waitTimeSeconds: 1, visibilityTimeoutSeconds: 2, heartbeatSeconds: 1 };
    const a = new JobConsumer({ queue: jobs, logger, handle: handle("a") }, options);
    a.start();
    await until("the first consumer took the message", () => seen.length > 0);
    const b = new JobConsumer({ queue: jobs, logger, handle: handle("b") }, options);
    b.start();
    await until("the long job finished", () => longJobDone);
    await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual(seen, ["a:long"], "the 2 s visibility was extended while the 3.5 s job ran");
    assert.equal(await depth(url), 0, "acknowledged");
  });

  it("on stop takes no new messages and lets the running ones finish", async () => {
    const { url, jobs } = await queue("graceful");
    for (const body of ["one", "two"]) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    let started = 0;
    let finished = 0;
    const consumer = new JobConsumer(
      {
        queue: jobs,
        logger,
        handle: async () => {
          started += 1;
          await new Promise((resolve) => setTimeout(resolve, 800));
          finished += 1;
          return { kind: "ack" };
        },
      },
      { concurrency: 1, waitTimeSeconds: 1, visibilityTimeoutSeconds: 30, heartbeatSeconds: 10 },
    );
    consumer.start();
    await until("a job started", () => started > 0);
    await consumer.stop();
    assert.equal(finished, 1, "the running job finished before stop resolved");
    assert.equal(started, 1, "no new job was taken after stop");
    assert.equal(await depth(url), 1, "the other message is still queued");
  });
});
