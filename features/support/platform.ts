import { randomBytes } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { AfterAll, BeforeAll, setDefaultTimeout } from "@cucumber/cucumber";
import { createSqsClient, DEV_JWT_SECRET, DEVELOPMENT_PARTNER_SECRETS } from "@syncwell/core";
import { isolatedPlatformConfig, type RunningPlatform, startPlatform } from "@syncwell/platform";
import { DEV_SUPPORT_JWT_SECRET } from "@syncwell/support";

// Every step and hook has a deadline: one that waits for something that never comes fails, and the run goes on.
setDefaultTimeout(30_000);
/** Starting or stopping the whole platform (emulators, bootstrap, six services) on a busy machine. */
const PLATFORM_TIMEOUT_MS = 120_000;

/** Where the features send their requests. */
export interface Target {
  gateway: string;
  providersMock: string;
  jwtSecret: string;
  /** Signs support agents' tokens (development mode). */
  supportJwtSecret: string;
  coalescer?: string;
  poller?: string;
  worker?: string;
  /** The support service (DLQ playbook, troubleshooter). */
  support?: string;
  /** Reaches the queues when the stack runs embedded (the DLQ checks need it). */
  queues?: { sqs: SQSClient; dlqUrl: string; hotPathUrl: string };
}

let running: RunningPlatform | undefined;
let target: Target | undefined;

/**
 * The stack under test: a running one named by SYNCWELL_PROVIDERS_MOCK_URL (e.g. `docker compose up`),
 * else the embedded platform started here with its own queue names and database schema.
 */
export function stack(): Target {
  if (!target) throw new Error("the platform is not started");
  return target;
}

BeforeAll({ timeout: PLATFORM_TIMEOUT_MS }, async () => {
  const jwtSecret = process.env.GATEWAY_JWT_SECRET ?? DEV_JWT_SECRET;
  const gateway = process.env.SYNCWELL_GATEWAY_URL;
  const providersMock = process.env.SYNCWELL_PROVIDERS_MOCK_URL;
  if (gateway && providersMock) {
    const support = process.env.SYNCWELL_SUPPORT_URL?.replace(/\/$/, "");
    const supportJwtSecret = process.env.SUPPORT_JWT_SECRET ?? DEV_SUPPORT_JWT_SECRET;
    target = { gateway: gateway.replace(/\/$/, ""), providersMock: providersMock.replace(/\/$/, ""), jwtSecret, supportJwtSecret, support };
    return;
  }
  const run = randomBytes(3).toString("hex");
  process.env.PROVIDERS_MOCK_DB_SCHEMA = `features_${run}`;
  // Retries at once, so that five failures take seconds, not minutes.
  process.env.RETRY_BASE_SECONDS ??= "0";
  process.env.STRAVA_UPLOAD_PROCESSING_MS ??= "200";
  process.env.COALESCE_WINDOW_SECONDS ??= "1";
  // Poll every second with intervals of seconds, so that adaptation is visible within a scenario.
  process.env.POLL_TICK_CRON ??= "* * * * * *";
  process.env.POLL_MIN_INTERVAL_SECONDS ??= "1";
  process.env.POLL_INITIAL_INTERVAL_SECONDS ??= "2";
  process.env.POLL_MAX_INTERVAL_SECONDS ??= "30";
  // Support: its own schema, a DLQ scan every second, and the deterministic chat model.
  process.env.SUPPORT_DB_SCHEMA = `support_features_${run}`;
  process.env.DLQ_WATCH_INTERVAL_SECONDS ??= "1";
  process.env.TROUBLESHOOTER_LLM ??= "scripted";
  // The steps act as the partners (Oura's signatures, Strava's handshake, OAuth clients) with the
  // published development secrets, as against compose; npm start would make fresh ones.
  for (const [name, value] of Object.entries(DEVELOPMENT_PARTNER_SECRETS)) process.env[name] ??= value;
  const config = await isolatedPlatformConfig(`features-${run}-`, { LOG_LEVEL: process.env.FEATURES_LOG_LEVEL ?? "error" });
  running = await startPlatform(config);
  const sqs = createSqsClient({
    region: config.AWS_REGION,
    sqsEndpoint: running.env.AWS_ENDPOINT_URL_SQS,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  target = {
    gateway: running.urls.gateway,
    providersMock: running.urls.providersMock,
    jwtSecret: config.GATEWAY_JWT_SECRET,
    supportJwtSecret: config.SUPPORT_JWT_SECRET,
    coalescer: running.urls.coalescer,
    poller: running.urls.poller,
    worker: running.urls.worker,
    support: running.urls.support,
    queues: { sqs, dlqUrl: running.queues.hotPathDlqUrl, hotPathUrl: running.queues.hotPathQueueUrl },
  };
});

AfterAll({ timeout: PLATFORM_TIMEOUT_MS }, async () => {
  target?.queues?.sqs.destroy();
  if (running?.env.DATABASE_URL && process.env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: running.env.DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${process.env.PROVIDERS_MOCK_DB_SCHEMA}" cascade`);
    await client.query(`drop schema if exists "${process.env.SUPPORT_DB_SCHEMA}" cascade`);
    await client.end();
  }
  await running?.stop();
});
