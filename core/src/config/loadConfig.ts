import { z } from "zod";
import { ConfigError } from "../errors/ConfigError.ts";
import { applyMode } from "./mode.ts";

/** Environment-variable shaped input: every value is a string or absent. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses `env` against a zod object schema whose keys are environment variable names.
 * Throws a {@link ConfigError} naming the first bad variable; values are never echoed,
 * because some of them are secrets.
 *
 * A schema with `SYNCWELL_MODE` follows the mode rules of `mode.ts`: development values fill unset
 * variables in development mode only; elsewhere every required secret missing is named in one line.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    picked[key] = value === "" ? undefined : value;
  }
  const modeField = schema.shape.SYNCWELL_MODE as z.ZodType<string> | undefined;
  let mode = "production";
  if (modeField) {
    const parsed = modeField.safeParse(picked.SYNCWELL_MODE);
    if (!parsed.success) throw new ConfigError("SYNCWELL_MODE", "must be development or production");
    mode = parsed.data;
  }
  const problem = applyMode(schema.shape, picked, mode);
  if (problem) throw new ConfigError(problem.variables.join(", "), problem.reason);
  const result = schema.safeParse(picked);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? "environment");
  const reason = issue?.code === "invalid_type" && picked[variable] === undefined ? "is required" : (issue?.message ?? "is invalid");
  throw new ConfigError(variable, reason);
}

/** Runs `fn` and turns a {@link ConfigError} into one clear line on stderr and exit code 78 (EX_CONFIG). */
export function configOrExit<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

/** Helpers for the common variable shapes. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: "must be a port number (0-65535)" })
      .int("must be a port number (0-65535)")
      .min(0, "must be a port (0-65535)")
      .max(65535, "must be a port (0-65535)")
      .default(fallback),
  int: (fallback: number, min = 0) =>
    z.coerce.number({ error: "must be an integer" }).int("must be an integer").min(min, `must be at least ${min}`).default(fallback),
  url: () => z.url("must be a URL"),
  bool: (fallback: boolean) =>
    z
      .enum(["true", "false", "1", "0"], { message: "must be true or false" })
      .default(fallback ? "true" : "false")
      .transform((v) => v === "true" || v === "1"),
  /** The interface a server binds: loopback unless configured otherwise (0.0.0.0 in containers). */
  host: () =>
    z
      .string()
      .regex(/^[A-Za-z0-9.:-]{1,253}$/, "must be an IP address or a host name")
      .default("127.0.0.1"),
  logLevel: () => z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};
