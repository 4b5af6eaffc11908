import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { FULL_SPACE, SAFE_SPACE } from "./generator.ts";
import { runModel } from "./runModel.ts";
import { summarise } from "./summary.ts";
import type { Scenario } from "./types.ts";

const USAGE =
  "npm run chaos -- --model [--scenarios N] [--seed S] [--scenario I[,J…|,I-J]] [--concurrency C] [--space full|safe] [--settle-seconds T] [--restart-every K] [--out FILE] [--verbose] [--log-level info] [--shrink N] [--replay FILE]";

/**
 * `npm run chaos -- --model …`: the generated-scenario run of issue 11. Prints each scenario as it
 * ends and, for a failure, its seed, index, shape and violations; exits 1 if any scenario failed,
 * 2 on a bad option. `--scenario I,J` replays those scenarios of the seed alone; `--scenario 440-456` a
 * failure among its neighbours (`--concurrency` at a time: under their load).
 */
export async function modelMain(argv: readonly string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        model: { type: "boolean" },
        scenarios: { type: "string", default: "20" },
        seed: { type: "string" },
        scenario: { type: "string" },
        concurrency: { type: "string", default: "8" },
        space: { type: "string", default: "full" },
        "settle-seconds": { type: "string", default: "45" },
        out: { type: "string" },
        verbose: { type: "boolean" },
        "log-level": { type: "string" },
        "restart-every": { type: "string", default: "250" },
        shrink: { type: "string", default: "0" },
        replay: { type: "string" },
      },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  const int = (name: string, min: number): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    return Number.isInteger(n) && n >= min ? n : Number.NaN;
  };
  const seed = int("seed", -(2 ** 31)) ?? Math.floor(Math.random() * 2 ** 31);
  const only = typeof values.scenario === "string" ? scenarioIndexes(values.scenario) : undefined;
  if (only?.some((n) => !Number.isInteger(n) || n < 0))
    return usage("--scenario takes scenario indexes and ranges: 3, 3,17,42 or 440-456,681 (run together, --concurrency at a time)");
  const scenarios = int("scenarios", 1);
  const concurrency = int("concurrency", 1);
  const settle = int("settle-seconds", 5);
  const restartEvery = int("restart-every", 1);
  const shrinkCount = int("shrink", 0);
  let given: Scenario[] | undefined;
  if (typeof values.replay === "string") {
    try {
      const parsed = JSON.parse(readFileSync(values.replay, "utf8")) as Scenario | Scenario[] | { shrunk?: { scenario: Scenario }[] };
      given = Array.isArray(parsed) ? parsed : "shrunk" in parsed ? (parsed.shrunk ?? []).map((x) => x.scenario) : [parsed as Scenario];
    } catch (error) {
      return usage(`--replay ${values.replay}: ${(error as Error).message}`);
    }
  }
  for (const [name, value] of Object.entries({
    seed,
    scenarios,
    concurrency,
    "settle-seconds": settle,
    "restart-every": restartEvery,
    shrink: shrinkCount,
  }))
    if (Number.isNaN(value))
      return usage(`--${name} must be a whole number${name === "seed" ? "" : name === "shrink" ? " (0 or more)" : " of at least 1"}`);
  if (values.space !== "full" && values.space !== "safe") return usage("--space must be full or safe");

  const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const result = await runModel(
    {
      seed,
      only,
      scenarios: given?.length ?? only?.length ?? (scenarios as number),
      concurrency,
      space: values.space === "safe" ? SAFE_SPACE : FULL_SPACE,
      settleTimeoutMs: (settle as number) * 1000,
      verbose: values.verbose === true,
      restartEvery,
      shrink: shrinkCount,
      given,
      logLevel: typeof values["log-level"] === "string" ? values["log-level"] : undefined,
    },
    log,
  );
  log(
    `done: ${result.scenarios} scenarios in ${result.seconds} s, ${result.failed.length} failed; seed ${seed}; ` +
      `worker/coalescer/poller kills ${result.events.crashes} (${result.events.crashesSkipped} skipped: one at a time), ` +
      `faults ${result.events.faults}, duplicate webhooks ${result.events.duplicateWebhooks}, edits and deletions ${result.events.edits}, job-table scans ${result.scans.scans} (${result.scans.seconds.toFixed(1)} s; ${result.scans.lastScanned} items at the end)`,
  );
  if (result.cpu)
    log(
      `CPU: ${result.cpu.harness} s in this process (harness and the embedded SQS/DynamoDB), ${result.cpu.services} s in the services; ` +
        `${((result.cpu.harness + result.cpu.services) / Math.max(1, result.scenarios)).toFixed(2)} CPU-s per scenario (start-up and shrinking included)`,
    );
  if (result.failed.length > 0) {
    log(`violations by kind: ${JSON.stringify(result.byKind)}`);
    log(`failed scenarios (seed ${seed}): ${result.failed.map((f) => f.scenario.index).join(" ")}`);
  }
  if (typeof values.out === "string")
    writeFileSync(
      values.out,
      JSON.stringify(
        {
          ...result,
          failed: result.failed.map((f) => ({ scenario: f.scenario, violations: f.violations, summary: summarise(f.scenario) })),
        },
        null,
        2,
      ),
    );
  if (result.broken) log(`the run stopped early: ${result.broken}`);
  return result.failed.length === 0 && result.endOfRun.length === 0 && !result.broken ? 0 : 1;
}

/** `3,17,440-456`: the listed indexes, a range with both ends (a failure replayed among its neighbours, under their load). */
export function scenarioIndexes(list: string): number[] {
  return list.split(",").flatMap((part) => {
    const range = /^(\d+)-(\d+)$/.exec(part.trim());
    if (!range) return [/^\d+$/.test(part.trim()) ? Number(part) : Number.NaN];
    const [from, to] = [Number(range[1]), Number(range[2])];
    return to >= from && to - from < 100_000 ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : [Number.NaN];
  });
}

function usage(message: string): number {
  process.stderr.write(`chaos --model: ${message}\nusage: ${USAGE}\n`);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await modelMain(process.argv.slice(2)));
