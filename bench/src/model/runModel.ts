import { FULL_SPACE, type GeneratorOptions, generateScenario, SAFE_SPACE } from "./generator.ts";
import { startModelPlatform } from "./modelPlatform.ts";
import { type ModelContext, runScenario, type ScenarioResult } from "./scenarioRun.ts";
import { summarise } from "./summary.ts";
import type { ViolationKind } from "./types.ts";

export interface ModelRunOptions {
  /** Scenarios to run: indexes 0 … scenarios - 1 of the seed, unless `only` names them. */
  scenarios: number;
  seed: number;
  /** Exactly these scenario indexes of the seed (replaying failures). */
  only?: readonly number[];
  /** Scenarios in flight at once. @defaultValue 6 */
  concurrency?: number;
  /** @defaultValue FULL_SPACE */
  space?: GeneratorOptions;
  settleTimeoutMs?: number;
  quietMs?: number;
  /** pino level of the platform's services (their logs go to stderr). @defaultValue fatal */
  logLevel?: string;
  /** Print every scenario's shape, what each partner holds at the end and its jobs, not only failures'. */
  verbose?: boolean;
}

export interface ModelRunResult {
  seed: number;
  seconds: number;
  scenarios: number;
  failed: ScenarioResult[];
  byKind: Partial<Record<ViolationKind, number>>;
  events: { crashes: number; crashesSkipped: number; duplicateWebhooks: number; faults: number };
  /** Job-table scans made (one serves every scenario waiting at that moment). */
  scans: number;
}

/** Runs scenarios of one seed on one shared platform, `concurrency` at a time, reporting each failure as it happens. */
export async function runModel(options: ModelRunOptions, log: (line: string) => void = () => {}): Promise<ModelRunResult> {
  const started = Date.now();
  log("starting the platform …");
  const model = await startModelPlatform({
    settleTimeoutMs: options.settleTimeoutMs,
    quietMs: options.quietMs,
    logLevel: options.logLevel,
  });
  const stop = () => void model.stop().then(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  log(`platform up in ${((Date.now() - started) / 1000).toFixed(1)} s (gateway ${model.context.urls.gateway}); seed ${options.seed}`);
  try {
    return await runScenarios(model.context, options, log, started);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await model.stop();
  }
}

/** Runs scenarios of one seed on a platform that is already up (tests share one between seeds). */
export async function runScenarios(
  ctx: ModelContext,
  options: ModelRunOptions,
  log: (line: string) => void = () => {},
  started = Date.now(),
): Promise<ModelRunResult> {
  const indexes = options.only ?? Array.from({ length: options.scenarios }, (_, i) => i);
  const total = indexes.length;
  const result: ModelRunResult = {
    seed: options.seed,
    seconds: 0,
    scenarios: 0,
    failed: [],
    byKind: {},
    events: { crashes: 0, crashesSkipped: 0, duplicateWebhooks: 0, faults: 0 },
    scans: 0,
  };
  let next = 0;
  let violations = 0;
  const lane = async () => {
    while (next < total) {
      const index = indexes[next++] as number;
      const scenario = generateScenario(options.seed, index, options.space ?? FULL_SPACE);
      const r = await runScenario(ctx, scenario).catch((error: Error) => ({
        scenario,
        violations: [{ kind: "scenario_error" as const, detail: `the scenario could not run: ${error.stack ?? error.message}` }],
        seconds: 0,
        observation: undefined,
        events: { crashes: 0, crashesSkipped: 0, duplicateWebhooks: 0, faults: 0 },
        judged: { must: 0, must_not: 0, either: 0 },
        phases: { setup: 0, actions: 0, settle: 0, quiet: 0 },
      }));
      result.scenarios += 1;
      for (const [k, v] of Object.entries(r.events) as [keyof ModelRunResult["events"], number][]) result.events[k] += v;
      violations += r.violations.length;
      const elapsed = Math.round((Date.now() - started) / 1000);
      const j = r.judged;
      const status =
        r.violations.length === 0
          ? `ok (${j.must}/${j.must_not}/${j.either} must/must-not/either)`
          : `FAIL (${[...new Set(r.violations.map((v) => v.kind))].join(", ")})`;
      log(
        `scenario ${result.scenarios}/${total} (#${index}, ${scenario.topology}, ${r.seconds.toFixed(1)} s) ${status} — elapsed ${elapsed} s, violations so far ${violations} in ${result.failed.length + (r.violations.length ? 1 : 0)} scenarios`,
      );
      if (options.verbose && r.observation) {
        for (const line of summarise(scenario)) log(`    ${line}`);
        for (const [p, records] of Object.entries(r.observation.final))
          log(`    ${p}: ${records.map((x) => `${x.id}${x.externalId ? `=${x.externalId}` : ""} ${x.startTime.slice(5, 16)}`).join("; ")}`);
        log(`    phases (s): ${JSON.stringify(r.phases)}`);
        log(`    jobs: ${r.observation.jobs.map((x) => `${x.trigger}/${x.configKey}/${x.status}`).join(" ")}`);
      }
      if (r.violations.length === 0) continue;
      result.failed.push(r as ScenarioResult);
      for (const v of r.violations) result.byKind[v.kind] = (result.byKind[v.kind] ?? 0) + 1;
      log(
        `  seed ${options.seed} scenario ${index}: replay with npm run chaos -- --model${options.space === SAFE_SPACE ? " --space safe" : ""} --seed ${options.seed} --scenario ${index}`,
      );
      for (const line of summarise(scenario)) log(`    ${line}`);
      for (const v of r.violations) log(`    ✗ ${v.kind}: ${v.detail}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 6) }, lane));
  result.seconds = Math.round((Date.now() - started) / 1000);
  result.scans = ctx.jobs.scans;
  return result;
}
