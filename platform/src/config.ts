import { randomBytes } from "node:crypto";
import { awsEnv, DEV_JWT_SECRET, DEVELOPMENT_PARTNER_SECRETS, deviceUploadEnv, env, loadConfig, resourceNames } from "@syncwell/core";
import { z } from "zod";
import { freePort } from "./ports.ts";

const freshSecret = () => randomBytes(24).toString("base64url");
/** Partner secrets (client secrets, webhook verification tokens): the partner mocks and the services share them. */
const RUN_SECRETS = Object.keys(DEVELOPMENT_PARTNER_SECRETS) as (keyof typeof DEVELOPMENT_PARTNER_SECRETS)[];
const partnerSecretsOrFresh = () =>
  Object.fromEntries(
    RUN_SECRETS.map((name) => [
      name,
      z.string().min(1).optional().describe("A partner secret providers-mock and the services share; unset = fresh per run"),
    ]),
  ) as Record<(typeof RUN_SECRETS)[number], z.ZodOptional<z.ZodString>>;
const secretOrFresh = (description: string) =>
  z.string().min(16, "must be at least 16 characters").optional().describe(`${description}; unset = a fresh random secret per run`);

/** Configuration of `npm start` (the only place in the launcher that reads `process.env`). */
export const PlatformEnv = z.object({
  GATEWAY_PORT: env.port(8080).describe("HTTP port of the gateway"),
  PROVIDERS_MOCK_PORT: env.port(9090).describe("HTTP port of the mock partner APIs"),
  WORKER_PORT: env.port(8081).describe("HTTP port of the worker's /health and /metrics"),
  COALESCER_PORT: env.port(8082).describe("HTTP port of the coalescer's /health and /metrics"),
  POLLER_PORT: env.port(8083).describe("HTTP port of the poller's /health and /metrics"),
  SUPPORT_PORT: env.port(8084).describe("HTTP port of the support API and the troubleshooter"),
  BIND_HOST: z
    .enum(["127.0.0.1", "0.0.0.0"], { message: "must be 127.0.0.1 or 0.0.0.0" })
    .default("127.0.0.1")
    .describe("Interface every server npm start runs binds: the emulators and each service (0.0.0.0 opens them to the network)"),
  GATEWAY_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .optional()
    .describe(
      "The gateway's URL as the partners reach it (a tunnel to it, say): Withings is told on connect to call <url>/webhooks/withings; unset = http://127.0.0.1:<GATEWAY_PORT>",
    ),
  GATEWAY_JWT_SECRET: secretOrFresh("HS256 secret of users' tokens (npm start signs the demo token with it)"),
  SUPPORT_JWT_SECRET: secretOrFresh("HS256 secret of support agents' tokens (npm start signs the support token with it)"),
  ...partnerSecretsOrFresh(),
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 random bytes, base64-encoded (openssl rand -base64 32)")
    .optional()
    .describe("Base64 AES-256 key of OAuth tokens at rest; unset = a fresh random key per run"),
  AWS_REGION: z.string().default("us-east-1").describe("AWS region (any value works on the emulators)"),
  AWS_ENDPOINT_URL: env.url().optional().describe("Endpoint for every AWS service (LocalStack); unset = embedded emulators"),
  AWS_ENDPOINT_URL_SQS: env.url().optional().describe("SQS endpoint; unset = AWS_ENDPOINT_URL or the embedded fauxqs"),
  AWS_ENDPOINT_URL_DYNAMODB: env.url().optional().describe("DynamoDB endpoint; unset = AWS_ENDPOINT_URL or the embedded dynalite"),
  REDIS_URL: env.url().optional().describe("Redis URL; unset = start redis-server from PATH"),
  DATABASE_URL: env.url().optional().describe("PostgreSQL URL; unset = start a throw-away server with initdb/postgres from PATH"),
  SYNCWELL_RESOURCE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, "may hold letters, digits, _ and - only")
    .default("")
    .describe("Prefix for queue and table names (isolates test runs)"),
  LOG_LEVEL: env.logLevel().describe("pino log level of every service"),
});

export type PlatformConfig = z.infer<typeof PlatformEnv> & {
  GATEWAY_JWT_SECRET: string;
  SUPPORT_JWT_SECRET: string;
  TOKEN_ENCRYPTION_KEY: string;
  /** This run's partner secrets (client secrets, webhook verification tokens). */
  runSecrets: Record<(typeof RUN_SECRETS)[number], string>;
};

