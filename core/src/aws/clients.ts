import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

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

export function createSqsClient(options: AwsOptions): SQSClient {
  return new SQSClient({ region: options.region, endpoint: options.sqsEndpoint, credentials: options.credentials });
}

export function createDynamoDbClient(options: AwsOptions): DynamoDBClient {
  return new DynamoDBClient({ region: options.region, endpoint: options.dynamoDbEndpoint, credentials: options.credentials });
}

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
