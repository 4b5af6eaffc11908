import {
  createMetricsRegistry,
  createPartnerAdapters,
  createPlatformClients,
  JobConsumer,
  type Logger,
  partnerAdapterOptions,
  SqsJobQueue,
  serveInBackground,
  TokenManager,
} from "@syncwell/core";
import { Coalescer, createCoalescerMetrics } from "./Coalescer.ts";
import type { CoalescerConfig } from "./config.ts";

/** Composition root: consumes WebhookEventQueue, serves /health and /metrics. */
export async function startCoalescer(config: CoalescerConfig, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const { sqs, redis, store, queues, close } = await createPlatformClients(config, logger);
  const registry = createMetricsRegistry("coalescer");
  // Deauthorisation events are confirmed with the partner (an identity call, then a refresh) before a revocation.
  const access = new TokenManager({ store, adapters: createPartnerAdapters(partnerAdapterOptions(config)), redis, logger });
  const coalescer = new Coalescer(
    { sqs, store, redis, access, metrics: createCoalescerMetrics(registry), logger },
    { webhookQueueUrl: queues.webhookQueueUrl, hotPathQueueUrl: queues.hotPathQueueUrl, windowSeconds: config.COALESCE_WINDOW_SECONDS },
  );
  const consumer = new JobConsumer(
    {
      queue: new SqsJobQueue({ sqs }, { queueUrl: queues.webhookQueueUrl }),
      logger,
      handle: async (message) => {
        try {
          await coalescer.handle({ Body: message.body, MessageId: message.id });
          return { kind: "ack" };
        } catch (error) {
          // Retried after a pause (and after 5 receives, WebhookEventDLQ).
          logger.warn({ err: (error as Error).message, messageId: message.id }, "webhook event not handled; retrying");
          return { kind: "retry", afterSeconds: 10 };
        }
      },
    },
    {
      concurrency: config.COALESCER_CONCURRENCY,
      waitTimeSeconds: config.SQS_WAIT_TIME_SECONDS,
      visibilityTimeoutSeconds: 30,
      heartbeatSeconds: 10,
    },
  );
  return serveInBackground({ port: config.COALESCER_PORT, host: config.COALESCER_HOST, registry }, consumer, close);
}
