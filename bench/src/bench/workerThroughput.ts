import { randomUUID } from "node:crypto";
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { metric, round, type SyncUser, sleep } from "../client.ts";

/**
 * End-to-end worker throughput: `perUser` job messages per user put straight on HotPathSyncQueue
 * (as the gateway would), timed until the worker reports them all succeeded. Also the worker's
 * SQS calls per message.
 */
export async function workerThroughput(
  deps: { sqs: SQSClient; queueUrl: string; workerUrl: string },
  users: readonly SyncUser[],
  perUser: number,
) {
  const jobs = users.flatMap((u) => Array.from({ length: perUser }, () => u));
  const succeededBefore = await metric(deps.workerUrl, "syncwell_jobs_processed_total", 'outcome="succeeded"');
  const failedBefore = await metric(deps.workerUrl, "syncwell_jobs_processed_total", 'outcome="retrying"');
  const callsBefore = await metric(deps.workerUrl, "syncwell_aws_requests_total", 'service="SQS"');
  const started = performance.now();
  for (let i = 0; i < jobs.length; i += 10) {
    const batch = jobs.slice(i, i + 10).map((u, n) => {
      const jobId = randomUUID();
      const body = { jobId, userId: u.userId, syncConfigId: u.syncConfigId, trigger: "manual", requestedAt: new Date().toISOString() };
      return { Id: String(n), MessageBody: JSON.stringify(body), MessageGroupId: u.userId, MessageDeduplicationId: jobId };
    });
    await deps.sqs.send(new SendMessageBatchCommand({ QueueUrl: deps.queueUrl, Entries: batch }));
  }
  let done = 0;
  const deadline = Date.now() + 300_000;
  while (done < jobs.length) {
    if (Date.now() > deadline) throw new Error(`worker finished only ${done} of ${jobs.length} jobs in 300 s`);
    await sleep(50);
    done = (await metric(deps.workerUrl, "syncwell_jobs_processed_total", 'outcome="succeeded"')) - succeededBefore;
  }
  const seconds = (performance.now() - started) / 1000;
  const calls = (await metric(deps.workerUrl, "syncwell_aws_requests_total", 'service="SQS"')) - callsBefore;
  return {
    jobs: jobs.length,
    seconds: round(seconds, 2),
    jobsPerSecond: round(jobs.length / seconds, 1),
    failedAttempts: (await metric(deps.workerUrl, "syncwell_jobs_processed_total", 'outcome="retrying"')) - failedBefore,
    sqsCallsPerMessage: round(calls / jobs.length, 2),
  };
}

/** Waits until the queue holds nothing visible, in flight or delayed. */
export async function queueDrained(sqs: SQSClient, queueUrl: string, timeoutMs = 300_000): Promise<void> {
  const names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] as const;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }));
    if (names.every((n) => Number(Attributes[n] ?? 0) === 0)) return;
    if (Date.now() > deadline) throw new Error(`the queue still holds messages after ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}
