import { awsEnv, env, loadConfig, modeEnv, partnerEnv, storageEnv } from "@syncwell/core";
import { z } from "zod";

/** The coalescer's whole configuration (the only place that reads `process.env`). */
export const CoalescerEnv = z.object({
  ...modeEnv,
  ...awsEnv,
  ...storageEnv,
  // Deauthorisation events are confirmed with the partner before a connection is revoked.
  ...partnerEnv,
  COALESCER_PORT: env.port(8082).describe("HTTP port of the coalescer's /health and /metrics"),
  COALESCER_HOST: env.host().describe("Interface the /health and /metrics server binds (0.0.0.0 in containers)"),
  COALESCE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(900)
    .default(10)
    .describe("Events of one sync config within this window become one job (SQS delays at most 900 s)"),
  COALESCER_CONCURRENCY: env.int(10, 1).describe("Webhook messages handled at once"),
  SQS_WAIT_TIME_SECONDS: z.coerce.number().int().min(0).max(20).default(20).describe("Long-poll wait of one receive"),
  LOG_LEVEL: env.logLevel().describe("pino log level"),
});
export type CoalescerConfig = z.infer<typeof CoalescerEnv>;

export function loadCoalescerConfig(source: Record<string, string | undefined> = process.env): CoalescerConfig {
  return loadConfig(CoalescerEnv, source);
}
