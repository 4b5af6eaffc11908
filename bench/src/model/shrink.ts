import { type ModelContext, runScenario, type ScenarioResult } from "./scenarioRun.ts";
import type { Scenario, ViolationKind } from "./types.ts";

/** Every scenario one step smaller: one action, one initial workout or one config (with what needs it) less. */
export function smaller(s: Scenario): Scenario[] {
  const out: Scenario[] = [];
  const initialSyncs = s.configs.length;
  s.actions.forEach((action, i) => {
    if (i < initialSyncs) return;
    const drop = new Set([i]);
    if (action.kind === "record")
      s.actions.forEach((a, j) => {
        if ((a.kind === "duplicate_webhook" || a.kind === "edit" || a.kind === "delete") && a.activity === action.activity.key) drop.add(j);
      });
    out.push({ ...s, actions: s.actions.filter((_, j) => !drop.has(j)) });
  });
  s.initial.forEach((_, i) => {
    out.push({ ...s, initial: s.initial.filter((_, j) => j !== i) });
  });
  if (s.configs.length > 1)
    for (const config of s.configs) {
      const configs = s.configs.filter((c) => c !== config);
      const providers = new Set(configs.flatMap((c) => [c.source, c.destination]));
      out.push({
        ...s,
        topology: "single",
        configs,
        initial: s.initial.filter((a) => providers.has(a.provider)),
        actions: s.actions.filter(
          (a) =>
            (a.kind !== "sync" || a.config !== config.key) &&
            (a.kind !== "record" || providers.has(a.activity.provider)) &&
            (a.kind !== "fault" || providers.has(a.provider)),
        ),
      });
    }
  return out;
}

/**
 * Greedy delta debugging on a live platform: tries every one-step-smaller scenario (`parallel` at
 * a time, as fresh users) and keeps the first that still shows one of `kinds`, until none does.
 * A flaky failure shrinks less far; what comes back always failed once.
 */
export async function shrink(
  ctx: ModelContext,
  failing: ScenarioResult,
  options: { parallel: number; nextIndex: () => number; log?: (line: string) => void },
): Promise<ScenarioResult> {
  const kinds = new Set<ViolationKind>(failing.violations.map((v) => v.kind).filter((k) => k !== "scenario_error"));
  let current = failing;
  for (let round = 0; round < 30; round++) {
    const candidates = smaller(current.scenario);
    let found: ScenarioResult | undefined;
    for (let i = 0; i < candidates.length && !found; i += options.parallel) {
      const batch = candidates.slice(i, i + options.parallel).map((c) => ({ ...c, index: options.nextIndex() }));
      const results = await Promise.all(batch.map((c) => runScenario(ctx, c).catch(() => undefined)));
      found = results.find((r) => r?.violations.some((v) => kinds.has(v.kind)));
    }
    if (!found) break;
    current = found;
    options.log?.(`  shrunk to ${current.scenario.initial.length} initial workouts, ${current.scenario.actions.length} actions`);
  }
  return current;
}
