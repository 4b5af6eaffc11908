import type { Message } from "@aws-sdk/client-sqs";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { stack } from "./platform.ts";

/** Looks through the DLQ (without consuming it) until a message matches, or the deadline passes. */
export async function findInDlq(matches: (message: Message) => boolean, timeoutMs = 10_000): Promise<Message | undefined> {
  const queues = stack().queues;
  if (!queues) throw new Error("the DLQ checks need the embedded stack");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Messages = [] } = await queues.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.dlqUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    const found = Messages.find(matches);
    if (found) return found;
  }
  return undefined;
}
