import { DEVELOPMENT_PARTNER_SECRETS as dev, env, loadConfig, localDefault, modeEnv, secret } from "@syncwell/core";
import { z } from "zod";
import type { PartnerOptions } from "./providers/types.ts";

/** providers-mock's whole configuration (the only place that reads `process.env`). */
export const ProvidersMockEnv = z.object({
  ...modeEnv,
  PROVIDERS_MOCK_PORT: env.port(9090).describe("HTTP port of the mock partner APIs"),
  PROVIDERS_MOCK_HOST: env.host().describe("Interface to bind (0.0.0.0 in containers)"),
  PROVIDERS_MOCK_PUBLIC_URL: env
    .url()
    .optional()
    .describe("Base URL the partners hand out in links (Garmin callbackURL, Polar URLs); default http://127.0.0.1:<port>"),
  DATABASE_URL: env.url().describe("PostgreSQL URL holding the partners' data"),
  PROVIDERS_MOCK_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "must be a lower-case SQL identifier")
    .default("providers_mock")
    .describe("PostgreSQL schema of the partners' data"),
  WEBHOOK_BASE_URL: env
    .url()
    .optional()
    .describe(
      "Where partners with an app-wide subscription (Strava, Garmin, Oura) deliver webhooks: <base>/<provider> (the gateway's /webhooks); unset = none. Withings notifies only the callbacks each user was subscribed to",
    ),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Overrides every partner's access-token lifetime (Strava 6 h, Garmin/Oura 24 h, Withings 3 h, Polar 1 y)"),
  STRAVA_CLIENT_ID: localDefault(z.string().describe("OAuth client id registered at the Strava mock"), "syncwell-strava"),
  STRAVA_CLIENT_SECRET: secret(z.string().describe("OAuth client secret at the Strava mock"), dev.STRAVA_CLIENT_SECRET),
  STRAVA_VERIFY_TOKEN: secret(z.string().describe("verify_token of the Strava push subscription"), dev.STRAVA_VERIFY_TOKEN),
  STRAVA_SUBSCRIPTION_ID: z.coerce.number().int().min(1).default(1).describe("subscription_id Strava puts in every event"),
  STRAVA_UPLOAD_PROCESSING_MS: env.int(2000).describe("How long a Strava upload stays 'being processed' before it is listable"),
  STRAVA_RATE_LIMIT_15MIN: env.int(200).describe("Strava overall requests per 15 minutes"),
  STRAVA_RATE_LIMIT_DAILY: env.int(2000).describe("Strava overall requests per day (UTC)"),
  STRAVA_READ_RATE_LIMIT_15MIN: env.int(100).describe("Strava non-upload requests per 15 minutes"),
  STRAVA_READ_RATE_LIMIT_DAILY: env.int(1000).describe("Strava non-upload requests per day (UTC)"),
  GARMIN_CLIENT_ID: localDefault(z.string().describe("Garmin consumer key (also the garmin-client-id ping header)"), "syncwell-garmin"),
  GARMIN_CLIENT_SECRET: secret(z.string().describe("Garmin consumer secret"), dev.GARMIN_CLIENT_SECRET),
  GARMIN_RATE_LIMIT_PER_MINUTE: env.int(600).describe("Garmin requests per minute"),
  POLAR_CLIENT_ID: localDefault(z.string().describe("Polar AccessLink client id"), "syncwell-polar"),
  POLAR_CLIENT_SECRET: secret(z.string().describe("Polar AccessLink client secret"), dev.POLAR_CLIENT_SECRET),
  POLAR_RATE_LIMIT_15MIN: env.int(500).describe("Polar requests per 15 minutes"),
  POLAR_RATE_LIMIT_DAILY: env.int(5000).describe("Polar requests per day"),
  OURA_CLIENT_ID: localDefault(z.string().describe("Oura client id"), "syncwell-oura"),
  OURA_CLIENT_SECRET: secret(z.string().describe("Oura client secret (also the webhook signing key)"), dev.OURA_CLIENT_SECRET),
  OURA_RATE_LIMIT_5MIN: env.int(5000).describe("Oura requests per 5 minutes"),
  WITHINGS_CLIENT_ID: localDefault(z.string().describe("Withings client id"), "syncwell-withings"),
  WITHINGS_CLIENT_SECRET: secret(
    z.string().describe("Withings client secret (also the key of its signed calls)"),
    dev.WITHINGS_CLIENT_SECRET,
  ),
  WITHINGS_RATE_LIMIT_PER_MINUTE: env.int(120).describe("Withings requests per minute (per application; over it, status 601)"),
  LOG_LEVEL: env.logLevel().describe("pino log level"),
});
export type ProvidersMockConfig = z.infer<typeof ProvidersMockEnv>;

export function loadProvidersMockConfig(source: Record<string, string | undefined> = process.env): ProvidersMockConfig {
  return loadConfig(ProvidersMockEnv, source);
}

export function partnerOptions(c: ProvidersMockConfig, port: number): PartnerOptions {
  return {
    publicUrl: (c.PROVIDERS_MOCK_PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, ""),
    webhookBaseUrl: c.WEBHOOK_BASE_URL?.replace(/\/$/, ""),
    accessTokenTtlSeconds: c.ACCESS_TOKEN_TTL_SECONDS,
    clients: {
      strava: { clientId: c.STRAVA_CLIENT_ID, clientSecret: c.STRAVA_CLIENT_SECRET },
      garmin: { clientId: c.GARMIN_CLIENT_ID, clientSecret: c.GARMIN_CLIENT_SECRET },
      polar: { clientId: c.POLAR_CLIENT_ID, clientSecret: c.POLAR_CLIENT_SECRET },
      oura: { clientId: c.OURA_CLIENT_ID, clientSecret: c.OURA_CLIENT_SECRET },
      withings: { clientId: c.WITHINGS_CLIENT_ID, clientSecret: c.WITHINGS_CLIENT_SECRET },
    },
    strava: {
      verifyToken: c.STRAVA_VERIFY_TOKEN,
      subscriptionId: c.STRAVA_SUBSCRIPTION_ID,
      uploadProcessingMs: c.STRAVA_UPLOAD_PROCESSING_MS,
      limits: {
        "overall:15min": c.STRAVA_RATE_LIMIT_15MIN,
        "overall:daily": c.STRAVA_RATE_LIMIT_DAILY,
        "read:15min": c.STRAVA_READ_RATE_LIMIT_15MIN,
        "read:daily": c.STRAVA_READ_RATE_LIMIT_DAILY,
      },
    },
    garmin: { limits: { "app:minute": c.GARMIN_RATE_LIMIT_PER_MINUTE } },
    polar: { limits: { "app:15min": c.POLAR_RATE_LIMIT_15MIN, "app:daily": c.POLAR_RATE_LIMIT_DAILY } },
    oura: { limits: { "app:5min": c.OURA_RATE_LIMIT_5MIN } },
    withings: { limits: { "app:minute": c.WITHINGS_RATE_LIMIT_PER_MINUTE } },
  };
}
