import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { RunningPlatform } from "@syncwell/platform";
import { sleep } from "../client.ts";

/** What the checkers read of the queues: messages left, and every DLQ message with its reason. */
const QUEUE_DEPTH = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] as const;

export async function leftover(sqs: SQSClient, platform: RunningPlatform): Promise<number> {
  let total = 0;
  for (const url of [platform.queues.hotPathQueueUrl, platform.queues.webhookQueueUrl]) {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...QUEUE_DEPTH] }));
    total += QUEUE_DEPTH.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
  }
  return total;
}

export async function waitForQueuesEmpty(sqs: SQSClient, platform: RunningPlatform, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while ((await leftover(sqs, platform)) > 0 && Date.now() < deadline) await sleep(500);
}

/**
 * Every DLQ message: the job it carries (the jobId attribute, else its body) and its reason. Read
 * without consuming, each held until the read is over; support's DLQ scan holds messages for a
 * moment too, so the read ends only when every message the queue counts has been seen.
 */
export async function dlqReasons(sqs: SQSClient, dlqUrl: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, { jobId?: string; errorCategory?: string }>();
  const jobIdOf = (body: string | undefined) => {
    try {
      return (JSON.parse(body ?? "") as { jobId?: string }).jobId;
    } catch {
      return undefined;
    }
  };
  for (let empty = 0; Date.now() < deadline; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: Math.ceil(timeoutMs / 1000) + 30,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    for (const m of Messages)
      seen.set(m.MessageId ?? "", {
        jobId: m.MessageAttributes?.jobId?.StringValue ?? jobIdOf(m.Body),
        errorCategory: m.MessageAttributes?.errorCategory?.StringValue,
      });
    empty = Messages.length === 0 ? empty + 1 : 0;
    if (empty < 3) continue;
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: [...QUEUE_DEPTH] }));
    if (QUEUE_DEPTH.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0) <= seen.size) break;
  }
  return [...seen.values()];
}
