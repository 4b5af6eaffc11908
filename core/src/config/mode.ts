import { z } from "zod";

/**
 * The one switch between a development stack and anything else. Unset means production: no
 * built-in secret, no local address, no development client id is ever in force.
 */
export const modeEnv = {
  SYNCWELL_MODE: z
    .enum(["production", "development"])
    .default("production")
    .describe(
      "development = the README's published development values apply to unset variables (npm start, compose, tests); production (unset) = every secret must be given",
    ),
};

/** How a variable behaves in each mode (see {@link developmentRules}). */
export interface DevelopmentRule {
  /** Applied when the variable is unset in development mode. */
  developmentValue?: string;
  /** Outside development mode: must be given, may be left unset, or must not be set at all. */
  production: "required" | "optional" | "forbidden";
  /** A secret: outside development mode its published development value is refused too. */
  secret?: boolean;
  /** Why the variable is forbidden outside development mode (for the one-line error). */
  forbiddenBecause?: string;
}

/** The mode rules of env variables, keyed by the variable's schema. */
export const developmentRules = z.registry<DevelopmentRule>();

function withRule<T extends z.ZodType>(schema: T, rule: DevelopmentRule): T {
  developmentRules.add(schema as z.ZodType, rule);
  return schema;
}

/**
 * A secret: the published development value in development mode; outside it the variable is
 * required and the published value is refused. Call it last, after `.describe()`.
 */
export function secret<T extends z.ZodType>(schema: T, developmentValue: string): T {
  return withRule(schema, { developmentValue, production: "required", secret: true });
}

/** A local-stack default (a 127.0.0.1 URL, a development client id) that applies in development mode only. */
export function localDefault<T extends z.ZodType>(
  schema: T,
  developmentValue: string,
  production: "required" | "optional" = "required",
): T {
  return withRule(schema, { developmentValue, production });
}

/** No default anywhere, required outside development mode (e.g. the token issuer in production). */
export function requiredInProduction<T extends z.ZodType>(schema: T): T {
  return withRule(schema, { production: "required" });
}

/** Read in development mode only (HS256 signing secrets); setting it elsewhere is a configuration error. */
export function developmentOnly<T extends z.ZodType>(schema: T, developmentValue: string, forbiddenBecause: string): T {
  return withRule(schema, { developmentValue, production: "forbidden", secret: true, forbiddenBecause });
}

/** One problem found by {@link applyMode}, as one line's worth of text. */
export interface ModeProblem {
  variables: string[];
  reason: string;
}

/**
 * Fills development values into `picked` (development mode) or lists what production lacks or must
 * not have. Mutates `picked`; returns the first problem, naming every variable it concerns.
 */
export function applyMode(
  shape: Record<string, unknown>,
  picked: Record<string, string | undefined>,
  mode: string,
): ModeProblem | undefined {
  const development = mode === "development";
  const missing: string[] = [];
  const published: string[] = [];
  const forbidden: { name: string; because: string }[] = [];
  for (const [name, field] of Object.entries(shape)) {
    const rule = developmentRules.get(field as z.ZodType);
    if (!rule) continue;
    const value = picked[name];
    if (development) {
      if (value === undefined && rule.developmentValue !== undefined) picked[name] = rule.developmentValue;
      continue;
    }
    if (rule.production === "forbidden") {
      if (value !== undefined) forbidden.push({ name, because: rule.forbiddenBecause ?? "is read in development mode only" });
    } else if (value === undefined) {
      if (rule.production === "required") missing.push(name);
    } else if (rule.secret && value === rule.developmentValue) published.push(name);
  }
  if (missing.length > 0)
    return {
      variables: missing,
      reason: `${missing.length === 1 ? "is" : "are"} required (development defaults apply only with SYNCWELL_MODE=development)`,
    };
  if (published.length > 0)
    return {
      variables: published,
      reason: `${published.length === 1 ? "is the" : "are the"} README's published development value: set a secret of your own`,
    };
  const [first] = forbidden;
  if (first) return { variables: [first.name], reason: first.because };
  return undefined;
}
