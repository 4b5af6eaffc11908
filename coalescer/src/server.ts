import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteMessageCommand } from "@aws-sdk/client-sqs";
import {
  awsOptions,
  createDocumentClient,
  createDynamoDbClient,
  createMetricsRegistry,
  createRedis,
  createSqsClient,
  type Logger,
  MetadataStore,
  names,
  queueUrls,
  SqsConsumer,
  TokenCipher,
} from "@syncwell/core";
import { Coalescer, createCoalescerMetrics } from "./Coalescer.ts";
import type { CoalescerConfig } from "./config.ts";

/** Composition root: consumes WebhookEventQueue, serves /health and /metrics. */
export async function startCoalescer(config: CoalescerConfig, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const aws = awsOptions(config);
  const sqs = createSqsClient(aws);
  const dynamoDb = createDynamoDbClient(aws);
  const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX });
  redis.on("error", (error) => logger.debug({ err: error.message }, "redis error"));
  const registry = createMetricsRegistry("coalescer");
  const store = new MetadataStore(
    { db: createDocumentClient(dynamoDb), cipher: new TokenCipher(config.TOKEN_ENCRYPTION_KEY) },
    { table: names(config).table },
  );
  const queues = await queueUrls(sqs, names(config));
  const coalescer = new Coalescer(
    { sqs, store, redis, metrics: createCoalescerMetrics(registry), logger },
    { webhookQueueUrl: queues.webhookQueueUrl, hotPathQueueUrl: queues.hotPathQueueUrl, windowSeconds: config.COALESCE_WINDOW_SECONDS },
  );
  const consumer = new SqsConsumer(
    {
      sqs,
      logger,
      handle: async (message) => {
        // A failure leaves the message for a retry (and, after 5, WebhookEventDLQ).
        await coalescer.handle(message);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queues.webhookQueueUrl, ReceiptHandle: message.ReceiptHandle }));
      },
    },
    {
      queueUrl: queues.webhookQueueUrl,
      concurrency: config.COALESCER_CONCURRENCY,
      waitTimeSeconds: config.SQS_WAIT_TIME_SECONDS,
      visibilityTimeoutSeconds: 30,
      heartbeatSeconds: 10,
    },
  );
  const server = createServer(async (req, res) => {
    if (req.url === "/health") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    if (req.url === "/metrics") return void res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
    res
      .writeHead(404, { "content-type": "application/problem+json" })
      .end(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: "no such route" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.COALESCER_PORT, "0.0.0.0", () => resolve());
  });
  consumer.start();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await consumer.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
      sqs.destroy();
      dynamoDb.destroy();
    },
  };
}
