import { readFileSync } from "node:fs";

/** The API Gateway mapping templates, one file each; the local gateway renders these very files (gateway-shim/src/mapping). */
export const TEMPLATE_DIRECTORY = new URL("../../gateway-shim/mapping/", import.meta.url);

export type TemplateName = "sync-request" | "sync-response" | "job-request" | "job-response" | "unavailable-response";
export type Templates = Record<TemplateName, string>;

export function readTemplates(directory: URL = TEMPLATE_DIRECTORY): Templates {
  const read = (name: TemplateName) => readFileSync(new URL(`${name}.vtl`, directory), "utf8");
  return {
    "sync-request": read("sync-request"),
    "sync-response": read("sync-response"),
    "job-request": read("job-request"),
    "job-response": read("job-response"),
    "unavailable-response": read("unavailable-response"),
  };
}
