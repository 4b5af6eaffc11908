import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { MAX_RECEIVE_COUNT, type ResourceNames } from "./resources.ts";
import { GSI1, GSI2, TTL_ATTRIBUTE } from "./tableDesign.ts";

/** Queue URLs after bootstrap. */
export interface PlatformQueues {
  hotPathQueueUrl: string;
  hotPathDlqUrl: string;
  webhookQueueUrl: string;
  webhookDlqUrl: string;
}

/**
 * Creates the queues (with their DLQs and redrive), the metadata table and, given an S3 client, the
 * device-upload bucket (`bucket`, else the names' own) if missing. Idempotent: safe to run on every
 * start, by `npm start`, the tests and the LocalStack init. The stack owns the bucket's lifecycle
 * rule and encryption in production; the emulators keep uploads until they stop.
 */
export async function bootstrapPlatform(
  deps: { sqs: SQSClient; dynamoDb: DynamoDBClient; s3?: S3Client },
  names: ResourceNames,
  options: { maxReceiveCount?: number; bucket?: string } = {},
): Promise<PlatformQueues> {
  const [queues] = await Promise.all([
    createQueues(deps.sqs, names, options.maxReceiveCount ?? MAX_RECEIVE_COUNT),
    createTable(deps.dynamoDb, names.table),
    deps.s3 ? createBucket(deps.s3, options.bucket ?? names.deviceUploadBucket) : undefined,
  ]);
  return queues;
}

/** Creates a bucket unless this account has it already. */
export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as { name?: string }).name !== "BucketAlreadyOwnedByYou") throw error;
  }
}

/**
 * The queue's maxReceiveCount, from its redrive policy: the worker's attempt limit is this one
 * setting, so a job is never moved to the DLQ by SQS before the worker gave it its reason.
 */
export async function queueMaxReceiveCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["RedrivePolicy"] }));
  const count = Number((JSON.parse(Attributes?.RedrivePolicy ?? "{}") as { maxReceiveCount?: unknown }).maxReceiveCount);
  if (!Number.isInteger(count) || count < 2) throw new Error(`queue ${queueUrl} has no usable redrive policy (maxReceiveCount ≥ 2)`);
  return count;
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  return QueueUrl;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`no QueueArn for ${url}`);
  return arn;
}

async function createQueues(sqs: SQSClient, names: ResourceNames, maxReceiveCount: number): Promise<PlatformQueues> {
  const fifo = { FifoQueue: "true", ContentBasedDeduplication: "false" };
  const fourteenDays = String(14 * 24 * 3600);
  const [hotPathDlqUrl, webhookDlqUrl] = await Promise.all([
    createQueue(sqs, names.hotPathDlq, { ...fifo, MessageRetentionPeriod: fourteenDays }),
    createQueue(sqs, names.webhookDlq, { MessageRetentionPeriod: fourteenDays }),
  ]);
  const redrive = async (dlqUrl: string) => JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, dlqUrl), maxReceiveCount });
  const [hotPathQueueUrl, webhookQueueUrl] = await Promise.all([
    createQueue(sqs, names.hotPathQueue, { ...fifo, VisibilityTimeout: "60", RedrivePolicy: await redrive(hotPathDlqUrl) }),
    createQueue(sqs, names.webhookQueue, { VisibilityTimeout: "30", RedrivePolicy: await redrive(webhookDlqUrl) }),
  ]);
  return { hotPathQueueUrl, hotPathDlqUrl, webhookQueueUrl, webhookDlqUrl };
}

async function createTable(dynamoDb: DynamoDBClient, table: string): Promise<void> {
  const attr = (name: string) => ({ AttributeName: name, AttributeType: "S" as const });
  const index = (name: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: `${name}pk`, KeyType: "HASH" as const },
      { AttributeName: `${name}sk`, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  });
  try {
    await dynamoDb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: ["pk", "sk", `${GSI1}pk`, `${GSI1}sk`, `${GSI2}pk`, `${GSI2}sk`].map(attr),
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [index(GSI1), index(GSI2)],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitForTable(dynamoDb, table);
  try {
    await dynamoDb.send(
      new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE } }),
    );
  } catch (error) {
    // dynalite has no TTL API, and a table whose TTL is already on answers ValidationException.
    const name = (error as { name?: string }).name;
    if (name !== "UnknownOperationException" && name !== "ValidationException") throw error;
  }
}

async function waitForTable(dynamoDb: DynamoDBClient, table: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${table} did not become ACTIVE`);
}
