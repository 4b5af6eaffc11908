import {
  awsEnv,
  developmentOnly,
  env,
  issuerNeedsAudience,
  loadConfig,
  modeEnv,
  requiredInProduction,
  signJwt,
  storageEnv,
  type TokenAuthOptions,
  userAuthEnv,
  userAuthOptions,
} from "@syncwell/core";
import { z } from "zod";

/** The published development secret of support agents' tokens (compose, SYNCWELL_MODE=development). */
export const DEV_SUPPORT_JWT_SECRET = "dev-only-syncwell-support-secret";

const SUPPORT_JWT_SECRET = developmentOnly(
  z
    .string()
    .min(16, "must be at least 16 characters")
    .optional()
    .describe("Development mode only: HS256 secret of support agents' tokens (sub = the agent, recorded in the audit log)"),
  DEV_SUPPORT_JWT_SECRET,
  "is read in development mode only: production verifies agents' RS256 tokens from SUPPORT_AUTH_ISSUER (unset it)",
);

/** The support service's whole configuration (the only place that reads `process.env`). */
export const SupportEnv = z
  .object({
    ...modeEnv,
    ...awsEnv,
    ...storageEnv,
    SUPPORT_PORT: env.port(8084).describe("HTTP port of the support API (also /health and /metrics)"),
    SUPPORT_HOST: env.host().describe("Interface to bind (0.0.0.0 in containers)"),
    DATABASE_URL: env.url().describe("PostgreSQL URL holding tickets, the audit log, the knowledge base and conversations"),
    SUPPORT_DB_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, "must be a lower-case SQL identifier")
      .default("support")
      .describe("PostgreSQL schema of the support data"),
    SUPPORT_AUTH_ISSUER: requiredInProduction(
      env
        .url()
        .optional()
        .describe(
          "Issuer of support agents' RS256 tokens (a Cognito user pool), verified through its JWKS; unset in development mode = HS256 with SUPPORT_JWT_SECRET",
        ),
    ),
    SUPPORT_AUTH_AUDIENCE: requiredInProduction(
      z
        .string()
        .regex(/^[\w-]{1,128}$/, "must be an app client id")
        .optional()
        .describe("The agents' app client id: the aud of ID tokens, the client_id of access tokens"),
    ),
    SUPPORT_AUTH_JWKS_URL: env
      .url()
      .optional()
      .describe("JWKS of SUPPORT_AUTH_ISSUER; default <SUPPORT_AUTH_ISSUER>/.well-known/jwks.json"),
    SUPPORT_AUTH_GROUP: z
      .string()
      .regex(/^[\w.-]{1,128}$/, "must be a Cognito group name")
      .optional()
      .describe("A Cognito group agents must be in (cognito:groups), when agents and users share a pool"),
    SUPPORT_JWT_SECRET,
    // The troubleshooter is called by the app as the user, with the gateway's user tokens.
    ...userAuthEnv,
    DLQ_WATCH_INTERVAL_SECONDS: env.int(30, 1).describe("How often the DLQ is scanned for new dead-lettered jobs"),
    TROUBLESHOOTER_LLM: z
      .enum(["ollama", "scripted"])
      .default("ollama")
      .describe("The troubleshooter's chat model: Ollama, or the deterministic scripted model of the tests"),
    OLLAMA_BASE_URL: env.url().default("http://127.0.0.1:11434").describe("Ollama server of the troubleshooter"),
    OLLAMA_MODEL: z.string().default("llama3.2:3b").describe("Ollama model of the troubleshooter (pull it first)"),
    LOG_LEVEL: env.logLevel().describe("pino log level"),
  })
  .superRefine(issuerNeedsAudience("SUPPORT_AUTH_ISSUER", "SUPPORT_AUTH_AUDIENCE"))
  .superRefine(issuerNeedsAudience("AUTH_ISSUER", "AUTH_AUDIENCE"));
export type SupportConfig = z.infer<typeof SupportEnv>;

export function loadSupportConfig(source: Record<string, string | undefined> = process.env): SupportConfig {
  return loadConfig(SupportEnv, source);
}

/** How support agents' tokens are verified (the same verifier port as users'). */
export function agentAuthOptions(c: SupportConfig): TokenAuthOptions {
  return {
    issuer: c.SUPPORT_AUTH_ISSUER,
    audience: c.SUPPORT_AUTH_AUDIENCE,
    jwksUrl: c.SUPPORT_AUTH_JWKS_URL,
    requiredGroup: c.SUPPORT_AUTH_GROUP,
    hs256Secret: c.SUPPORT_JWT_SECRET,
  };
}

export { userAuthOptions };

/** The support CLI's configuration: where the service is and who the agent is. */
export const SupportCliEnv = z.object({
  ...modeEnv,
  SUPPORT_URL: env.url().default("http://127.0.0.1:8084").describe("The support service the CLI talks to"),
  SUPPORT_AGENT: z
    .string()
    .regex(/^[A-Za-z0-9_.@:-]{1,128}$/, "must be a plain name")
    .default("support-agent")
    .describe("Who is acting: recorded in the audit log (the token's subject)"),
  SUPPORT_TOKEN: requiredInProduction(
    z
      .string()
      .optional()
      .describe(
        "The agent's token (npm start prints one); in development mode the CLI signs one for SUPPORT_AGENT with SUPPORT_JWT_SECRET",
      ),
  ),
  SUPPORT_JWT_SECRET,
});
export type SupportCliConfig = z.infer<typeof SupportCliEnv>;

export function loadSupportCliConfig(source: Record<string, string | undefined> = process.env): SupportCliConfig {
  return loadConfig(SupportCliEnv, { SUPPORT_AGENT: source.USER, ...source });
}

/** The CLI's bearer token: the one given, or (development mode) one it signs for an hour. */
export function supportCliToken(c: SupportCliConfig): string {
  if (c.SUPPORT_TOKEN) return c.SUPPORT_TOKEN;
  return signJwt(c.SUPPORT_JWT_SECRET ?? DEV_SUPPORT_JWT_SECRET, c.SUPPORT_AGENT, 3600);
}
