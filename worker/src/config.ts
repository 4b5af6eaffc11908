import { awsEnv, deviceUploadEnv, env, loadConfig, modeEnv, partnerEnv, storageEnv } from "@syncwell/core";
import { z } from "zod";

const appConfigId = (what: string) =>
  z
    .string()
    .regex(/^[\w.-]{1,128}$/, `must be the AppConfig ${what}'s id or name`)
    .optional();

/** Where the sync tuning lives in production (SPEC §16): worker/src/settings, set by the stack. */
const appConfigEnv = {
  APPCONFIG_APPLICATION: appConfigId("application").describe(
    "AppConfig application (id or name) of the sync tuning document; with APPCONFIG_ENVIRONMENT and APPCONFIG_PROFILE set, the conflict threshold comes from AppConfig and CONFLICT_OVERLAP_SECONDS only holds until the first valid document; unset = from the environment",
  ),
  APPCONFIG_ENVIRONMENT: appConfigId("environment").describe("AppConfig environment (id or name) the sync tuning is deployed to"),
  APPCONFIG_PROFILE: appConfigId("configuration profile").describe(
    'AppConfig configuration profile (id or name) of the sync tuning, a JSON document like {"conflictOverlapSeconds":60}',
  ),
  AWS_ENDPOINT_URL_APPCONFIGDATA: env.url().optional().describe("AppConfig Data endpoint (overrides AWS_ENDPOINT_URL)"),
};
const APPCONFIG_LOCATION = ["APPCONFIG_APPLICATION", "APPCONFIG_ENVIRONMENT", "APPCONFIG_PROFILE"] as const;

/** The worker's whole configuration (the only place that reads `process.env`). */
export const WorkerEnv = z
  .object({
    ...modeEnv,
    ...awsEnv,
    ...storageEnv,
    ...partnerEnv,
    ...deviceUploadEnv,
    WORKER_PORT: env.port(8081).describe("HTTP port of the worker's /health and /metrics"),
    WORKER_HOST: env.host().describe("Interface the /health and /metrics server binds (0.0.0.0 in containers)"),
    WORKER_CONCURRENCY: env.int(8, 1).describe("Jobs run at the same time"),
    SQS_WAIT_TIME_SECONDS: z.coerce.number().int().min(0).max(20).default(20).describe("Long-poll wait of one receive"),
    VISIBILITY_TIMEOUT_SECONDS: env.int(60, 5).describe("Visibility a running job keeps extending (heartbeat)"),
    HEARTBEAT_SECONDS: env.int(20, 1).describe("How often a running job extends its visibility"),
    RETRY_BASE_SECONDS: env.int(5).describe("First retry delay; doubles per attempt (capped at 300 s)"),
    SYNC_CONFIDENCE_THRESHOLD: env.int(10, 1).describe("Consecutive empty destination fetches after which the fetch is skipped"),
    CONFLICT_OVERLAP_SECONDS: env.int(60).describe("Records overlapping by more than this conflict"),
    LEDGER_TTL_SECONDS: env
      .int(90 * 86400, 60)
      .describe(
        "How long the ledger remembers a record (longer than any adapter lookback; as long as the sync log, so edits and resyncs find it)",
      ),
    MAX_RECORDS_PER_JOB: env
      .int(50, 1)
      .describe("Records one job writes before the rest runs as its next turn (a fair share of the partner's quota per user)"),
    LOG_LEVEL: env.logLevel().describe("pino log level"),
    ...appConfigEnv,
  })
  .refine((c) => c.HEARTBEAT_SECONDS < c.VISIBILITY_TIMEOUT_SECONDS, {
    message: "must be less than VISIBILITY_TIMEOUT_SECONDS",
    path: ["HEARTBEAT_SECONDS"],
  })
  .superRefine((c, ctx) => {
    // All three name the document; one or two of them is a deployment mistake, not "use the environment".
    const missing = APPCONFIG_LOCATION.filter((name) => !c[name]);
    if (missing.length > 0 && missing.length < APPCONFIG_LOCATION.length)
      ctx.addIssue({
        code: "custom",
        path: [missing[0] as string],
        message: `is required with ${APPCONFIG_LOCATION.filter((name) => c[name]).join(" and ")} (set all three APPCONFIG_* or none)`,
      });
  });
export type WorkerConfig = z.infer<typeof WorkerEnv>;

export function loadWorkerConfig(source: Record<string, string | undefined> = process.env): WorkerConfig {
  return loadConfig(WorkerEnv as unknown as z.ZodObject, source) as WorkerConfig;
}
