import { createSqsClient } from "@syncwell/core";
import { check } from "../chaos/checker.ts";
import { dlqReasons, leftover, waitForQueuesEmpty } from "../chaos/queues.ts";
import { describeHeld } from "./coalescerSets.ts";
import type { ModelPlatform } from "./modelPlatform.ts";
import type { Violation } from "./types.ts";

/**
 * What no single scenario can see, checked once all of them settled (the chaos checker's rules):
 * the queues drain, every dead-lettered job has exactly one DLQ message with its reason, and no
 * DLQ message belongs to a job that is not dead-lettered.
 */
export async function endOfRunCheck(model: ModelPlatform, log: (line: string) => void = () => {}): Promise<Violation[]> {
  const sqs = createSqsClient({ ...model.aws, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  try {
    log("end of run: waiting for the queues to drain, reading the DLQ …");
    await waitForQueuesEmpty(sqs, model.platform, 30_000);
    // Informational: with the webhook queue drained no flush is coming, so a record id the coalescer
    // still holds was named by a webhook and carried by no job (unless Redis failed after an #open).
    const held = (await model.context.coalescerSets?.all().catch(() => undefined)) ?? new Map();
    for (const [config, h] of held) log(`  the coalescer still holds records of config ${config}: ${describeHeld(h).join("; ")}`);
    const jobs = await model.context.jobs.all();
    const dlq = await dlqReasons(sqs, model.platform.queues.hotPathDlqUrl, 20_000);
    const report = check(
      {
        requests: [],
        jobs: new Map(jobs.map((j) => [j.jobId, { status: j.status, errorCategory: j.errorCategory, trigger: j.trigger }])),
        users: [],
        dlq,
        lastSyncTimes: new Map(),
        leftoverMessages: await leftover(sqs, model.platform),
      },
      (id) => id,
    );
    const failures = report.failures.filter((f) => !f.endsWith("no job was accepted") && !f.includes("jobs lost"));
    // Which jobs, for the DLQ rules: the job each message carries and what its status item says.
    const byId = new Map(jobs.map((j) => [j.jobId, j]));
    const odd = dlq
      .filter((m) => byId.get(m.jobId ?? "")?.status !== "dead_lettered" || !m.errorCategory)
      .map((m) => {
        const job = byId.get(m.jobId ?? "");
        return `${m.jobId ?? "?"} (${job ? `${job.trigger}, ${job.status}, ${job.attempts ?? 0} attempts, user ${job.userId}` : "no status item"}; reason ${m.errorCategory ?? "none"})`;
      });
    return failures.map((detail) => ({ kind: "end_of_run" as const, detail: odd.length > 0 ? `${detail}: ${odd.join("; ")}` : detail }));
  } finally {
    sqs.destroy();
  }
}
