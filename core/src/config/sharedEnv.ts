import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { z } from "zod";
import type { PlatformQueues } from "../aws/bootstrap.ts";
import type { AwsOptions } from "../aws/clients.ts";
import { type ResourceNames, resourceNames } from "../aws/resources.ts";
import { PROVIDERS, type Provider } from "../contracts/providers.ts";
import { DEV_TOKEN_ENCRYPTION_KEY } from "../crypto/tokenCipher.ts";
import type { AdapterOptions } from "../partners/adapterSupport.ts";
import { env } from "./loadConfig.ts";
import { localDefault, secret } from "./mode.ts";

/** AWS variables every service reads. */
export const awsEnv = {
  AWS_REGION: z.string().default("us-east-1").describe("AWS region"),
  AWS_ENDPOINT_URL: env.url().optional().describe("Endpoint for every AWS service (LocalStack, emulators); unset on real AWS"),
  AWS_ENDPOINT_URL_SQS: env.url().optional().describe("SQS endpoint (overrides AWS_ENDPOINT_URL)"),
  AWS_ENDPOINT_URL_DYNAMODB: env.url().optional().describe("DynamoDB endpoint (overrides AWS_ENDPOINT_URL)"),
  SYNCWELL_RESOURCE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, "may hold letters, digits, _ and - only")
    .default("")
    .describe("Prefix of queue and table names"),
};

export function awsOptions(c: {
  AWS_REGION: string;
  AWS_ENDPOINT_URL?: string | undefined;
  AWS_ENDPOINT_URL_SQS?: string | undefined;
  AWS_ENDPOINT_URL_DYNAMODB?: string | undefined;
}): AwsOptions {
  return {
    region: c.AWS_REGION,
    sqsEndpoint: c.AWS_ENDPOINT_URL_SQS ?? c.AWS_ENDPOINT_URL,
    dynamoDbEndpoint: c.AWS_ENDPOINT_URL_DYNAMODB ?? c.AWS_ENDPOINT_URL,
  };
}

export function names(c: { SYNCWELL_RESOURCE_PREFIX: string }): ResourceNames {
  return resourceNames(c.SYNCWELL_RESOURCE_PREFIX);
}

/** Looks up the queue URLs of existing queues (created by the bootstrap or the stack). */
export async function queueUrls(sqs: SQSClient, n: ResourceNames): Promise<PlatformQueues> {
  const url = async (QueueName: string) => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName }));
    if (!QueueUrl) throw new Error(`queue ${QueueName} not found`);
    return QueueUrl;
  };
  const [hotPathQueueUrl, hotPathDlqUrl, webhookQueueUrl, webhookDlqUrl] = await Promise.all([
    url(n.hotPathQueue),
    url(n.hotPathDlq),
    url(n.webhookQueue),
    url(n.webhookDlq),
  ]);
  return { hotPathQueueUrl, hotPathDlqUrl, webhookQueueUrl, webhookDlqUrl };
}

/**
 * The partners' published development secrets (README, compose): what the partner mocks and the
 * services share in development mode, and what the features sign with when they act as a partner.
 */
export const DEVELOPMENT_PARTNER_SECRETS = {
  STRAVA_CLIENT_SECRET: "dev-strava-secret",
  GARMIN_CLIENT_SECRET: "dev-garmin-secret",
  POLAR_CLIENT_SECRET: "dev-polar-secret",
  OURA_CLIENT_SECRET: "dev-oura-secret",
  WITHINGS_CLIENT_SECRET: "dev-withings-secret",
  STRAVA_VERIFY_TOKEN: "dev-strava-verify-token",
  OURA_VERIFICATION_TOKEN: "dev-oura-verification-token",
} as const;
const dev = DEVELOPMENT_PARTNER_SECRETS;

/** Partner API locations and OAuth clients, read by every service that calls partners. */
export const partnerEnv = {
  PARTNER_API_BASE_URL: localDefault(
    env.url().describe("Root of the partner APIs: <root>/<provider> (providers-mock locally)"),
    "http://127.0.0.1:9090",
  ),
  STRAVA_CLIENT_ID: localDefault(z.string().describe("Strava OAuth client id"), "syncwell-strava"),
  STRAVA_CLIENT_SECRET: secret(z.string().describe("Strava OAuth client secret"), dev.STRAVA_CLIENT_SECRET),
  GARMIN_CLIENT_ID: localDefault(z.string().describe("Garmin consumer key"), "syncwell-garmin"),
  GARMIN_CLIENT_SECRET: secret(z.string().describe("Garmin consumer secret"), dev.GARMIN_CLIENT_SECRET),
  POLAR_CLIENT_ID: localDefault(z.string().describe("Polar AccessLink client id"), "syncwell-polar"),
  POLAR_CLIENT_SECRET: secret(z.string().describe("Polar AccessLink client secret"), dev.POLAR_CLIENT_SECRET),
  OURA_CLIENT_ID: localDefault(z.string().describe("Oura client id"), "syncwell-oura"),
  OURA_CLIENT_SECRET: secret(z.string().describe("Oura client secret (also the key of Oura's webhook signatures)"), dev.OURA_CLIENT_SECRET),
  WITHINGS_CLIENT_ID: localDefault(z.string().describe("Withings client id"), "syncwell-withings"),
  WITHINGS_CLIENT_SECRET: secret(
    z.string().describe("Withings client secret (also the key of Withings' signed calls)"),
    dev.WITHINGS_CLIENT_SECRET,
  ),
  PARTNER_TIMEOUT_MS: env.int(10_000, 100).describe("Timeout of one partner call"),
};

type PartnerConfig = { [K in keyof typeof partnerEnv]: z.infer<(typeof partnerEnv)[K]> };

export function partnerAdapterOptions(c: PartnerConfig): Record<Provider, Omit<AdapterOptions, "observe" | "now">> {
  const root = c.PARTNER_API_BASE_URL.replace(/\/$/, "");
  const client = (p: Provider) => {
    const upper = p.toUpperCase() as "STRAVA" | "GARMIN" | "POLAR" | "OURA" | "WITHINGS";
    return { clientId: c[`${upper}_CLIENT_ID`], clientSecret: c[`${upper}_CLIENT_SECRET`] };
  };
  return Object.fromEntries(
    PROVIDERS.map((p) => [p, { baseUrl: `${root}/${p}`, timeoutMs: c.PARTNER_TIMEOUT_MS, ...client(p) }]),
  ) as Record<Provider, Omit<AdapterOptions, "observe" | "now">>;
}

/** Storage and secrets shared by gateway and worker. */
export const storageEnv = {
  REDIS_URL: localDefault(env.url().describe("Redis URL"), "redis://127.0.0.1:6379"),
  REDIS_KEY_PREFIX: z.string().default("").describe("Prefix of every Redis key (isolates test runs)"),
  TOKEN_ENCRYPTION_KEY: secret(
    z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 random bytes, base64-encoded (openssl rand -base64 32)")
      .describe("Base64 AES-256 key encrypting OAuth tokens at rest (production: from Secrets Manager)"),
    DEV_TOKEN_ENCRYPTION_KEY,
  ),
};
