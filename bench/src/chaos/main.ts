import { parseArgs } from "node:util";
import { type ChaosOptions, runChaos } from "./chaosRun.ts";

if (process.argv.includes("--model")) process.exit(await (await import("../model/main.ts")).modelMain(process.argv.slice(2)));

/** `npm run chaos [-- --jobs 1000 --workers 3]`: the full reliability run; exits 1 if the checker fails it. */
let values: { jobs?: string; users?: string; clients?: string; workers?: string };
try {
  ({ values } = parseArgs({
    options: {
      jobs: { type: "string", default: "1000" },
      users: { type: "string" },
      clients: { type: "string", default: "16" },
      workers: { type: "string", default: "1" },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
/** A whole number of at least `min`, or one line on stderr and exit 2. */
function count(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer of at least ${min}`);
  return n;
}
function fail(message: string): never {
  process.stderr.write(`chaos: ${message}\n`);
  process.exit(2);
}
const jobs = count("jobs", values.jobs, 10);
const options: ChaosOptions = {
  jobs,
  users: count("users", values.users ?? String(Math.max(4, Math.round(jobs / 10))), 1),
  jobsPerCrash: 20,
  clients: count("clients", values.clients, 1),
  workers: count("workers", values.workers, 1),
};
const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const result = await runChaos(options, log);
const r = result.report;
log(`done in ${result.seconds} s`);
console.table({
  "jobs accepted (client requests)": r.jobsAccepted,
  "jobs in all (manual / webhook / poll)": `${r.jobsTotal} (${r.jobsByTrigger.manual ?? 0} / ${r.jobsByTrigger.webhook ?? 0} / ${r.jobsByTrigger.poll ?? 0})`,
  "jobs succeeded": r.jobsSucceeded,
  "jobs cancelled": r.jobsCancelled,
  "jobs dead-lettered (with a reason)": r.jobsDeadLettered,
  "jobs lost": r.jobsLost,
  "jobs duplicated (retry → other job)": r.jobsDuplicated,
  "records at the destination": r.recordsWritten,
  "records duplicated": r.recordsDuplicated,
  "records missing": r.recordsMissing,
  "DLQ messages with a reason": r.dlqWithReason,
  "DLQ messages without a reason": r.dlqWithoutReason,
  "dead jobs without exactly one DLQ message": r.deadLetteredNotOnceInDlq,
  "DLQ messages of no dead job": r.dlqOfNoDeadJob,
  "lastSyncTime regressions": r.lastSyncTimeRegressions,
  "messages left in the queues": r.leftoverMessages,
  "workers on the queue": result.events.workers,
  "worker kill -9": result.events.workerCrashes,
  "Redis restarts": result.events.redisRestarts,
  "duplicate webhooks": result.events.duplicateWebhooks,
  "client retries": result.events.clientRetries,
  "records not yet synced before the settle sync": result.events.missingBeforeSettle,
});
if (!r.pass) log(`unfinished jobs by status: ${JSON.stringify(result.unfinished)}`);
log(r.pass ? "PASS" : `FAIL: ${r.failures.join("; ")}`);
process.exit(r.pass ? 0 : 1);
