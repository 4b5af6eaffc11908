import { round } from "../client.ts";
import type { PollingFigures } from "../pollingSimulation.ts";
import type { partnerCosts } from "./partnerCosts.ts";
import type { rawQueueRates, rawTableRates } from "./rawQueue.ts";
import { callsLine, type UnitFigures } from "./unitFigures.ts";

type Costs = Awaited<ReturnType<typeof partnerCosts>>;
const dash = (n: number | undefined) => (n === undefined ? "-" : n);
const SHORT: Record<string, string> = { gateway: "gw", worker: "wk", coalescer: "co" };

/** The bench's tables, from the results it writes. */
export function printReport(results: {
  units: UnitFigures[];
  partnerCosts: Costs;
  webhooks: { eventsPerJob: number; ackLatencyMs: { p50: number; p99: number } };
  polling: PollingFigures;
  rawQueue?: Awaited<ReturnType<typeof rawQueueRates>>;
  rawTable?: Awaited<ReturnType<typeof rawTableRates>>;
}): void {
  const { units } = results;
  console.log("\nCost per unit (AWS calls from the services' SDK counters, partner calls and bytes from providers-mock, CPU per process)");
  console.table(
    Object.fromEntries(
      units.map((u) => [
        u.unit,
        {
          units: u.units,
          SQS: dash(u.awsCallsByService.SQS),
          DynamoDB: dash(u.awsCallsByService.DynamoDB),
          "partner calls": u.partner.calls,
          "partner bytes": u.partner.bytes,
          "CPU ms": u.cpuMs.total,
          "CPU by service": Object.entries(u.cpuMs.byService)
            .map(([s, ms]) => `${SHORT[s] ?? s} ${ms}`)
            .join(" + "),
          "wall s": u.wallSeconds,
          "per s": u.perSecond,
          "p50/p99 ms": u.latencyMs ? `${u.latencyMs.p50} / ${u.latencyMs.p99}` : "-",
        },
      ]),
    ),
  );
  console.log("AWS calls per unit by operation:");
  for (const u of units) console.log(`  ${u.unit.padEnd(20)} ${callsLine(u.aws)}`);

  console.log("\nThe floor: the same calls replayed raw in this run, same concurrency, no engine logic (a process of its own)");
  console.table(
    Object.fromEntries(
      units.map((u) => [
        u.unit,
        {
          "engine per s": u.perSecond,
          "floor per s": dash(u.floor?.replay.perSecond),
          "throughput ratio": dash(u.floor?.throughputRatio),
          "engine CPU ms": u.cpuMs.total,
          "floor CPU ms": dash(u.floor?.replay.cpuMsPerUnit),
          "CPU multiple": dash(u.floor?.cpuMultiple),
          "floor p50/p99 ms": u.floor?.replay.latencyMs ? `${u.floor.replay.latencyMs.p50} / ${u.floor.replay.latencyMs.p99}` : "-",
        },
      ]),
    ),
  );
  for (const u of units) {
    const r = u.floor?.replay;
    if (!r) continue;
    const errors = Object.entries(r.errors);
    if (r.notReplayed.length > 0) console.log(`  ${u.unit}: not replayed (no raw shape for it): ${r.notReplayed.join(", ")}`);
    if (errors.length > 0) console.log(`  ${u.unit}: replay calls that failed: ${errors.map(([k, n]) => `${k} ${n}`).join(", ")}`);
  }

  const jobs = units.filter((u) => u.recordsPerUnit !== undefined || u.unit === "empty-source job");
  console.log("\nHow cost grows with k (per job, and per record written)");
  console.table(
    Object.fromEntries(
      jobs.map((u) => {
        const k = u.recordsPerUnit ?? 0;
        const per = (n: number) => (k > 0 ? round(n / k, 3) : "-");
        return [
          `k = ${k}`,
          {
            "SQS / job": dash(u.awsCallsByService.SQS),
            "DynamoDB / job": dash(u.awsCallsByService.DynamoDB),
            "DynamoDB / record": per(u.awsCallsByService.DynamoDB ?? 0),
            "partner / record": per(u.partner.calls),
            "bytes / record": per(u.partner.bytes),
            "CPU ms / job": u.cpuMs.total,
            "CPU ms / record": per(u.cpuMs.total),
            "wall s / job": round(u.wallSeconds / u.units, 3),
          },
        ];
      }),
    ),
  );

  const costs = results.partnerCosts;
  console.log("\nPartner calls and bytes per job (providers-mock's own counters, SPEC §12)");
  const row = (c: Costs["empty"]) => ({
    calls: c.measured.calls,
    "minimum (SPEC §12)": c.minimumCalls,
    "naive calls": c.naive.calls,
    bytes: c.measured.bytes,
    "naive bytes": c.naive.bytes,
  });
  console.table({
    "empty source": row(costs.empty),
    "5 new (source_wins)": row(costs.allNew),
    "5 new + 20 synced in lookback": row(costs.newAmongTwentySynced),
    "5 conflicting (dest_wins)": row(costs.allConflictingDestWins),
    "5 new, confidence skip": row(costs.confidenceSkip),
    "5 nights of sleep, Oura → Garmin": row(costs.sleep),
    "5 weigh-ins, Withings → Garmin": row(costs.body),
  });
  const { webhooks, polling } = results;
  console.log("\nWebhooks and polling");
  console.table({
    "webhook events per job (coalescing)": webhooks.eventsPerJob,
    "webhook ack p50 / p99 (ms)": `${webhooks.ackLatencyMs.p50} / ${webhooks.ackLatencyMs.p99}`,
    "polling calls, adaptive (1,000 users × 7 d)": polling.adaptive.preflightCalls,
    "polling calls, fixed 15 min": polling.fixed15.preflightCalls,
    "polling median delay adaptive / fixed (min)": `${polling.adaptive.medianDelayMinutes} / ${polling.fixed15.medianDelayMinutes}`,
  });
  if (results.rawQueue && results.rawTable)
    console.log(
      `Raw emulators: SendMessage ${results.rawQueue.sendPerSecond}/s, receive (10) + DeleteMessageBatch ${results.rawQueue.receiveDeletePerSecond} msg/s; dynalite PutItem ${results.rawTable.putPerSecond}/s, GetItem ${results.rawTable.getPerSecond}/s`,
    );
}
