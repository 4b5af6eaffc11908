import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { countAwsCalls } from "../metrics/awsCalls.ts";

/**
 * Where the AWS clients point. Leave endpoints undefined on real AWS; the SDK also honours
 * AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL_DYNAMODB on its own, and we
 * pass them explicitly so one config object describes the whole connection.
 */
export interface AwsOptions {
  region: string;
  sqsEndpoint?: string | undefined;
  dynamoDbEndpoint?: string | undefined;
  /** Static credentials for emulators; undefined means the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** Every client the factories make counts its calls (`syncwell_aws_requests_total`, metrics/awsCalls.ts). */
export function createSqsClient(options: AwsOptions): SQSClient {
  return countAwsCalls(new SQSClient({ region: options.region, endpoint: options.sqsEndpoint, credentials: options.credentials }));
}

export function createDynamoDbClient(options: AwsOptions): DynamoDBClient {
  return countAwsCalls(
    new DynamoDBClient({ region: options.region, endpoint: options.dynamoDbEndpoint, credentials: options.credentials }),
  );
}

/** Shares `client`'s middleware stack, so its calls are counted as the client's (by their DynamoDB operation). */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
