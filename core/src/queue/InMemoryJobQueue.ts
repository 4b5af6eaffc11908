import type { JobQueue, OutgoingMessage, QueuedMessage } from "../ports/JobQueue.ts";

interface Stored {
  id: string;
  body: string;
  groupId: string;
  sentAt: number;
  notBefore?: number | undefined;
  attributes: Record<string, string>;
  receiveCount: number;
  visibleAt: number;
  receipt?: string | undefined;
}

/** SQS's deduplication interval. */
const DEDUP_MS = 5 * 60_000;

/**
 * The {@link JobQueue} fake: a FIFO queue with SQS's rules that matter to the worker — one message
 * in flight per group, in order; visibility; receive counts; a redrive to the dead-letter list
 * after `maxReceiveCount` receives; deduplication for 5 minutes. Time comes from `now`.
 */
export class InMemoryJobQueue implements JobQueue {
  readonly messages: Stored[] = [];
  /** Dead-lettered messages: by the worker (with attributes) or by the redrive (without). */
  readonly dead: { body: string; groupId: string; attributes: Record<string, string> }[] = [];
  /** Every call made, by name: what a cost test counts. */
  readonly calls: Record<string, number> = {};
  readonly #dedup = new Map<string, number>();
  #seq = 0;

  constructor(private readonly options: { maxReceiveCount: number; now?: () => number }) {}

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }

  #count(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }

  async receive(max: number, options: { visibilitySeconds: number }): Promise<QueuedMessage[]> {
    this.#count("receive");
    await new Promise((resolve) => setImmediate(resolve));
    const now = this.#now();
    const busy = new Set(this.messages.filter((m) => m.visibleAt > now).map((m) => m.groupId));
    const out: QueuedMessage[] = [];
    for (const m of [...this.messages]) {
      if (out.length >= Math.min(10, max)) break;
      if (busy.has(m.groupId) || m.visibleAt > now) continue;
      busy.add(m.groupId);
      if (m.receiveCount >= this.options.maxReceiveCount) {
        this.messages.splice(this.messages.indexOf(m), 1);
        this.dead.push({ body: m.body, groupId: m.groupId, attributes: {} });
        continue;
      }
      m.receiveCount += 1;
      m.visibleAt = now + options.visibilitySeconds * 1000;
      m.receipt = `${m.id}#${m.receiveCount}`;
      out.push({
        id: m.id,
        body: m.body,
        receiptHandle: m.receipt,
        receiveCount: m.receiveCount,
        sentAt: m.sentAt,
        notBefore: m.notBefore,
        attributes: { ...m.attributes },
      });
    }
    return out;
  }

  async send(message: OutgoingMessage): Promise<void> {
    this.#count("send");
    this.#enqueue(message);
  }

  #enqueue(message: OutgoingMessage): void {
    const now = this.#now();
    const seen = this.#dedup.get(message.deduplicationId);
    if (seen !== undefined && now - seen < DEDUP_MS) return;
    this.#dedup.set(message.deduplicationId, now);
    this.messages.push({
      id: `m${++this.#seq}`,
      body: message.body,
      groupId: message.groupId,
      sentAt: now,
      notBefore: message.notBefore,
      attributes: { ...(message.attributes ?? {}) },
      receiveCount: 0,
      visibleAt: 0,
    });
  }

  #find(message: QueuedMessage): Stored | undefined {
    return this.messages.find((m) => m.receipt === message.receiptHandle);
  }

  #remove(message: QueuedMessage): void {
    const found = this.#find(message);
    if (found) this.messages.splice(this.messages.indexOf(found), 1);
  }

  async ack(messages: readonly QueuedMessage[]): Promise<void> {
    this.#count("ack");
    for (const m of messages) this.#remove(m);
  }

  async hide(message: QueuedMessage, seconds: number): Promise<void> {
    this.#count("hide");
    const found = this.#find(message);
    if (!found) throw new Error("ReceiptHandleIsInvalid: the message is no longer in flight");
    found.visibleAt = this.#now() + Math.min(43_200, seconds) * 1000;
  }

  async resend(message: QueuedMessage, replacement: Omit<OutgoingMessage, "body">): Promise<void> {
    this.#count("resend");
    this.#enqueue({ ...replacement, body: message.body });
    this.#remove(message);
  }

  async deadLetter(
    message: QueuedMessage,
    reason: { groupId: string; deduplicationId: string; attributes: Record<string, string> },
  ): Promise<void> {
    this.#count("deadLetter");
    this.dead.push({ body: message.body, groupId: reason.groupId, attributes: { ...reason.attributes } });
    this.#remove(message);
  }

  /** Messages still queued or in flight. */
  get depth(): number {
    return this.messages.length;
  }
}
