import { DeleteMessageCommand } from "@aws-sdk/client-sqs";
import {
  createMetricsRegistry,
  createPartnerAdapters,
  createPlatformClients,
  type Logger,
  partnerAdapterOptions,
  SqsConsumer,
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
  return serveInBackground({ port: config.COALESCER_PORT, host: config.COALESCER_HOST, registry }, consumer, close);
}
