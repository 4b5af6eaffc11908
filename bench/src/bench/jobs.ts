import { randomUUID } from "node:crypto";
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type SyncUser, sleep } from "../client.ts";

/** Puts one manual job message per user straight on HotPathSyncQueue, as the gateway would. */
export async function enqueueJobs(sqs: SQSClient, queueUrl: string, users: readonly SyncUser[]): Promise<void> {
  for (let i = 0; i < users.length; i += 10) {
    const Entries = users.slice(i, i + 10).map((u, n) => {
      const jobId = randomUUID();
      const body = { jobId, userId: u.userId, syncConfigId: u.syncConfigId, trigger: "manual", requestedAt: new Date().toISOString() };
      return { Id: String(n), MessageBody: JSON.stringify(body), MessageGroupId: u.userId, MessageDeduplicationId: jobId };
    });
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
  }
}

const STATES = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] as const;

/**
 * Waits until the queue holds nothing visible, in flight or delayed (every job acknowledged),
 * saying every 5 s how many are left. Asks SQS, not the worker, so the worker's CPU is its own.
 */
export async function queueDrained(sqs: SQSClient, queueUrl: string, progress: (line: string) => void, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = Date.now();
  for (;;) {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...STATES] }));
    const left = STATES.map((s) => Number(Attributes[s] ?? 0));
    if (left.every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`the queue still holds messages after ${timeoutMs / 1000} s`);
    if (Date.now() - said >= 5000) {
      progress(`${left[0]} waiting, ${left[1]} in flight, ${left[2]} delayed`);
      said = Date.now();
    }
    await sleep(100);
  }
}

/**
 * Watches a queue from now on; `stop()` answers the milliseconds from now until the last time
 * it still held a message (visible or in flight): when its consumer had taken everything off.
 */
export function lastHeld(sqs: SQSClient, queueUrl: string) {
  const started = performance.now();
  let last = started;
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...STATES] }));
      if (STATES.some((s) => Number(Attributes[s] ?? 0) > 0)) last = performance.now();
      await sleep(100);
    }
  })();
  return {
    async stop(): Promise<number> {
      watching = false;
      await watch;
      return last - started;
    },
  };
}