/** `npm start`'s configuration; every secret not given is made afresh, so no run uses a published one. */
export function loadPlatformConfig(source: Record<string, string | undefined> = process.env): PlatformConfig {
  // The SDK warns that its 2027 releases need Node 22; that is known (README) and not news at every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const config = loadConfig(PlatformEnv, source);
  return {
    ...config,
    GATEWAY_JWT_SECRET: config.GATEWAY_JWT_SECRET ?? freshSecret(),
    SUPPORT_JWT_SECRET: config.SUPPORT_JWT_SECRET ?? freshSecret(),
    TOKEN_ENCRYPTION_KEY: config.TOKEN_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    runSecrets: Object.fromEntries(RUN_SECRETS.map((name) => [name, config[name] ?? freshSecret()])) as PlatformConfig["runSecrets"],
  };
}

/**
 * What every service `npm start` runs gets besides ports and endpoints: development mode (local
 * addresses, development client ids) with this run's own secrets, and the interface to bind.
 */
export function serviceSecurityEnv(config: PlatformConfig): Record<string, string> {
  return {
    SYNCWELL_MODE: "development",
    GATEWAY_JWT_SECRET: config.GATEWAY_JWT_SECRET,
    SUPPORT_JWT_SECRET: config.SUPPORT_JWT_SECRET,
    TOKEN_ENCRYPTION_KEY: config.TOKEN_ENCRYPTION_KEY,
    ...config.runSecrets,
    GATEWAY_HOST: config.BIND_HOST,
    PROVIDERS_MOCK_HOST: config.BIND_HOST,
    WORKER_HOST: config.BIND_HOST,
    COALESCER_HOST: config.BIND_HOST,
    POLLER_HOST: config.BIND_HOST,
    SUPPORT_HOST: config.BIND_HOST,
  };
}

/** The environment's configuration with some values fixed by the caller (free ports, a prefix) and some defaulted. */
export function platformConfigWith(overrides: Record<string, string>, defaults: Record<string, string> = {}): PlatformConfig {
  return loadPlatformConfig({ ...defaults, ...process.env, ...overrides });
}

/**
 * A configuration for a second platform beside any running one: every port free, its own
 * resource prefix, the partners' callbacks at its own gateway, other values from the environment
 * (or `defaults`).
 */
export async function isolatedPlatformConfig(resourcePrefix: string, defaults: Record<string, string> = {}): Promise<PlatformConfig> {
  const [g, p, w, c, q, s] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  return platformConfigWith(
    {
      GATEWAY_PORT: String(g),
      GATEWAY_PUBLIC_URL: `http://127.0.0.1:${g}`,
      PROVIDERS_MOCK_PORT: String(p),
      WORKER_PORT: String(w),
      COALESCER_PORT: String(c),
      POLLER_PORT: String(q),
      SUPPORT_PORT: String(s),
      SYNCWELL_RESOURCE_PREFIX: resourcePrefix,
    },
    { LOG_LEVEL: "error", ...defaults },
  );
}

/** `npm run demo`: a running platform to use instead of starting one. */
export const DemoEnv = z.object({
  SYNCWELL_GATEWAY_URL: env
    .url()
    .optional()
    .describe("Gateway of a running platform (with SYNCWELL_PROVIDERS_MOCK_URL); unset = start one"),
  SYNCWELL_PROVIDERS_MOCK_URL: env.url().optional().describe("providers-mock of that running platform"),
  GATEWAY_JWT_SECRET: z
    .string()
    .min(16)
    .default(DEV_JWT_SECRET)
    .describe("The running gateway's JWT secret (compose: the development one; npm start: the one you started it with)"),
});

export function loadDemoConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(DemoEnv, source);
}

/** The one-shot bootstrap of docker compose: where AWS is, the resource prefix and the device-upload bucket. */
export const BootstrapEnv = z.object({
  ...awsEnv,
  AWS_ENDPOINT_URL_S3: deviceUploadEnv.AWS_ENDPOINT_URL_S3,
  DEVICE_UPLOAD_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name")
    .default(resourceNames().deviceUploadBucket)
    .describe("The device-upload bucket to create (the services' DEVICE_UPLOAD_BUCKET)"),
});

export function loadBootstrapConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(BootstrapEnv, source);
}
