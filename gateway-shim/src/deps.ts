import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Logger, MetadataStore, PartnerAdapters, PlatformQueues, Redis } from "@syncwell/core";
import type { GatewayMetrics } from "./metrics.ts";
import type { WebhookOptions } from "./routes/webhooks.ts";

/** Everything the routes use, wired by createGateway. */
export interface GatewayDeps {
  store: MetadataStore;
  adapters: PartnerAdapters;
  sqs: SQSClient;
  queues: PlatformQueues;
  redis: Redis;
  metrics: GatewayMetrics;
  logger: Logger;
}

export interface GatewayOptions {
  webhooks: WebhookOptions;
  jwtSecret: string;
  idempotencyTtlSeconds: number;
  rateLimitPerMinute: number;
}
