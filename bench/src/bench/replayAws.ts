import { randomUUID } from "node:crypto";
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createDynamoDbClient, createSqsClient } from "@syncwell/core";
import { type ReplayOp, type ReplayPlan, totalCalls } from "./replayPlan.ts";

/** One call of an operation: unit index and the how-manieth call of that operation in the unit. */
export type Call = (unit: number, nth: number) => Promise<void>;

const clamp = (n: number, low: number, high: number) => Math.max(low, Math.min(high, Math.round(n)));
const pad = (bytes: number) => "x".repeat(Math.max(0, Math.round(bytes)));
/** What a request carries besides the padding we add (table name, key, expression): about this many bytes. */
const ENVELOPE = 160;
const READ_ITEMS = 200;

/**
 * Raw SQS and DynamoDB calls shaped like the engine's (same operation, batch size and request
 * bytes) against the bench's own emulators: a FIFO queue of the replay's own, filled beforehand
 * for the receives, and items of the replay's own in the platform's table.
 */
export async function awsCalls(plan: ReplayPlan) {
  const e = plan.endpoints;
  const options = {
    region: e.region,
    sqsEndpoint: e.sqs,
    dynamoDbEndpoint: e.dynamoDb,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  const sqs = createSqsClient(options);
  const dynamoDb = createDynamoDbClient(options);
  const db = createDocumentClient(dynamoDb);
  const run = randomUUID().slice(0, 8);
  const { QueueUrl = "" } = await sqs.send(
    new CreateQueueCommand({ QueueName: `replay-${run}.fifo`, Attributes: { FifoQueue: "true", VisibilityTimeout: "300" } }),
  );
  const op = (key: string) => plan.aws.find((o) => o.key === key);
  const receipts: string[] = [];
  const body = (bytes: number) => JSON.stringify({ jobId: randomUUID(), padding: pad(bytes - ENVELOPE - 60) });
  // A group per message: no receive waits for another message of its group to be acknowledged.
  const entry = (i: number, bytes: number) => ({
    Id: String(i % 10),
    MessageBody: body(bytes),
    MessageGroupId: randomUUID(),
    MessageDeduplicationId: randomUUID(),
  });

  // Setup (not timed): messages for the receives, items for the reads.
  const receive = op("SQS.ReceiveMessage");
  const perReceive = clamp(receive?.itemsPerCall ?? 1, 1, 10);
  const messages = receive ? totalCalls(plan, receive.perUnit) * perReceive + 10 : 0;
  for (let i = 0; i < messages; i += 10)
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: Math.min(10, messages - i) }, (_, n) => entry(i + n, 300)) }),
    );
  const readKey = (i: number) => ({ pk: `REPLAY#${run}#r${i % READ_ITEMS}`, sk: "R" });
  const queryRows = clamp(op("DynamoDB.Query")?.itemsPerCall ?? 0, 0, 1000);
  const seed = [
    ...Array.from({ length: READ_ITEMS }, (_, i) => ({ ...readKey(i), value: pad(400) })),
    ...Array.from({ length: queryRows }, (_, i) => ({ pk: `REPLAY#${run}#q`, sk: String(i).padStart(6, "0"), value: pad(200) })),
  ];
  for (let i = 0; i < seed.length; i += 25)
    await db.send(new BatchWriteCommand({ RequestItems: { [e.table]: seed.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));

  const take = (n: number) => receipts.splice(0, n);
  const handles = (n: number) => {
    const got = take(n);
    return got.length > 0 ? got : ["no-message-left"];
  };
  const calls: Record<string, (o: ReplayOp) => Call> = {
    "SQS.ReceiveMessage": () => async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: perReceive, WaitTimeSeconds: 0, VisibilityTimeout: 300 }),
      );
      for (const m of Messages) if (m.ReceiptHandle) receipts.push(m.ReceiptHandle);
    },
    "SQS.DeleteMessage": () => async () => {
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: handles(1)[0] })).catch(() => {});
    },
    "SQS.DeleteMessageBatch": (o) => async () => {
      const Entries = handles(clamp(o.itemsPerCall, 1, 10)).map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle }));
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries }));
    },
    "SQS.ChangeMessageVisibility": () => async () => {
      await sqs
        .send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: receipts[0] ?? "none", VisibilityTimeout: 300 }))
        .catch(() => {});
    },
    "SQS.ChangeMessageVisibilityBatch": (o) => async () => {
      const n = clamp(o.itemsPerCall, 1, 10);
      const Entries = Array.from({ length: n }, (_, i) => ({
        Id: String(i),
        ReceiptHandle: receipts[i] ?? "none",
        VisibilityTimeout: 300,
      }));
      await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries }));
    },
    "SQS.SendMessage": (o) => async (unit) => {
      const { Id: _id, ...message } = entry(unit, o.bytesPerCall);
      await sqs.send(new SendMessageCommand({ QueueUrl, ...message }));
    },
    "SQS.SendMessageBatch": (o) => async (unit) => {
      const n = clamp(o.itemsPerCall, 1, 10);
      const Entries = Array.from({ length: n }, (_, i) => entry(unit * 10 + i, o.bytesPerCall / n));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
    },
    "SQS.GetQueueAttributes": () => async () => {
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    },
    "DynamoDB.GetItem": () => async (unit, nth) => {
      await db.send(new GetCommand({ TableName: e.table, Key: readKey(unit * 7 + nth), ConsistentRead: true }));
    },
    "DynamoDB.BatchGetItem": (o) => async (unit) => {
      const Keys = Array.from({ length: clamp(o.itemsPerCall, 1, 100) }, (_, i) => readKey(unit + i));
      await db.send(new BatchGetCommand({ RequestItems: { [e.table]: { Keys } } }));
    },
    "DynamoDB.Query": (o) => async () => {
      await db.send(
        new QueryCommand({
          TableName: e.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `REPLAY#${run}#q` },
          Limit: clamp(o.itemsPerCall, 1, 1000),
          ConsistentRead: true,
        }),
      );
    },
    "DynamoDB.Scan": (o) => async () => {
      await db.send(new ScanCommand({ TableName: e.table, Limit: clamp(o.itemsPerCall, 1, 1000) }));
    },
    "DynamoDB.PutItem": (o) => async (unit, nth) => {
      const Item = { pk: `REPLAY#${run}#w${unit}`, sk: `p${nth}`, value: pad(o.bytesPerCall - ENVELOPE) };
      await db.send(new PutCommand({ TableName: e.table, Item, ConditionExpression: "attribute_not_exists(pk)" }));
    },
    "DynamoDB.UpdateItem": (o) => async (unit, nth) => {
      await db.send(
        new UpdateCommand({
          TableName: e.table,
          Key: { pk: `REPLAY#${run}#u${unit}`, sk: `u${nth}` },
          UpdateExpression: "SET #v = :v",
          ExpressionAttributeNames: { "#v": "value" },
          ExpressionAttributeValues: { ":v": pad(o.bytesPerCall - ENVELOPE) },
        }),
      );
    },
    "DynamoDB.DeleteItem": () => async (unit, nth) => {
      await db.send(new DeleteCommand({ TableName: e.table, Key: { pk: `REPLAY#${run}#w${unit}`, sk: `p${nth}` } }));
    },
    "DynamoDB.BatchWriteItem": (o) => async (unit, nth) => {
      const n = clamp(o.itemsPerCall, 1, 25);
      const items = Array.from({ length: n }, (_, i) => ({
        PutRequest: { Item: { pk: `REPLAY#${run}#b${unit}`, sk: `${nth}.${i}`, value: pad(o.bytesPerCall / n - 80) } },
      }));
      await db.send(new BatchWriteCommand({ RequestItems: { [e.table]: items } }));
    },
    "DynamoDB.TransactWriteItems": (o) => async (unit, nth) => {
      const n = clamp(o.itemsPerCall, 1, 100);
      const TransactItems = Array.from({ length: n }, (_, i) => ({
        Put: { TableName: e.table, Item: { pk: `REPLAY#${run}#t${unit}`, sk: `${nth}.${i}`, value: pad(o.bytesPerCall / n - 100) } },
      }));
      await db.send(new TransactWriteCommand({ TransactItems }));
    },
    "DynamoDB.TransactGetItems": (o) => async (unit) => {
      const n = clamp(o.itemsPerCall, 1, 100);
      const TransactItems = Array.from({ length: n }, (_, i) => ({ Get: { TableName: e.table, Key: readKey(unit + i) } }));
      await db.send(new TransactGetCommand({ TransactItems }));
    },
  };

  const ready = new Map<string, Call>();
  const missing: string[] = [];
  for (const o of plan.aws) {
    const make = calls[o.key];
    if (make) ready.set(o.key, make(o));
    else missing.push(o.key);
  }
  return {
    calls: ready,
    missing,
    async close() {
      await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => {});
      sqs.destroy();
      dynamoDb.destroy();
    },
  };
}
