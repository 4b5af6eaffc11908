import { awsEnv, DEV_JWT_SECRET, env, loadConfig, storageEnv } from "@syncwell/core";
import { z } from "zod";

/** The development secret of support agents' tokens; production: from Secrets Manager. */
export const DEV_SUPPORT_JWT_SECRET = "dev-only-syncwell-support-secret";

/** The support service's whole configuration (the only place that reads `process.env`). */
export const SupportEnv = z.object({
  ...awsEnv,
  ...storageEnv,
  SUPPORT_PORT: env.port(8084).describe("HTTP port of the support API (also /health and /metrics)"),
  SUPPORT_HOST: z.string().default("127.0.0.1").describe("Interface to bind (0.0.0.0 in containers)"),
  DATABASE_URL: env.url().describe("PostgreSQL URL holding tickets, the audit log, the knowledge base and conversations"),
  SUPPORT_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "must be a lower-case SQL identifier")
    .default("support")
    .describe("PostgreSQL schema of the support data"),
  SUPPORT_JWT_SECRET: z
    .string()
    .min(16, "must be at least 16 characters")
    .default(DEV_SUPPORT_JWT_SECRET)
    .describe("HS256 secret of support agents' tokens (sub = the agent, recorded in the audit log)"),
  GATEWAY_JWT_SECRET: z
    .string()
    .min(16, "must be at least 16 characters")
    .default(DEV_JWT_SECRET)
    .describe("HS256 secret of users' tokens (the troubleshooter is called by the app as the user)"),
  DLQ_WATCH_INTERVAL_SECONDS: env.int(30, 1).describe("How often the DLQ is scanned for new dead-lettered jobs"),
  TROUBLESHOOTER_LLM: z
    .enum(["ollama", "scripted"])
    .default("ollama")
    .describe("The troubleshooter's chat model: Ollama, or the deterministic scripted model of the tests"),
  OLLAMA_BASE_URL: env.url().default("http://127.0.0.1:11434").describe("Ollama server of the troubleshooter"),
  OLLAMA_MODEL: z.string().default("llama3.2:3b").describe("Ollama model of the troubleshooter (pull it first)"),
  LOG_LEVEL: env.logLevel().describe("pino log level"),
});
export type SupportConfig = z.infer<typeof SupportEnv>;

export function loadSupportConfig(source: Record<string, string | undefined> = process.env): SupportConfig {
  return loadConfig(SupportEnv, source);
}

/** The support CLI's configuration: where the service is and who the agent is. */
export const SupportCliEnv = z.object({
  SUPPORT_URL: env.url().default("http://127.0.0.1:8084").describe("The support service the CLI talks to"),
  SUPPORT_AGENT: z
    .string()
    .regex(/^[A-Za-z0-9_.@:-]{1,128}$/, "must be a plain name")
    .default("support-agent")
    .describe("Who is acting: recorded in the audit log (the token's subject)"),
  SUPPORT_TOKEN: z.string().optional().describe("A support token; without it the CLI signs one for SUPPORT_AGENT with SUPPORT_JWT_SECRET"),
  SUPPORT_JWT_SECRET: SupportEnv.shape.SUPPORT_JWT_SECRET,
});
export type SupportCliConfig = z.infer<typeof SupportCliEnv>;

export function loadSupportCliConfig(source: Record<string, string | undefined> = process.env): SupportCliConfig {
  return loadConfig(SupportCliEnv, { SUPPORT_AGENT: source.USER, ...source });
}
