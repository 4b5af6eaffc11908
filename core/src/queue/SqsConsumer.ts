import { ChangeMessageVisibilityCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "../logging/logger.ts";

export interface ConsumerOptions {
  queueUrl: string;
  /** Jobs in flight at once. */
  concurrency: number;
  waitTimeSeconds: number;
  visibilityTimeoutSeconds: number;
  /** Must be less than visibilityTimeoutSeconds. */
  heartbeatSeconds: number;
}

/**
 * Long-polls one queue in batches and runs each message with bounded concurrency. While a
 * message runs its visibility is extended every `heartbeatSeconds`; `stop()` takes no new
 * messages and resolves when the running ones have finished.
 */
export class SqsConsumer {
  readonly #running = new Set<Promise<void>>();
  #stopping = false;
  #poll: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly deps: { sqs: SQSClient; logger: Logger; handle: (message: Message) => Promise<void> },
    private readonly options: ConsumerOptions,
  ) {
    if (options.heartbeatSeconds >= options.visibilityTimeoutSeconds)
      throw new Error("heartbeatSeconds must be less than visibilityTimeoutSeconds");
    if (options.concurrency < 1) throw new Error("concurrency must be at least 1");
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#poll?.abort();
    await this.#loop;
    await Promise.all([...this.#running]);
  }

  get inFlight(): number {
    return this.#running.size;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const free = this.options.concurrency - this.#running.size;
      if (free <= 0) {
        await Promise.race(this.#running);
        continue;
      }
      this.#poll = new AbortController();
      let messages: Message[] = [];
      try {
        const reply = await this.deps.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: Math.min(10, free),
            WaitTimeSeconds: this.options.waitTimeSeconds,
            VisibilityTimeout: this.options.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp", "MessageGroupId"],
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: this.#poll.signal },
        );
        messages = reply.Messages ?? [];
      } catch (error) {
        if (this.#stopping) break;
        this.deps.logger.error({ err: (error as Error).message }, "receive failed; retrying in 1 s");
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      for (const message of messages) {
        const task = this.#process(message).finally(() => this.#running.delete(task));
        this.#running.add(task);
      }
    }
  }

  async #process(message: Message): Promise<void> {
    const heartbeat = setInterval(() => {
      this.deps.sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: this.options.queueUrl,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: this.options.visibilityTimeoutSeconds,
          }),
        )
        .catch((error: Error) => this.deps.logger.warn({ err: error.message }, "visibility heartbeat failed"));
    }, this.options.heartbeatSeconds * 1000);
    try {
      await this.deps.handle(message);
    } catch (error) {
      // The handler decides every outcome; reaching here is a bug. The message reappears after its visibility timeout.
      this.deps.logger.error({ err: error }, "message handler failed");
    } finally {
      clearInterval(heartbeat);
    }
  }
}
