import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "cdktf";
import { loadStackConfig } from "../../src/config.ts";
import type { Templates } from "../../src/mappingTemplates.ts";
import { SyncWellStack } from "../../src/SyncWellStack.ts";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** What a deployment must say about itself (config.ts), with production-looking values. */
export const ENV = {
  SYNCWELL_IMAGE: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/syncwell:1.0.0",
  ALARM_EMAIL: "oncall@example.com",
  PARTNER_API_BASE_URL: "https://partners.example.com",
  STRAVA_CLIENT_ID: "48213",
  GARMIN_CLIENT_ID: "garmin-consumer-7f3a",
  POLAR_CLIENT_ID: "polar-client-9b2c",
  OURA_CLIENT_ID: "oura-client-4d1e",
  WITHINGS_CLIENT_ID: "withings-client-2a61",
  STRAVA_SUBSCRIPTION_ID: "120475",
  OLLAMA_BASE_URL: "http://ollama.syncwell.internal:11434",
};

/** Synthesized Terraform JSON. */
export type Json = any;
export type Resources = Record<string, Record<string, Json>>;

/** `npm run synth` as a person runs it (a child process, offline), into a fresh folder. */
export function synthCli(env: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-"));
  const run = spawnSync(process.execPath, ["--import", "tsx", "stacks/src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  const file = join(outdir, "stacks/syncwell/cdk.tf.json");
  return { run, outdir, text: run.status === 0 ? readFileSync(file, "utf8") : "" };
}

/** The stack synthesized in this process (optionally with other templates), as parsed JSON. */
export function synthInProcess(options: { env?: Record<string, string>; templates?: Templates } = {}): Json {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-"));
  const config = loadStackConfig({ ...ENV, ...options.env, CDKTF_OUTDIR: outdir });
  const app = new App({ outdir });
  new SyncWellStack(app, "syncwell", config, options.templates ? { templates: options.templates } : {});
  app.synth();
  return JSON.parse(readFileSync(join(outdir, "stacks/syncwell/cdk.tf.json"), "utf8"));
}

let cached: Json | undefined;
/** The default synthesized stack, once per test process. */
export function stack(): Json {
  cached ??= synthInProcess();
  return cached;
}

/** Query helpers over the resources of one synthesized stack. */
export function resources(json: Json) {
  const r: Resources = json.resource;
  const all = (type: string): Json[] => Object.values(r[type] ?? {});
  const entries = (type: string): [string, Json][] => Object.entries(r[type] ?? {});
  const one = (type: string, match: (x: Json) => boolean = () => true): Json => {
    const found = all(type).filter(match);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
  };
  /** The resource a `${type.name.attr}` reference points to. */
  const deref = (ref: string): { type: string; name: string; value: Json } => {
    const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(ref);
    if (!m) throw new Error(`not a reference: ${ref}`);
    const [, type, name] = m as unknown as [string, string, string];
    return { type, name, value: r[type]?.[name] };
  };
  return { r, all, entries, one, deref };
}
