import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  awsOptions,
  createDocumentClient,
  createDynamoDbClient,
  createPartnerAdapters,
  createRedis,
  createSqsClient,
  type Logger,
  MetadataStore,
  names,
  partnerAdapterOptions,
  queueUrls,
  registerQueueDepth,
  SqsConsumer,
  TokenCipher,
  TokenManager,
} from "@syncwell/core";
import { RedisConfidenceCache } from "./confidence/ConfidenceCache.ts";
import type { WorkerConfig } from "./config.ts";
import { createWorkerMetrics } from "./metrics.ts";

import { JobProcessor } from "./sync/JobProcessor.ts";
import { SyncJobHandler } from "./sync/SyncJobHandler.ts";

export interface RunningWorker {
  url: string;
  close(): Promise<void>;
}

const JOB_TTL_SECONDS = 7 * 86400;

/** Composition root: wires SQS, DynamoDB, Redis and the partner adapters into the job pipeline. */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  const aws = awsOptions(config);
  const sqs = createSqsClient(aws);
  const dynamoDb = createDynamoDbClient(aws);
  const redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX });
  redis.on("error", (error) => logger.debug({ err: error.message }, "redis error"));
  const metrics = createWorkerMetrics();
  const store = new MetadataStore(
    { db: createDocumentClient(dynamoDb), cipher: new TokenCipher(config.TOKEN_ENCRYPTION_KEY) },
    { table: names(config).table },
  );
  const adapters = createPartnerAdapters(partnerAdapterOptions(config), { observe: metrics.observePartnerCall });
  const queues = await queueUrls(sqs, names(config));
  const n = names(config);
  registerQueueDepth(metrics.registry, sqs, {
    [n.hotPathQueue]: queues.hotPathQueueUrl,
    [n.hotPathDlq]: queues.hotPathDlqUrl,
    [n.webhookQueue]: queues.webhookQueueUrl,
    [n.webhookDlq]: queues.webhookDlqUrl,
  });

  const tokens = new TokenManager({
    store,
    adapters,
    redis,
    logger,
    onRefresh: (provider, result) => metrics.tokenRefreshes.inc({ provider, result }),
  });
  const handler = new SyncJobHandler(
    { store, adapters, tokens, confidence: new RedisConfidenceCache({ redis, logger }), metrics, logger },
    {
      syncConfidenceThreshold: config.SYNC_CONFIDENCE_THRESHOLD,
      conflictOverlapSeconds: config.CONFLICT_OVERLAP_SECONDS,
      ledgerTtlSeconds: config.LEDGER_TTL_SECONDS,
    },
  );
  const processor = new JobProcessor(
    { sqs, store, handler, metrics, logger },
    {
      queueUrl: queues.hotPathQueueUrl,
      dlqUrl: queues.hotPathDlqUrl,
      maxAttempts: config.MAX_ATTEMPTS,
      retryBaseSeconds: config.RETRY_BASE_SECONDS,
      jobTtlSeconds: JOB_TTL_SECONDS,
    },
  );
  const consumer = new SqsConsumer(
    { sqs, logger, handle: (message) => processor.process(message) },
    {
      queueUrl: queues.hotPathQueueUrl,
      concurrency: config.WORKER_CONCURRENCY,
      waitTimeSeconds: config.SQS_WAIT_TIME_SECONDS,
      visibilityTimeoutSeconds: config.VISIBILITY_TIMEOUT_SECONDS,
      heartbeatSeconds: config.HEARTBEAT_SECONDS,
    },
  );

  const server: Server = createServer(async (req, res) => {
    if (req.url === "/health")
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ status: "ok", inFlight: consumer.inFlight }));
    if (req.url === "/metrics")
      return void res.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.registry.metrics());
    res
      .writeHead(404, { "content-type": "application/problem+json" })
      .end(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: "no such route" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.WORKER_PORT, "0.0.0.0", () => resolve());
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
