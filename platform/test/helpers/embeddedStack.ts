import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  type AwsOptions,
  bootstrapPlatform,
  createDocumentClient,
  createDynamoDbClient,
  createSqsClient,
  DEV_TOKEN_ENCRYPTION_KEY,
  MetadataStore,
  type PlatformQueues,
  type ResourceNames,
  resourceNames,
  TokenCipher,
} from "@syncwell/core";
import { type EmbeddedAws, startEmbeddedAws } from "../../src/emulators.ts";
import { type DynamoDbLocal, startDynamoDbLocal } from "./dynamoDbLocal.ts";

/** SDK options and clients for the embedded emulators (which take any credentials). */
export function emulatorClients(aws: EmbeddedAws): { options: AwsOptions; sqs: SQSClient; dynamoDb: DynamoDBClient } {
  const options = {
    region: "us-east-1",
    sqsEndpoint: aws.sqsEndpoint,
    dynamoDbEndpoint: aws.dynamoDbEndpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  return { options, sqs: createSqsClient(options), dynamoDb: createDynamoDbClient(options) };
}

/** The DynamoDB a stack runs on: the embedded dynalite, or Amazon's DynamoDB Local (needs Java). */
export type DynamoDbBackend = "dynalite" | "DynamoDB Local";

/** Every backend, for suites that run once per backend (guard the Java one with `requiresJava`). */
export const DYNAMODB_BACKENDS: readonly DynamoDbBackend[] = ["dynalite", "DynamoDB Local"];

/** The embedded emulators, bootstrapped under `prefix`, with a metadata store (on `now`, if given). */
export interface EmbeddedStack {
  aws: EmbeddedAws;
  sqs: SQSClient;
  dynamoDb: DynamoDBClient;
  names: ResourceNames;
  queues: PlatformQueues;
  store: MetadataStore;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(
  prefix: string,
  options: { now?: () => number; dynamoDb?: DynamoDbBackend; maxReceiveCount?: number } = {},
): Promise<EmbeddedStack> {
  const embedded = await startEmbeddedAws();
  let local: DynamoDbLocal | undefined;
  try {
    if (options.dynamoDb === "DynamoDB Local") local = await startDynamoDbLocal();
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  const aws: EmbeddedAws = local ? { ...embedded, dynamoDbEndpoint: local.endpoint } : embedded;
  const { sqs, dynamoDb } = emulatorClients(aws);
  const names = resourceNames(prefix);
  const queues = await bootstrapPlatform({ sqs, dynamoDb }, names, { maxReceiveCount: options.maxReceiveCount });
  const store = new MetadataStore(
    { db: createDocumentClient(dynamoDb), cipher: new TokenCipher(DEV_TOKEN_ENCRYPTION_KEY), now: options.now },
    { table: names.table },
  );
  return {
    aws,
    sqs,
    dynamoDb,
    names,
    queues,
    store,
    async stop() {
      sqs.destroy();
      dynamoDb.destroy();
      await embedded.stop();
      await local?.stop();
    },
  };
}
