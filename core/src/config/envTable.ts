import type { z } from "zod";
import { developmentRules } from "./mode.ts";

/** One row of a service's configuration table, derived from its env schema. */
export interface EnvVarDoc {
  name: string;
  description: string;
  defaultValue: string | undefined;
  /** The value an unset variable gets in development mode only (SYNCWELL_MODE=development). */
  developmentValue?: string | undefined;
  /** What production mode asks of a variable with a development rule. */
  production?: "required" | "optional" | "forbidden" | undefined;
}

/** Lists the variables of an env schema with their `.describe()` text and default. */
export function describeEnv(schema: z.ZodObject): EnvVarDoc[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const f = field as z.ZodType;
    const parsed = f.safeParse(undefined);
    const defaultValue = parsed.success && parsed.data !== undefined ? String(parsed.data) : undefined;
    const rule = developmentRules.get(f);
    if (!rule) return { name, description: f.description ?? "", defaultValue };
    return { name, description: f.description ?? "", defaultValue, developmentValue: rule.developmentValue, production: rule.production };
  });
}

/** Renders env docs as a Markdown table (used to generate the README's configuration section). */
export function envMarkdownTable(rows: EnvVarDoc[]): string {
  const lines = ["| variable | default | meaning |", "| --- | --- | --- |"];
  for (const row of rows) lines.push(`| \`${row.name}\` | ${defaultCell(row)} | ${row.description} |`);
  return lines.join("\n");
}

const PRODUCTION_NOTE = { required: "required", optional: "unset", forbidden: "must be unset" } as const;

/** The default column: the default, or what development and production mode do with an unset variable. */
function defaultCell(row: EnvVarDoc): string {
  if (!row.production) return row.defaultValue === undefined ? "—" : `\`${row.defaultValue}\``;
  const development = row.developmentValue === undefined ? "—" : `\`${row.developmentValue}\``;
  return `development: ${development}; production: ${PRODUCTION_NOTE[row.production]}`;
}
