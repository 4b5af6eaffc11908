import { cpuSeconds } from "./cpu.ts";
import { endOfRunCheck } from "./endOfRun.ts";
import { FULL_SPACE, type GeneratorOptions, generateScenario, SAFE_SPACE } from "./generator.ts";
import { startModelPlatform } from "./modelPlatform.ts";
import { type ModelContext, runScenario, type ScenarioResult } from "./scenarioRun.ts";
import { shrink } from "./shrink.ts";
import { summarise } from "./summary.ts";
import type { Scenario, Violation, ViolationKind } from "./types.ts";

export interface ModelRunOptions {
  /** Scenarios to run: indexes 0 … scenarios - 1 of the seed, unless `only` names them. */
  scenarios: number;
  seed: number;
  /** Exactly these scenario indexes of the seed (replaying failures). */
  only?: readonly number[];
  /** These scenarios as they are (a shrunk scenario printed by an earlier run), instead of generated ones. */
  given?: readonly Scenario[];
  /** Shrink up to this many failing scenarios of each platform's batch to a minimal one. @defaultValue 0 */
  shrink?: number;
  /** Scenarios in flight at once. @defaultValue 6 (the CLI: 8) */
  concurrency?: number;
  /** @defaultValue FULL_SPACE */
  space?: GeneratorOptions;
  settleTimeoutMs?: number;
  quietMs?: number;
  /**
   * A fresh platform after this many scenarios: the job table, scanned to find webhook and poll
   * jobs, then stays small. @defaultValue 250
   */
  restartEvery?: number;
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
  violations: number;
  byKind: Partial<Record<ViolationKind, number>>;
  events: { crashes: number; crashesSkipped: number; duplicateWebhooks: number; faults: number; edits: number };
  /** Job-table scans made (one serves every scenario waiting at that moment), their time, the table's size at the end. */
  scans: { scans: number; seconds: number; lastScanned: number };
  /** What the end-of-run check of each platform found (queues, DLQ). */
  endOfRun: Violation[];
  /** CPU seconds of this process (harness and embedded emulators) and of the services it started. */
  cpu?: { harness: number; services: number };
  /** Why the run stopped early (a platform service that would not start again). */
  broken?: string;
  /** Minimal scenarios that still fail, from `shrink`. */
  shrunk: Array<{ from: number; scenario: Scenario; violations: Violation[] }>;
}

export function emptyResult(seed: number): ModelRunResult {
  return {
    seed,
    seconds: 0,
    scenarios: 0,
    failed: [],
    violations: 0,
    byKind: {},
    events: { crashes: 0, crashesSkipped: 0, duplicateWebhooks: 0, faults: 0, edits: 0 },
    scans: { scans: 0, seconds: 0, lastScanned: 0 },
    endOfRun: [],
    shrunk: [],
  };
}

/** Runs scenarios of one seed, `concurrency` at a time on a shared platform (a fresh one every `restartEvery`). */
export async function runModel(options: ModelRunOptions, log: (line: string) => void = () => {}): Promise<ModelRunResult> {
  const started = Date.now();
  const every = Math.max(1, options.restartEvery ?? 250);
  const work: readonly (number | Scenario)[] = options.given
    ? [...options.given]
    : (options.only ?? Array.from({ length: options.scenarios }, (_, i) => i));
  const result = emptyResult(options.seed);
  const cpuBefore = cpuSeconds();
  let shrinks = 0;
  for (let i = 0; i < work.length && !result.broken; i += every) {
    log(`starting the platform …`);
    const up = Date.now();
    const model = await startModelPlatform({
      settleTimeoutMs: options.settleTimeoutMs,
      quietMs: options.quietMs,
      logLevel: options.logLevel,
    });
    const stop = () => void model.stop().then(() => process.exit(130));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    log(`platform up in ${((Date.now() - up) / 1000).toFixed(1)} s (gateway ${model.context.urls.gateway}); seed ${options.seed}`);
    try {
      const failedBefore = result.failed.length;
      await runScenarios(model.context, { ...options, work: work.slice(i, i + every) }, log, { result, total: work.length, started });
      if (result.broken) break;
      for (const failing of result.failed.slice(failedBefore, failedBefore + (options.shrink ?? 0))) {
        if (failing.violations.every((v) => v.kind === "scenario_error")) continue;
        log(`shrinking seed ${failing.scenario.seed} scenario ${failing.scenario.index} …`);
        const minimal = await shrink(model.context, failing, {
          parallel: options.concurrency ?? 6,
          nextIndex: () => 10_000_000 + shrinks++,
          log,
        });
        result.shrunk.push({ from: failing.scenario.index, scenario: minimal.scenario, violations: minimal.violations });
        log(`  minimal scenario for seed ${failing.scenario.seed} scenario ${failing.scenario.index}:`);
        for (const line of summarise(minimal.scenario)) log(`    ${line}`);
        for (const v of minimal.violations) log(`    ✗ ${v.kind}: ${v.detail}`);
        log(`    as JSON (replay with --replay FILE): ${JSON.stringify(minimal.scenario)}`);
      }
      const found = await endOfRunCheck(model, log);
      for (const v of found) log(`  ✗ ${v.kind}: ${v.detail}`);
      result.endOfRun.push(...found);
      const scans = model.context.jobs.stats;
      result.scans = {
        scans: result.scans.scans + scans.scans,
        seconds: result.scans.seconds + scans.seconds,
        lastScanned: Math.max(result.scans.lastScanned, scans.lastScanned),
      };
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      await model.stop();
    }
  }
  result.seconds = Math.round((Date.now() - started) / 1000);
  const cpuAfter = cpuSeconds();
  if (cpuBefore && cpuAfter)
    result.cpu = {
      harness: Math.round(cpuAfter.harness - cpuBefore.harness),
      services: Math.round(cpuAfter.services - cpuBefore.services),
    };
  return result;
}

