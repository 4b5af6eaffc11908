import { awsEnv, env, loadConfig, modeEnv, partnerEnv, storageEnv } from "@syncwell/core";
import { z } from "zod";

/** The poller's whole configuration (the only place that reads `process.env`). */
export const PollerEnv = z
  .object({
    ...modeEnv,
    ...awsEnv,
    ...storageEnv,
    ...partnerEnv,
    POLLER_PORT: env.port(8083).describe("HTTP port of the poller's /health and /metrics"),
    POLLER_HOST: env.host().describe("Interface the /health and /metrics server binds (0.0.0.0 in containers)"),
    POLL_TICK_CRON: z.string().default("*/5 * * * * *").describe("node-cron expression (with seconds) of the due-schedule scan"),
    POLL_MIN_INTERVAL_SECONDS: env.int(300, 1).describe("Shortest interval between two polls of one config"),
    POLL_MAX_INTERVAL_SECONDS: env.int(21600, 1).describe("Longest interval between two polls of one config"),
    POLL_INITIAL_INTERVAL_SECONDS: env.int(900, 1).describe("Interval of a new config"),
    POLL_BUDGET_PER_MINUTE: env
      .int(60, 1)
      .describe("Pre-flight calls per partner per minute, shared by all pollers (the poller's share of the partner's limit)"),
    POLL_BATCH_SIZE: env.int(50, 1).describe("Due schedules taken per scan"),
    LOG_LEVEL: env.logLevel().describe("pino log level"),
  })
  .refine((c) => c.POLL_MIN_INTERVAL_SECONDS <= c.POLL_MAX_INTERVAL_SECONDS, {
    message: "must not exceed POLL_MAX_INTERVAL_SECONDS",
    path: ["POLL_MIN_INTERVAL_SECONDS"],
  });
export type PollerConfig = z.infer<typeof PollerEnv>;

export function loadPollerConfig(source: Record<string, string | undefined> = process.env): PollerConfig {
  return loadConfig(PollerEnv as unknown as z.ZodObject, source) as PollerConfig;
}
