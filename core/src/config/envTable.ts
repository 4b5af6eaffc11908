import type { z } from "zod";

/** One row of a service's configuration table, derived from its env schema. */
export interface EnvVarDoc {
  name: string;
  description: string;
  defaultValue: string | undefined;
}

/** Lists the variables of an env schema with their `.describe()` text and default. */
export function describeEnv(schema: z.ZodObject): EnvVarDoc[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const f = field as z.ZodType;
    const parsed = f.safeParse(undefined);
    const defaultValue = parsed.success && parsed.data !== undefined ? String(parsed.data) : undefined;
    return { name, description: f.description ?? "", defaultValue };
  });
}

/** Renders env docs as a Markdown table (used to generate the README's configuration section). */
export function envMarkdownTable(rows: EnvVarDoc[]): string {
  const lines = ["| variable | default | meaning |", "| --- | --- | --- |"];
  for (const row of rows) {
    lines.push(`| \`${row.name}\` | ${row.defaultValue === undefined ? "—" : `\`${row.defaultValue}\``} | ${row.description} |`);
  }
  return lines.join("\n");
}
