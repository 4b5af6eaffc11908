import {
  batchStoreFrom,
  createPartnerAdapters,
  createPlatformClients,
  JobConsumer,
  type Logger,
  partnerAdapterOptions,
  queueMaxReceiveCount,
  registerQueueDepth,
  SqsJobQueue,
  serveInBackground,
  TokenManager,
} from "@syncwell/core";
import { RedisConfidenceCache } from "./confidence/ConfidenceCache.ts";
import type { WorkerConfig } from "./config.ts";
import { createWorkerMetrics } from "./metrics.ts";
import { startSettingsSource } from "./settings/createSettingsSource.ts";

import { JobProcessor } from "./sync/JobProcessor.ts";
import { SyncJobHandler } from "./sync/SyncJobHandler.ts";

export interface RunningWorker {
  url: string;
  close(): Promise<void>;
}

const JOB_TTL_SECONDS = 7 * 86400;

/** Composition root: wires SQS, DynamoDB, Redis and the partner adapters into the job pipeline. */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  const { sqs, redis, store, names: n, queues, close } = await createPlatformClients(config, logger);
  const metrics = createWorkerMetrics();
  // Device uploads (apple_health) are read from the batch store a job names (SPEC §18's claim-check).
  const { batches, close: closeBatches } = batchStoreFrom(config);
  const adapters = createPartnerAdapters(partnerAdapterOptions(config), { observe: metrics.observePartnerCall, logger, batches });
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
  const settings = await startSettingsSource(config, logger);
  const handler = new SyncJobHandler(
    { store, adapters, tokens, confidence: new RedisConfidenceCache({ redis, logger }), metrics, logger },
    {
      syncConfidenceThreshold: config.SYNC_CONFIDENCE_THRESHOLD,
      conflictOverlapSeconds: () => settings.conflictOverlapSeconds(),
      ledgerTtlSeconds: config.LEDGER_TTL_SECONDS,
      maxRecordsPerJob: config.MAX_RECORDS_PER_JOB,
    },
  );
  const processor = new JobProcessor(
    { store, handler, metrics, logger },
    {
      maxReceiveCount: await queueMaxReceiveCount(sqs, queues.hotPathQueueUrl),
      retryBaseSeconds: config.RETRY_BASE_SECONDS,
      jobTtlSeconds: JOB_TTL_SECONDS,
    },
  );
  const queue = new SqsJobQueue({ sqs }, { queueUrl: queues.hotPathQueueUrl, dlqUrl: queues.hotPathDlqUrl });
  const consumer = new JobConsumer(
    { queue, logger, handle: (message) => processor.process(message) },
    {
      concurrency: config.WORKER_CONCURRENCY,
      waitTimeSeconds: config.SQS_WAIT_TIME_SECONDS,
      visibilityTimeoutSeconds: config.VISIBILITY_TIMEOUT_SECONDS,
      heartbeatSeconds: config.HEARTBEAT_SECONDS,
    },
  );
  return serveInBackground(
    { port: config.WORKER_PORT, host: config.WORKER_HOST, registry: metrics.registry, health: () => ({ inFlight: consumer.inFlight }) },
    consumer,
    () => {
      settings.close();
      closeBatches();
      close();
    },
  );
}
