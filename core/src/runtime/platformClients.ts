import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { PlatformQueues } from "../aws/bootstrap.ts";
import { createDocumentClient, createDynamoDbClient, createSqsClient } from "../aws/clients.ts";
import type { ResourceNames } from "../aws/resources.ts";
import { awsOptions, names, queueUrls } from "../config/sharedEnv.ts";
import { TokenCipher } from "../crypto/tokenCipher.ts";
import type { Logger } from "../logging/logger.ts";
import { MetadataStore } from "../metadata/MetadataStore.ts";
import { createRedis, type Redis } from "../storage/redis.ts";

/** The clients every service shares: SQS, DynamoDB (as the metadata store), Redis and the queue URLs. */
export interface PlatformClients {
  sqs: SQSClient;
  dynamoDb: DynamoDBClient;
  redis: Redis;
  store: MetadataStore;
  names: ResourceNames;
  queues: PlatformQueues;
  close(): void;
}

export async function createPlatformClients(
  config: {
    AWS_REGION: string;
    AWS_ENDPOINT_URL?: string | undefined;
    AWS_ENDPOINT_URL_SQS?: string | undefined;
    AWS_ENDPOINT_URL_DYNAMODB?: string | undefined;
    SYNCWELL_RESOURCE_PREFIX: string;
    REDIS_URL: string;
    REDIS_KEY_PREFIX: string;
    TOKEN_ENCRYPTION_KEY: string;
  },
  logger: Logger,
): Promise<PlatformClients> {
  const aws = awsOptions(config);
  const sqs = createSqsClient(aws);
  const dynamoDb = createDynamoDbClient(aws);
  const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX });
  redis.on("error", (error) => logger.debug({ err: error.message }, "redis error"));
  const resourceNames = names(config);
  const close = () => {
    redis.disconnect();
    sqs.destroy();
    dynamoDb.destroy();
  };
  try {
    const queues = await queueUrls(sqs, resourceNames);
    const store = new MetadataStore(
      { db: createDocumentClient(dynamoDb), cipher: new TokenCipher(config.TOKEN_ENCRYPTION_KEY) },
      { table: resourceNames.table },
    );
    return { sqs, dynamoDb, redis, store, names: resourceNames, queues, close };
  } catch (error) {
    close();
    throw error;
  }
}
