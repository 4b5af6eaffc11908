import { randomBytes } from "node:crypto";
import { createDocumentClient, createDynamoDbClient, resourceNames } from "@syncwell/core";
import { isolatedPlatformConfig, type RunningPlatform, startPlatform } from "@syncwell/platform";
import { CoalescerSets } from "./coalescerSets.ts";
import { JobTable } from "./jobTable.ts";
import { DEV_PARTNER_SECRETS, Partners } from "./partners.ts";
import type { ModelContext } from "./scenarioRun.ts";

/**
 * The platform every scenario of a run shares, tuned so that a scenario settles in seconds:
 * short coalescing window, long polls and visibility timeout, a poll every second or two, no
 * backoff base, fast Strava upload processing, partner limits out of the way (the 429s are
 * injected), and a sync-confidence threshold of 2 so that scenarios reach the confidence skip.
 */
export const MODEL_ENV: Record<string, string> = {
  RETRY_BASE_SECONDS: "0",
  VISIBILITY_TIMEOUT_SECONDS: "5",
  HEARTBEAT_SECONDS: "2",
  SQS_WAIT_TIME_SECONDS: "1",
  COALESCE_WINDOW_SECONDS: "1",
  GATEWAY_RATE_LIMIT_PER_MINUTE: "1000000",
  STRAVA_UPLOAD_PROCESSING_MS: "50",
  POLL_TICK_CRON: "*/2 * * * * *",
  POLL_MIN_INTERVAL_SECONDS: "1",
  POLL_INITIAL_INTERVAL_SECONDS: "1",
  POLL_MAX_INTERVAL_SECONDS: "2",
  POLL_BUDGET_PER_MINUTE: "100000",
  STRAVA_RATE_LIMIT_15MIN: "10000000",
  STRAVA_RATE_LIMIT_DAILY: "10000000",
  STRAVA_READ_RATE_LIMIT_15MIN: "10000000",
  STRAVA_READ_RATE_LIMIT_DAILY: "10000000",
  GARMIN_RATE_LIMIT_PER_MINUTE: "10000000",
  POLAR_RATE_LIMIT_15MIN: "10000000",
  POLAR_RATE_LIMIT_DAILY: "10000000",
  OURA_RATE_LIMIT_5MIN: "10000000",
  // Two empty destination fetches earn the confidence skip, so short scenarios reach it too.
  SYNC_CONFIDENCE_THRESHOLD: "2",
  DLQ_WATCH_INTERVAL_SECONDS: "2",
  TROUBLESHOOTER_LLM: "scripted",
};

export interface ModelPlatform {
  platform: RunningPlatform;
  context: ModelContext;
  /** The AWS endpoints and names the run-level checks read. */
  aws: { region: string; sqsEndpoint: string };
  stop(): Promise<void>;
}

/** Starts an isolated platform (own queues, table, schemas, ports) and the context scenarios run in. */
export async function startModelPlatform(
  options: { settleTimeoutMs?: number; quietMs?: number; crashGapMs?: number; logLevel?: string } = {},
): Promise<ModelPlatform> {
  const run = randomBytes(3).toString("hex");
  const threshold = process.env.CONFLICT_OVERLAP_SECONDS ?? "60";
  Object.assign(process.env, MODEL_ENV, {
    CONFLICT_OVERLAP_SECONDS: threshold,
    PROVIDERS_MOCK_DB_SCHEMA: `model_${run}`,
    SUPPORT_DB_SCHEMA: `model_support_${run}`,
  });
  const prefix = `model-${run}-`;
  const config = await isolatedPlatformConfig(prefix, { LOG_LEVEL: options.logLevel ?? "fatal" });
  const platform = await startPlatform(config);
  const aws = {
    region: config.AWS_REGION,
    dynamoDbEndpoint: platform.env.AWS_ENDPOINT_URL_DYNAMODB,
    sqsEndpoint: platform.env.AWS_ENDPOINT_URL_SQS as string,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  const dynamo = createDynamoDbClient(aws);
  const urls = { gateway: platform.urls.gateway, providersMock: platform.urls.providersMock };
  const coalescerSets = new CoalescerSets(platform.env.REDIS_URL as string, platform.env.REDIS_KEY_PREFIX ?? "");
  const gap = options.crashGapMs ?? 10_000;
  let crashing: Promise<void> | undefined;
  let lastCrash = 0;
  const context: ModelContext = {
    broken: undefined,
    urls,
    jwtSecret: config.GATEWAY_JWT_SECRET,
    partners: new Partners(urls, {
      ...DEV_PARTNER_SECRETS,
      // Each run has its own partner secrets; the Oura mock signs its webhooks with this one.
      ouraClientSecret: config.runSecrets.OURA_CLIENT_SECRET,
    }),
    jobs: new JobTable(createDocumentClient(dynamo), resourceNames(prefix).table, `u${run}-`),
    async crash(service) {
      if (crashing || context.broken || Date.now() - lastCrash < gap) return false;
      crashing = restart(service).finally(() => {
        crashing = undefined;
        lastCrash = Date.now();
      });
      await crashing;
      return true;
    },
    userPrefix: `u${run}-`,
    thresholdSeconds: Number(threshold),
    settleTimeoutMs: options.settleTimeoutMs ?? 45_000,
    quietMs: options.quietMs ?? 1500,
    coalescerSets,
  };
  // A service that will not start again (say, code edited under a long run) breaks the platform:
  // the run stops instead of reporting every later scenario as the engine's failure.
  const restart = async (service: "worker" | "coalescer" | "poller") => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await platform.crashAndRestart(service);
      } catch (error) {
        if (attempt >= 5) {
          context.broken = `the ${service} did not start again after kill -9: ${(error as Error).message}`;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  };
  void platform.unexpectedExit.then((name) => {
    context.broken ??= `${name} exited on its own`;
  });
  return {
    platform,
    context,
    aws: { region: aws.region, sqsEndpoint: aws.sqsEndpoint },
    async stop() {
      dynamo.destroy();
      coalescerSets.close();
      await platform.stop();
    },
  };
}
