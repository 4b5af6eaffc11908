import { readFileSync } from "node:fs";

/** The API Gateway mapping templates in `gateway-shim/mapping/`, one file each (SPEC §16). */
export const MAPPING_TEMPLATE_NAMES = ["sync-request", "sync-response", "job-request", "job-response", "unavailable-response"] as const;
export type MappingTemplate = (typeof MAPPING_TEMPLATE_NAMES)[number];

/** Where the template files live: the stack deploys these very files, the local gateway renders them. */
export const MAPPING_DIRECTORY = new URL("../../mapping/", import.meta.url);

/** The template texts, read once at start-up. */
export const MAPPING_TEMPLATES: Readonly<Record<MappingTemplate, string>> = Object.fromEntries(
  MAPPING_TEMPLATE_NAMES.map((name) => [name, readFileSync(new URL(`${name}.vtl`, MAPPING_DIRECTORY), "utf8")]),
) as Record<MappingTemplate, string>;
