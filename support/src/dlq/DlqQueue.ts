import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

/**
 * The SQS calls support makes on HotPathSyncDLQ and HotPathSyncQueue. A scan receives every
 * visible message with a short visibility timeout and then releases them, so the DLQ (and its
 * alarm) is left as it was; scans are serialised so two of them never hide messages from each other.
 */
export class DlqQueue {
  #turn: Promise<unknown> = Promise.resolve();
  /** Receipt handles of held messages deleted during the current turn (not to be released). */
  #deleted = new Set<string>();

  constructor(
    private readonly deps: { sqs: SQSClient },
    private readonly options: {
      dlqUrl: string;
      queueUrl: string;
      /** How long a scan hides the messages it holds. @defaultValue 30 */
      holdSeconds?: number;
    },
  ) {}

  /**
   * Runs `use` with every DLQ message held (invisible to others); messages `use` does not delete
   * are released when it returns.
   */
  async withMessages<T>(use: (messages: Message[]) => Promise<T>): Promise<T> {
    const run = this.#turn.then(async () => {
      const messages = await this.#receiveAll();
      try {
        return await use(messages);
      } finally {
        await this.#release(messages.filter((m) => !this.#deleted.has(m.ReceiptHandle ?? "")));
        this.#deleted.clear();
      }
    });
    this.#turn = run.catch(() => undefined);
    return run;
  }

  /** Moves one held message to the main queue: send (same body, so the same job) → delete. */
  async moveToMainQueue(message: Message, groupId: string): Promise<void> {
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.options.queueUrl,
        MessageBody: message.Body ?? "{}",
        MessageGroupId: groupId,
        // A resend after a crash between send and delete is dropped by SQS for 5 minutes.
        MessageDeduplicationId: `redrive-${message.MessageId}`.slice(0, 128),
      }),
    );
    await this.delete(message);
  }

  /**
   * Replaces a held message with a copy carrying `attributes` (send → delete): how a message SQS
   * moved here on its own (after maxReceiveCount receives, no reason attached) gets its reason.
   */
  async annotate(message: Message, groupId: string, attributes: Record<string, string>): Promise<void> {
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.options.dlqUrl,
        MessageBody: message.Body ?? "{}",
        MessageGroupId: groupId,
        MessageDeduplicationId: `annotated-${message.MessageId}`.slice(0, 128),
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value.slice(0, 1000) || "-" }]),
        ),
      }),
    );
    await this.delete(message);
  }

  async delete(message: Message): Promise<void> {
    await this.deps.sqs.send(new DeleteMessageCommand({ QueueUrl: this.options.dlqUrl, ReceiptHandle: message.ReceiptHandle }));
    this.#deleted.add(message.ReceiptHandle ?? "");
  }

  async #receiveAll(): Promise<Message[]> {
    const held = new Map<string, Message>();
    // A short poll may miss messages; an empty answer is confirmed by a 1 s long poll.
    for (let confirm = false; held.size < 10_000; ) {
      const { Messages = [] } = await this.deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: this.options.holdSeconds ?? 30,
          WaitTimeSeconds: confirm ? 1 : 0,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["SentTimestamp", "ApproximateReceiveCount", "MessageGroupId"],
        }),
      );
      for (const m of Messages) if (m.MessageId) held.set(m.MessageId, m);
      if (Messages.length > 0) confirm = false;
      else if (confirm) break;
      else confirm = true;
    }
    return [...held.values()];
  }

  async #release(messages: readonly Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      await this.deps.sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.options.dlqUrl,
            Entries: batch.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        )
        .catch(() => undefined); // they become visible again when the hold expires anyway
    }
  }
}