/**
 * Runs scenarios of one seed on a platform that is already up (tests share one between seeds),
 * adding to `tally.result` and logging each one as it ends: progress, and for a failure its seed,
 * index, shape and violations.
 */
export async function runScenarios(
  ctx: ModelContext,
  options: ModelRunOptions & { work?: readonly (number | Scenario)[] },
  log: (line: string) => void = () => {},
  tally: { result: ModelRunResult; total: number; started: number } = {
    result: emptyResult(options.seed),
    total: options.given?.length ?? options.only?.length ?? options.scenarios,
    started: Date.now(),
  },
): Promise<ModelRunResult> {
  const { result } = tally;
  const work = options.work ?? options.given ?? options.only ?? Array.from({ length: options.scenarios }, (_, i) => i);
  let next = 0;
  const lane = async () => {
    while (next < work.length && !ctx.broken) {
      const item = work[next++] as number | Scenario;
      const scenario = typeof item === "number" ? generateScenario(options.seed, item, options.space ?? FULL_SPACE) : item;
      const r: ScenarioResult = await runScenario(ctx, scenario).catch((error: Error) => ({
        scenario,
        violations: [{ kind: "scenario_error" as const, detail: `the scenario could not run: ${error.stack ?? error.message}` }],
        seconds: 0,
        observation: undefined,
        events: { crashes: 0, crashesSkipped: 0, duplicateWebhooks: 0, faults: 0, edits: 0 },
        judged: { must: 0, must_not: 0, either: 0 },
        phases: { setup: 0, actions: 0, settle: 0, quiet: 0 },
      }));
      if (ctx.broken) r.violations = [{ kind: "scenario_error", detail: `the platform broke during the scenario: ${ctx.broken}` }];
      result.scenarios += 1;
      for (const [k, v] of Object.entries(r.events) as [keyof ModelRunResult["events"], number][]) result.events[k] += v;
      result.violations += r.violations.length;
      if (r.violations.length > 0) result.failed.push(r);
      for (const v of r.violations) result.byKind[v.kind] = (result.byKind[v.kind] ?? 0) + 1;
      report(r, options, log, tally);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 6) }, lane));
  if (ctx.broken) {
    log(`STOPPED: ${ctx.broken}; ${work.length - next} scenarios not run`);
    result.broken = ctx.broken;
  }
  return result;
}

function report(
  r: ScenarioResult,
  options: ModelRunOptions,
  log: (line: string) => void,
  tally: { result: ModelRunResult; total: number; started: number },
) {
  const { result } = tally;
  const { scenario } = r;
  const j = r.judged;
  const elapsed = Math.round((Date.now() - tally.started) / 1000);
  const status =
    r.violations.length === 0
      ? `ok (${j.must}/${j.must_not}/${j.either} must/must-not/either)`
      : `FAIL (${[...new Set(r.violations.map((v) => v.kind))].join(", ")})`;
  log(
    `scenario ${result.scenarios}/${tally.total} (#${scenario.index}, ${scenario.topology}, ${r.seconds.toFixed(1)} s) ${status} — elapsed ${elapsed} s, violations so far ${result.violations} in ${result.failed.length} scenarios`,
  );
  if (options.verbose && r.observation) {
    for (const line of summarise(scenario)) log(`    ${line}`);
    for (const [p, records] of Object.entries(r.observation.final))
      log(`    ${p}: ${records.map((x) => `${x.id}${x.externalId ? `=${x.externalId}` : ""} ${x.startTime.slice(5, 16)}`).join("; ")}`);
    log(`    phases (s): ${JSON.stringify(r.phases)}`);
    log(`    jobs: ${r.observation.jobs.map((x) => `${x.trigger}/${x.configKey}/${x.status}`).join(" ")}`);
  }
  if (r.violations.length === 0) return;
  const space = options.space === SAFE_SPACE ? " --space safe" : "";
  if (options.given) log(`  scenario ${scenario.index} (given): replay with --replay FILE holding ${JSON.stringify(scenario)}`);
  else
    log(
      `  seed ${scenario.seed} scenario ${scenario.index}: replay with npm run chaos -- --model${space} --seed ${scenario.seed} --scenario ${scenario.index}`,
    );
  for (const line of summarise(scenario)) log(`    ${line}`);
  for (const v of r.violations) log(`    ✗ ${v.kind}: ${v.detail}`);
}
