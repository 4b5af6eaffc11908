import { randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { round } from "../client.ts";

/** Runs `work(i)` for i < count with `concurrency` at once; answers the seconds it took. */
export async function timed(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * The raw emulator's own rates on this machine, the baseline of every ratio: single SendMessage
 * to a FIFO queue (what the gateway does per request), and batched receive (10) + DeleteMessageBatch.
 */
export async function rawQueueRates(sqs: SQSClient, options: { messages: number; concurrency: number; groups: number }) {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `bench-raw-${randomUUID().slice(0, 8)}.fifo`, Attributes: { FifoQueue: "true" } }),
  );
  const body = JSON.stringify({
    jobId: randomUUID(),
    userId: "u",
    syncConfigId: "c",
    trigger: "manual",
    requestedAt: new Date().toISOString(),
  });
  const sendSeconds = await timed(options.messages, options.concurrency, async (i) => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: `g${i % options.groups}`, MessageDeduplicationId: `m${i}` }),
    );
  });
  let received = 0;
  let receiveCalls = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (received < options.messages) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        receiveCalls += 1;
        if (Messages.length === 0) {
          if (received >= options.messages) break;
          continue;
        }
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((m, id) => ({ Id: String(id), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        received += Messages.length;
      }
    }),
  );
  const receiveSeconds = (performance.now() - started) / 1000;
  return {
    messages: options.messages,
    sendPerSecond: round(options.messages / sendSeconds, 0),
    receiveDeletePerSecond: round(options.messages / receiveSeconds, 0),
    sqsCallsPerMessageRaw: round((receiveCalls * 2) / options.messages, 2),
  };
}

/** The raw table's rates (dynalite here): conditional PutItem and consistent GetItem, as the gateway and worker use them. */
export async function rawTableRates(db: DynamoDBDocumentClient, table: string, options: { items: number; concurrency: number }) {
  const key = (i: number) => ({ pk: `BENCH#${i}`, sk: "BENCH" });
  const putSeconds = await timed(options.items, options.concurrency, async (i) => {
    await db.send(new PutCommand({ TableName: table, Item: { ...key(i), value: i }, ConditionExpression: "attribute_not_exists(pk)" }));
  });
  const getSeconds = await timed(options.items, options.concurrency, async (i) => {
    await db.send(new GetCommand({ TableName: table, Key: key(i), ConsistentRead: true }));
  });
  return { items: options.items, putPerSecond: round(options.items / putSeconds, 0), getPerSecond: round(options.items / getSeconds, 0) };
}
