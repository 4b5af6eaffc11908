import { awsOptions, bootstrapPlatform, configOrExit, createDynamoDbClient, createS3Client, createSqsClient, names } from "@syncwell/core";
import { loadBootstrapConfig } from "./config.ts";

// The one-shot bootstrap of docker compose (and any fresh account): creates the queues and the
// table, and the device-upload bucket (DEVICE_UPLOAD_BUCKET), on whatever AWS_ENDPOINT_URL* points
// at (LocalStack in compose), idempotently.
const config = configOrExit(() => loadBootstrapConfig());
const aws = awsOptions(config);
for (let attempt = 1; ; attempt++) {
  try {
    const s3 = createS3Client({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL_S3 ?? config.AWS_ENDPOINT_URL });
    const queues = await bootstrapPlatform({ sqs: createSqsClient(aws), dynamoDb: createDynamoDbClient(aws), s3 }, names(config), {
      bucket: config.DEVICE_UPLOAD_BUCKET,
    });
    process.stdout.write(
      `bootstrapped: ${Object.values(queues).join(", ")}, table ${names(config).table} and bucket ${config.DEVICE_UPLOAD_BUCKET}\n`,
    );
    process.exit(0);
  } catch (error) {
    if (attempt >= 30) {
      process.stderr.write(`bootstrap failed: ${(error as Error).message}\n`);
      process.exit(1);
    }
    process.stdout.write(`waiting for AWS (${(error as Error).message}) …\n`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
