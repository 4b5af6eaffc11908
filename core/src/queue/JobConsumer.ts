import type { Logger } from "../logging/logger.ts";
import type { JobQueue, QueueDecision, QueuedMessage } from "../ports/JobQueue.ts";

export interface JobConsumerOptions {
  /** Jobs in flight at once. */
  concurrency: number;
  /** Long-poll wait of one receive. */
  waitTimeSeconds: number;
  /** Visibility a running job keeps extending. */
  visibilityTimeoutSeconds: number;
  /** How often a running job extends its visibility; must be less than `visibilityTimeoutSeconds`. */
  heartbeatSeconds: number;
  /**
   * How long a finished message may wait for others to share its DeleteMessageBatch.
   * @defaultValue 20
   */
  ackDelayMs?: number;
}

/**
 * Long-polls a {@link JobQueue} in batches and runs each message with bounded concurrency. While
 * a message runs, its visibility is extended every `heartbeatSeconds`; when the handler has
 * decided, the heartbeat stops first and then the decision is applied (ack, retry, dead-letter),
 * so no late heartbeat can touch a message that was already handed on. Acks are batched.
 * `stop()` takes no new messages and resolves when the running ones have finished.
 */
export class JobConsumer {
  readonly #running = new Set<Promise<void>>();
  #stopping = false;
  #poll: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #acks: { message: QueuedMessage; done: (error?: unknown) => void }[] = [];
  /** Free slots worth a receive while jobs run: half the concurrency, at most SQS's 10. */
  readonly #batch: number;
  #ackTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { queue: JobQueue; logger: Logger; handle: (message: QueuedMessage) => Promise<QueueDecision> },
    private readonly options: JobConsumerOptions,
  ) {
    if (options.heartbeatSeconds >= options.visibilityTimeoutSeconds)
      throw new Error("heartbeatSeconds must be less than visibilityTimeoutSeconds");
    if (options.concurrency < 1) throw new Error("concurrency must be at least 1");
    this.#batch = Math.min(10, Math.ceil(options.concurrency / 2));
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#poll?.abort();
    await this.#loop;
    await Promise.all([...this.#running]);
    await this.#flushAcks();
  }

  get inFlight(): number {
    return this.#running.size;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const free = this.options.concurrency - this.#running.size;
      // Receive in batches: while jobs run, wait until a batch's worth of slots is free, so one
      // ReceiveMessage serves several jobs instead of one each.
      if (free <= 0 || (this.#running.size > 0 && free < this.#batch)) {
        await Promise.race(this.#running);
        continue;
      }
      this.#poll = new AbortController();
      let messages: QueuedMessage[];
      try {
        messages = await this.deps.queue.receive(free, {
          waitSeconds: this.options.waitTimeSeconds,
          visibilitySeconds: this.options.visibilityTimeoutSeconds,
          signal: this.#poll.signal,
        });
      } catch (error) {
        if (this.#stopping) break;
        this.deps.logger.error({ err: (error as Error).message }, "receive failed; retrying in 1 s");
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      // An empty receive that answered at once (a short poll) must not starve timers and I/O.
      if (messages.length === 0) await new Promise((resolve) => setImmediate(resolve));
      for (const message of messages) {
        const task = this.#process(message).finally(() => this.#running.delete(task));
        this.#running.add(task);
      }
    }
  }

  async #process(message: QueuedMessage): Promise<void> {
    const heartbeat = setInterval(() => {
      this.deps.queue
        .hide(message, this.options.visibilityTimeoutSeconds)
        .catch((error: Error) => this.deps.logger.warn({ err: error.message }, "visibility heartbeat failed"));
    }, this.options.heartbeatSeconds * 1000);
    let decision: QueueDecision;
    try {
      decision = await this.deps.handle(message);
    } catch (error) {
      // The handler decides every outcome; reaching here is a bug. The message reappears after its visibility timeout.
      this.deps.logger.error({ err: error }, "message handler failed");
      return;
    } finally {
      clearInterval(heartbeat);
    }
    try {
      await this.#apply(message, decision);
    } catch (error) {
      this.deps.logger.error({ err: (error as Error).message, decision: decision.kind }, "applying the decision failed");
    }
  }

  #apply(message: QueuedMessage, decision: QueueDecision): Promise<void> {
    const { queue } = this.deps;
    switch (decision.kind) {
      case "ack":
        return this.#ack(message);
      case "retry":
        return decision.resend ? queue.resend(message, decision.resend) : queue.hide(message, decision.afterSeconds);
      case "dead_letter":
        return queue.deadLetter(message, decision);
    }
  }

  #ack(message: QueuedMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#acks.push({ message, done: (error) => (error ? reject(error) : resolve()) });
      if (this.#acks.length >= 10) void this.#flushAcks();
      else this.#ackTimer ??= setTimeout(() => void this.#flushAcks(), this.options.ackDelayMs ?? 20);
    });
  }

  async #flushAcks(): Promise<void> {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    const batch = this.#acks.splice(0, 10);
    if (batch.length === 0) return;
    try {
      await this.deps.queue.ack(batch.map((a) => a.message));
      for (const a of batch) a.done();
    } catch (error) {
      for (const a of batch) a.done(error);
    }
    if (this.#acks.length > 0) await this.#flushAcks();
  }
}
