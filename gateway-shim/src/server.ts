import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  batchStoreFrom,
  createPartnerAdapters,
  createPlatformClients,
  createTokenVerifier,
  type Logger,
  partnerAdapterOptions,
  userAuthOptions,
} from "@syncwell/core";
import type { GatewayConfig } from "./config.ts";
import { createGateway } from "./createGateway.ts";
import { createGatewayMetrics } from "./metrics.ts";

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Connects the adapters and listens. Used by main.ts and the integration tests (port 0). */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const { sqs, dynamoDb, redis, store, names, queues, close: closeClients } = await createPlatformClients(config, logger);
  const { batches, close: closeBatches } = batchStoreFrom(config);
  const close = () => {
    closeBatches();
    closeClients();
  };
  const metrics = createGatewayMetrics();
  const adapters = createPartnerAdapters(partnerAdapterOptions(config), { observe: metrics.observePartnerCall });
  const app = createGateway(
    { store, adapters, sqs, queues, dynamoDb, tableName: names.table, redis, metrics, logger, batches },
    {
      publicUrl: config.GATEWAY_PUBLIC_URL.replace(/\/+$/, ""),
      webhooks: {
        stravaVerifyToken: config.STRAVA_VERIFY_TOKEN,
        stravaSubscriptionId: config.STRAVA_SUBSCRIPTION_ID,
        garminClientId: config.GARMIN_CLIENT_ID,
        garminBaseUrl: partnerAdapterOptions(config).garmin.baseUrl,
        ouraVerificationToken: config.OURA_VERIFICATION_TOKEN,
        ouraClientSecret: config.OURA_CLIENT_SECRET,
        maxAgeSeconds: config.WEBHOOK_MAX_AGE_SECONDS,
        eventsPerAccountPerMinute: config.WEBHOOK_EVENTS_PER_ACCOUNT_PER_MINUTE,
      },
      initialPollIntervalSeconds: config.POLL_INITIAL_INTERVAL_SECONDS,
      verifier: createTokenVerifier(userAuthOptions(config)),
      idempotencyTtlSeconds: config.IDEMPOTENCY_TTL_SECONDS,
      rateLimitPerMinute: config.GATEWAY_RATE_LIMIT_PER_MINUTE,
      cursorSecret: config.TOKEN_ENCRYPTION_KEY,
    },
  );
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.GATEWAY_PORT, config.GATEWAY_HOST, () => resolve());
  }).catch((error) => {
    close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      close();
    },
  };
}
