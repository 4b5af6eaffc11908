import {
  awsEnv,
  DEVELOPMENT_PARTNER_SECRETS,
  deviceUploadEnv,
  env,
  issuerNeedsAudience,
  loadConfig,
  localDefault,
  modeEnv,
  partnerEnv,
  secret,
  storageEnv,
  userAuthEnv,
} from "@syncwell/core";
import { z } from "zod";

/** The gateway's whole configuration (the only place that reads `process.env`). */
export const GatewayEnv = z
  .object({
    ...modeEnv,
    ...awsEnv,
    ...storageEnv,
    ...partnerEnv,
    ...deviceUploadEnv,
    GATEWAY_PORT: env.port(8080).describe("HTTP port of the gateway"),
    GATEWAY_HOST: env.host().describe("Interface to bind (0.0.0.0 in containers)"),
    GATEWAY_PUBLIC_URL: localDefault(
      z
        .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
        .describe(
          "SyncWell's public URL as partners reach it: the callbacks it subscribes a user to on connect (Withings) are <GATEWAY_PUBLIC_URL>/webhooks/<provider>; https outside development mode (the stack sets its API Gateway stage URL)",
        ),
      "http://127.0.0.1:8080",
    ),
    ...userAuthEnv,
    IDEMPOTENCY_TTL_SECONDS: env.int(86400, 300).describe("How long an Idempotency-Key is remembered"),
    GATEWAY_RATE_LIMIT_PER_MINUTE: env.int(120, 1).describe("Requests per user per minute"),
    STRAVA_VERIFY_TOKEN: secret(
      z.string().describe("verify_token of our Strava push subscription"),
      DEVELOPMENT_PARTNER_SECRETS.STRAVA_VERIFY_TOKEN,
    ),
    STRAVA_SUBSCRIPTION_ID: z.coerce
      .number()
      .int()
      .min(1)
      .default(1)
      .describe("Our Strava push subscription id; events for any other are refused"),
    OURA_VERIFICATION_TOKEN: secret(
      z.string().describe("verification_token of our Oura webhook subscription"),
      DEVELOPMENT_PARTNER_SECRETS.OURA_VERIFICATION_TOKEN,
    ),
    WEBHOOK_MAX_AGE_SECONDS: env.int(300, 1).describe("Signed webhooks with an older (or future) timestamp are refused"),
    WEBHOOK_EVENTS_PER_ACCOUNT_PER_MINUTE: env
      .int(120, 1)
      .describe("Webhook events one partner account may deliver per minute (token bucket in Redis); more answer 429 with Retry-After"),
    POLL_INITIAL_INTERVAL_SECONDS: env.int(900, 1).describe("Poll interval given to a new config whose source is polled"),
    LOG_LEVEL: env.logLevel().describe("pino log level"),
  })
  .superRefine(issuerNeedsAudience("AUTH_ISSUER", "AUTH_AUDIENCE"))
  .superRefine((c, ctx) => {
    // Partners call https callbacks only (Withings refuses others outside its test mode).
    if (c.SYNCWELL_MODE !== "development" && !c.GATEWAY_PUBLIC_URL.startsWith("https://"))
      ctx.addIssue({ code: "custom", path: ["GATEWAY_PUBLIC_URL"], message: "must be an https URL outside development mode" });
  });
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(GatewayEnv, source);
}
