import { DATA_TYPES, PROVIDERS, SUPPORTED_TYPES } from "@syncwell/core";

const BEGIN = "<!-- data-types:begin (generated from core's SUPPORTED_TYPES by `npm run docs:config`) -->";
const END = "<!-- data-types:end -->";

const CELL = { source: "source", destination: "destination", both: "source + destination" } as const;

/** The README's partner × type table (SPEC §18), as core's SUPPORTED_TYPES says (and config creation enforces). */
export function dataTypeTable(): string {
  const header = `| provider | ${DATA_TYPES.map((t) => `\`${t}\``).join(" | ")} |`;
  const rule = `| --- | ${DATA_TYPES.map(() => "---").join(" | ")} |`;
  const rows = PROVIDERS.map((p) => {
    const cells = DATA_TYPES.map((t) => {
      const role = SUPPORTED_TYPES[p][t];
      return role ? CELL[role] : "—";
    });
    return `| \`${p}\` | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

export function withDataTypeTable(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error("README has no data-types markers");
  return `${readme.slice(0, start + BEGIN.length)}\n\n${dataTypeTable()}\n\n${readme.slice(end)}`;
}
