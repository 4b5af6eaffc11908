import { type Logger, pino } from "pino";

export type { Logger };

/** Paths never logged: tokens, secrets and health data. */
const REDACT = [
  "*.accessToken",
  "*.refreshToken",
  "*.access_token",
  "*.refresh_token",
  "*.authorization",
  "*.Authorization",
  "*.clientSecret",
  "*.client_secret",
  "*.samples",
  "headers.authorization",
  "req.headers.authorization",
];

/** Structured JSON logger; `service` is added to every line. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({ name: service, level, redact: { paths: REDACT, censor: "[redacted]" }, base: { service } });
}
