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

export async function startEmbeddedStack(prefix: string, options: { now?: () => number } = {}): Promise<EmbeddedStack> {
  const aws = await startEmbeddedAws();
  const { sqs, dynamoDb } = emulatorClients(aws);
  const names = resourceNames(prefix);
  const queues = await bootstrapPlatform({ sqs, dynamoDb }, names);
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
      await aws.stop();
    },
  };
}
