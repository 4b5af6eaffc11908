import { awsEnv, DEV_JWT_SECRET, env, loadConfig, partnerEnv, storageEnv } from "@syncwell/core";
import { z } from "zod";

/** The gateway's whole configuration (the only place that reads `process.env`). */
export const GatewayEnv = z.object({
  ...awsEnv,
  ...storageEnv,
  ...partnerEnv,
  GATEWAY_PORT: env.port(8080).describe("HTTP port of the gateway"),
  GATEWAY_HOST: z.string().default("127.0.0.1").describe("Interface to bind (0.0.0.0 in containers)"),
  GATEWAY_JWT_SECRET: z
    .string()
    .min(16, "must be at least 16 characters")
    .default(DEV_JWT_SECRET)
    .describe("HS256 secret of the bearer JWTs (dev default; production: the IdP's)"),
  IDEMPOTENCY_TTL_SECONDS: env.int(86400, 300).describe("How long an Idempotency-Key is remembered"),
  GATEWAY_RATE_LIMIT_PER_MINUTE: env.int(120, 1).describe("Requests per user per minute"),
  STRAVA_VERIFY_TOKEN: z.string().default("dev-strava-verify-token").describe("verify_token of our Strava push subscription"),
  STRAVA_SUBSCRIPTION_ID: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .describe("Our Strava push subscription id; events for any other are refused"),
  OURA_VERIFICATION_TOKEN: z
    .string()
    .default("dev-oura-verification-token")
    .describe("verification_token of our Oura webhook subscription"),
  WEBHOOK_MAX_AGE_SECONDS: env.int(300, 1).describe("Signed webhooks with an older (or future) timestamp are refused"),
  POLL_INITIAL_INTERVAL_SECONDS: env.int(900, 1).describe("Poll interval given to a new config whose source is polled"),
  LOG_LEVEL: env.logLevel().describe("pino log level"),
});
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(GatewayEnv, source);
}
