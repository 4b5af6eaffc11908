import {
  createMetricsRegistry,
  createPartnerAdapters,
  createPlatformClients,
  type Logger,
  partnerAdapterOptions,
  SqsJobQueue,
  serveInBackground,
  TokenManager,
} from "@syncwell/core";
import cron from "node-cron";
import type { PollerConfig } from "./config.ts";
import { createPollerMetrics, Poller } from "./Poller.ts";

/** Composition root: a node-cron scan of due schedules, /health and /metrics. */
export async function startPoller(config: PollerConfig, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  if (!cron.validate(config.POLL_TICK_CRON)) throw new Error(`POLL_TICK_CRON is not a cron expression: ${config.POLL_TICK_CRON}`);
  const { sqs, redis, store, queues, close } = await createPlatformClients(config, logger);
  const registry = createMetricsRegistry("poller");
  const adapters = createPartnerAdapters(partnerAdapterOptions(config));
  const poller = new Poller(
    {
      store,
      adapters,
      tokens: new TokenManager({ store, adapters, redis, logger }),
      jobs: new SqsJobQueue({ sqs }, { queueUrl: queues.hotPathQueueUrl, dlqUrl: queues.hotPathDlqUrl }),
      redis,
      metrics: createPollerMetrics(registry),
      logger,
    },
    {
      bounds: { minSeconds: config.POLL_MIN_INTERVAL_SECONDS, maxSeconds: config.POLL_MAX_INTERVAL_SECONDS },
      budgetPerMinute: config.POLL_BUDGET_PER_MINUTE,
      batchSize: config.POLL_BATCH_SIZE,
    },
  );
  let running: Promise<unknown> = Promise.resolve();
  const task = cron.createTask(
    config.POLL_TICK_CRON,
    () => {
      running = poller.tick().catch((error: Error) => logger.error({ err: error.message }, "poll scan failed"));
      return running;
    },
    { noOverlap: true, name: "poll-scan" },
  );
  const scans = {
    start: () => void task.start(),
    async stop() {
      await task.stop();
      await running;
    },
  };
  return serveInBackground({ port: config.POLLER_PORT, host: config.POLLER_HOST, registry }, scans, close);
}
