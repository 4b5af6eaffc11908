import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { BatchStore, Logger, MetadataStore, PartnerAdapters, PlatformQueues, Redis, TokenVerifier } from "@syncwell/core";
import type { GatewayMetrics } from "./metrics.ts";

/** Everything the routes use, wired by createGateway. */
export interface GatewayDeps {
  store: MetadataStore;
  adapters: PartnerAdapters;
  sqs: SQSClient;
  queues: PlatformQueues;
  /** The raw client and table the job-status template's GetItem goes to (as API Gateway's integration does). */
  dynamoDb: DynamoDBClient;
  tableName: string;
  redis: Redis;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Where device uploads are stored (S3); absent, `POST /v1/device-uploads` answers 503. */
  batches?: BatchStore;
}

export interface GatewayOptions {
  /**
   * SyncWell's public URL as partners reach it (no trailing slash): a partner that notifies only the
   * callbacks an app subscribed per user (Withings) is told, on connect, to call
   * `<publicUrl>/webhooks/<provider>`.
   */
  publicUrl: string;
  webhooks: WebhookOptions;
  initialPollIntervalSeconds: number;
  /** Verifies users' bearer tokens (Cognito's JWKS in production, HS256 in development mode). */
  verifier: TokenVerifier;
  idempotencyTtlSeconds: number;
  /**
   * How long the sync route remembers that a user's config exists and is enabled.
   * @defaultValue 30
   */
  configCacheSeconds?: number;
  rateLimitPerMinute: number;
  /**
   * Key material (base64) the sync log's page cursors are signed with, through HKDF: the
   * token-encryption key, so no new secret. Absent, a random key of this process (its cursors hold
   * on this instance only).
   */
  cursorSecret?: string;
}

/** What the gateway needs to verify each partner's webhooks. */
export interface WebhookOptions {
  stravaVerifyToken: string;
  stravaSubscriptionId: number;
  garminClientId: string;
  /** Garmin's API root: a ping's callbackURL must point there, nowhere else. */
  garminBaseUrl: string;
  ouraVerificationToken: string;
  ouraClientSecret: string;
  /** Signed events older (or newer) than this are refused. */
  maxAgeSeconds: number;
  /** Events one partner account may deliver per minute; more answer 429. @defaultValue 120 */
  eventsPerAccountPerMinute?: number;
}
