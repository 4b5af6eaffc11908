import { awsOptions, bootstrapPlatform, configOrExit, createDynamoDbClient, createSqsClient, names } from "@syncwell/core";
import { loadBootstrapConfig } from "./config.ts";

// The one-shot bootstrap of docker compose (and any fresh account): creates the queues and the
// table on whatever AWS_ENDPOINT_URL* points at (LocalStack in compose), idempotently.
const config = configOrExit(() => loadBootstrapConfig());
const aws = awsOptions(config);
for (let attempt = 1; ; attempt++) {
  try {
    const queues = await bootstrapPlatform({ sqs: createSqsClient(aws), dynamoDb: createDynamoDbClient(aws) }, names(config));
    process.stdout.write(`bootstrapped: ${Object.values(queues).join(", ")} and table ${names(config).table}\n`);
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
