import { createMetricsRegistry } from "@syncwell/core";
import { pct, round } from "../client.ts";
import { diffCalls, perUnit, rate, serviceMetrics } from "./perUnit.ts";
import { awsCalls, type Call } from "./replayAws.ts";
import { partnerCalls } from "./replayPartners.ts";
import { type ReplayPlan, type ReplayResult, stage, unitSteps } from "./replayPlan.ts";

/**
 * The floor replay, as a process of its own so that its CPU is its own (the bench's process also
 * runs the emulators): reads a {@link ReplayPlan} on stdin, prepares (untimed), makes the calls,
 * prints progress on stderr and the result as one JSON line on stdout.
 */
const progress = (line: string) => process.stderr.write(`${line}\n`);

async function main(plan: ReplayPlan): Promise<ReplayResult> {
  const registry = createMetricsRegistry("replay");
  const aws = await awsCalls(plan);
  const partners = await partnerCalls(plan);
  const calls = new Map<string, Call>([...aws.calls, ...partners.calls]);
  const errors: Record<string, number> = {};
  const partnerMade: Record<string, number> = {};
  const steps = Array.from({ length: plan.units }, (_, i) => unitSteps(plan, i).filter((s) => calls.has(s.key)));
  // Before the clock starts, one call of each operation, so that first-use costs (SDK set-up,
  // compilation) are not charged to the units, as they are not to a long-running service.
  steps.push([...calls.keys()].sort((a, b) => stage(a) - stage(b)).map((key) => ({ key, nth: 0 })));
  const unit = async (index: number) => {
    for (const step of steps[index] ?? []) {
      try {
        await (calls.get(step.key) as Call)(index, step.nth);
      } catch {
        errors[step.key] = (errors[step.key] ?? 0) + 1;
      }
      if (partners.calls.has(step.key)) partnerMade[step.key] = (partnerMade[step.key] ?? 0) + 1;
    }
  };

  await unit(plan.units);
  for (const key of Object.keys(errors)) delete errors[key];
  for (const key of Object.keys(partnerMade)) delete partnerMade[key];
  const awsBefore = serviceMetrics(await registry.metrics()).aws;
  let done = 0;
  const latencies: number[] = [];
  const ticker = setInterval(() => progress(`${done}/${plan.units} units`), 5000);
  const cpu = process.cpuUsage();
  const started = performance.now();
  if ("concurrency" in plan.mode) {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(plan.mode.concurrency, plan.units) }, async () => {
        while (next < plan.units) {
          await unit(next++);
          done += 1;
        }
      }),
    );
  } else {
    const every = 1000 / plan.mode.perSecond;
    const running: Promise<void>[] = [];
    for (let i = 0; i < plan.units; i++) {
      const wait = started + i * every - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = performance.now();
      running.push(
        unit(i).then(() => {
          latencies.push(performance.now() - sent);
          done += 1;
        }),
      );
    }
    await Promise.all(running);
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(ticker);
  const replayed = diffCalls(awsBefore, serviceMetrics(await registry.metrics()).aws);
  await aws.close();
  latencies.sort((a, b) => a - b);
  const cpuMs = (used.user + used.system) / 1000;
  return {
    label: plan.label,
    units: plan.units,
    seconds: round(seconds, 2),
    perSecond: rate(plan.units / seconds),
    cpuMs: round(cpuMs, 0),
    cpuMsPerUnit: round(cpuMs / plan.units, 3),
    ...(latencies.length > 0 ? { latencyMs: { p50: round(pct(latencies, 50)), p99: round(pct(latencies, 99)) } } : {}),
    replayedAwsPerUnit: perUnit(replayed, plan.units),
    replayedPartnerPerUnit: Object.fromEntries(Object.entries(partnerMade).map(([k, n]) => [k, n / plan.units])),
    errors,
    notReplayed: [...aws.missing, ...partners.missing],
  };
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const result = await main(JSON.parse(input) as ReplayPlan);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
