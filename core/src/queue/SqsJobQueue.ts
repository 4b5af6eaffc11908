import { createHash } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { type JobQueue, NOT_BEFORE_ATTRIBUTE, type OutgoingMessage, type QueuedMessage } from "../ports/JobQueue.ts";

/** SQS allows 12 h of visibility at most. */
const MAX_VISIBILITY_SECONDS = 43_200;

function toAttributes(message: Pick<OutgoingMessage, "notBefore" | "attributes">): Record<string, MessageAttributeValue> | undefined {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.attributes ?? {}))
    out[name] = { DataType: "String", StringValue: value.slice(0, 1000) || "-" };
  if (message.notBefore !== undefined)
    out[NOT_BEFORE_ATTRIBUTE] = { DataType: "Number", StringValue: String(Math.round(message.notBefore)) };
  return Object.keys(out).length > 0 ? out : undefined;
}

function fromSqs(m: Message): QueuedMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {}))
    if (name !== NOT_BEFORE_ATTRIBUTE && value.StringValue !== undefined) attributes[name] = value.StringValue;
  const notBefore = Number(m.MessageAttributes?.[NOT_BEFORE_ATTRIBUTE]?.StringValue ?? Number.NaN);
  const sentAt = Number(m.Attributes?.SentTimestamp ?? Number.NaN);
  return {
    id: m.MessageId ?? "",
    body: m.Body ?? "",
    receiptHandle: m.ReceiptHandle ?? "",
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
    sentAt: Number.isNaN(sentAt) ? undefined : sentAt,
    notBefore: Number.isNaN(notBefore) ? undefined : notBefore,
    attributes,
  };
}

/** {@link JobQueue} on one SQS FIFO queue and its dead-letter queue. */
export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly deps: { sqs: SQSClient },
    /** `dlqUrl`: where `deadLetter` moves messages; a sender-only queue (poller, coalescer) needs none. */
    private readonly options: { queueUrl: string; dlqUrl?: string | undefined },
  ) {}

  async receive(max: number, options: { waitSeconds: number; visibilitySeconds: number; signal?: AbortSignal }): Promise<QueuedMessage[]> {
    const reply = await this.deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
        WaitTimeSeconds: options.waitSeconds,
        VisibilityTimeout: options.visibilitySeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
        MessageAttributeNames: ["All"],
      }),
      options.signal ? { abortSignal: options.signal } : undefined,
    );
    return (reply.Messages ?? []).map(fromSqs);
  }

  async send(message: OutgoingMessage, queueUrl = this.options.queueUrl): Promise<void> {
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.body,
        MessageGroupId: message.groupId,
        // SQS takes 128 characters; a longer id is hashed, never cut (a cut could merge two retries' ids).
        MessageDeduplicationId:
          message.deduplicationId.length <= 128
            ? message.deduplicationId
            : createHash("sha256").update(message.deduplicationId).digest("hex"),
        MessageAttributes: toAttributes(message),
      }),
    );
  }

  async ack(messages: readonly QueuedMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const reply = await this.deps.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: batch.map((m, n) => ({ Id: String(n), ReceiptHandle: m.receiptHandle })),
        }),
      );
      const failed = (reply.Failed ?? []).filter((f) => f.Code !== "ReceiptHandleIsInvalid");
      if (failed.length > 0)
        throw new Error(`DeleteMessageBatch failed for ${failed.length} messages: ${failed[0]?.Message ?? failed[0]?.Code}`);
    }
  }

  async hide(message: QueuedMessage, seconds: number): Promise<void> {
    await this.deps.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.options.queueUrl,
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(seconds))),
      }),
    );
  }

  async resend(message: QueuedMessage, replacement: Omit<OutgoingMessage, "body">): Promise<void> {
    // Send before delete: a crash in between leaves two copies of an idempotent job, never none.
    await this.send({ ...replacement, body: message.body });
    await this.ack([message]);
  }

  async deadLetter(
    message: QueuedMessage,
    reason: { groupId: string; deduplicationId: string; attributes: Record<string, string> },
  ): Promise<void> {
    if (!this.options.dlqUrl) throw new Error("this JobQueue has no dead-letter queue");
    await this.send({ body: message.body || "{}", ...reason }, this.options.dlqUrl);
    await this.ack([message]);
  }
}
