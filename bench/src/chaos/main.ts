import { parseArgs } from "node:util";
import { type ChaosOptions, runChaos } from "./chaosRun.ts";

/** `npm run chaos [-- --jobs 1000]`: the full reliability run; exits 1 if the checker fails it. */
const { values } = parseArgs({
  options: { jobs: { type: "string", default: "1000" }, users: { type: "string" }, clients: { type: "string", default: "16" } },
});
const jobs = Number(values.jobs);
if (!Number.isInteger(jobs) || jobs < 10) {
  process.stderr.write("chaos: --jobs must be an integer of at least 10\n");
  process.exit(2);
}
const options: ChaosOptions = {
  jobs,
  users: Number(values.users ?? Math.max(4, Math.round(jobs / 10))),
  jobsPerCrash: 20,
  clients: Number(values.clients),
};
const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const result = await runChaos(options, log);
const r = result.report;
log(`done in ${result.seconds} s`);
console.table({
  "jobs accepted": r.jobsAccepted,
  "jobs succeeded": r.jobsSucceeded,
  "jobs dead-lettered (with a reason)": r.jobsDeadLettered,
  "jobs lost": r.jobsLost,
  "jobs duplicated (retry → other job)": r.jobsDuplicated,
  "records at the destination": r.recordsWritten,
  "records duplicated": r.recordsDuplicated,
  "records missing": r.recordsMissing,
  "DLQ messages with a reason": r.dlqWithReason,
  "DLQ messages without a reason": r.dlqWithoutReason,
  "lastSyncTime regressions": r.lastSyncTimeRegressions,
  "messages left in the queues": r.leftoverMessages,
  "worker kill -9": result.events.workerCrashes,
  "Redis restarts": result.events.redisRestarts,
  "duplicate webhooks": result.events.duplicateWebhooks,
  "client retries": result.events.clientRetries,
  "records not yet synced before the settle sync": result.events.missingBeforeSettle,
});
if (!r.pass) log(`unfinished jobs by status: ${JSON.stringify(result.unfinished)}`);
log(r.pass ? "PASS" : `FAIL: ${r.failures.join("; ")}`);
process.exit(r.pass ? 0 : 1);
