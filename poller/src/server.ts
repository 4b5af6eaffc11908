import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  awsOptions,
  createDocumentClient,
  createDynamoDbClient,
  createMetricsRegistry,
  createPartnerAdapters,
  createRedis,
  createSqsClient,
  type Logger,
  MetadataStore,
  names,
  partnerAdapterOptions,
  queueUrls,
  TokenCipher,
  TokenManager,
} from "@syncwell/core";
import cron from "node-cron";
import type { PollerConfig } from "./config.ts";
import { createPollerMetrics, Poller } from "./Poller.ts";

/** Composition root: a node-cron scan of due schedules, /health and /metrics. */
export async function startPoller(config: PollerConfig, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  if (!cron.validate(config.POLL_TICK_CRON)) throw new Error(`POLL_TICK_CRON is not a cron expression: ${config.POLL_TICK_CRON}`);
  const aws = awsOptions(config);
  const sqs = createSqsClient(aws);
  const dynamoDb = createDynamoDbClient(aws);
  const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX });
  redis.on("error", (error) => logger.debug({ err: error.message }, "redis error"));
  const registry = createMetricsRegistry("poller");
  const store = new MetadataStore(
    { db: createDocumentClient(dynamoDb), cipher: new TokenCipher(config.TOKEN_ENCRYPTION_KEY) },
    { table: names(config).table },
  );
  const adapters = createPartnerAdapters(partnerAdapterOptions(config));
  const queues = await queueUrls(sqs, names(config));
  const poller = new Poller(
    {
      store,
      adapters,
      tokens: new TokenManager({ store, adapters, redis, logger }),
      sqs,
      redis,
      metrics: createPollerMetrics(registry),
      logger,
    },
    {
      hotPathQueueUrl: queues.hotPathQueueUrl,
      bounds: { minSeconds: config.POLL_MIN_INTERVAL_SECONDS, maxSeconds: config.POLL_MAX_INTERVAL_SECONDS },
      budgetPerMinute: config.POLL_BUDGET_PER_MINUTE,
      batchSize: config.POLL_BATCH_SIZE,
    },
  );
  let running: Promise<unknown> = Promise.resolve();
  const task = cron.schedule(
    config.POLL_TICK_CRON,
    () => {
      running = poller.tick().catch((error: Error) => logger.error({ err: error.message }, "poll scan failed"));
      return running;
    },
    { noOverlap: true, name: "poll-scan" },
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
    server.listen(config.POLLER_PORT, "0.0.0.0", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await task.stop();
      await running;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
      sqs.destroy();
      dynamoDb.destroy();
    },
  };
}
