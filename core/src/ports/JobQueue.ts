/** One message taken from a job queue, in the queue's own terms. */
export interface QueuedMessage {
  /** The queue's id of this delivery's message. */
  id: string;
  body: string;
  /** Handle of this receive: what ack, retry and dead-letter act on. */
  receiptHandle: string;
  /** Deliveries of this message so far, this one included. */
  receiveCount: number;
  /** Epoch milliseconds the message was sent. */
  sentAt?: number | undefined;
  /** Epoch milliseconds before which the job must not run (a retry's backoff carried by a fresh message). */
  notBefore?: number | undefined;
  /** String attributes the sender attached (the DLQ's reason, for instance). */
  attributes: Record<string, string>;
}

/** What to send: a body in a FIFO group, with a deduplication id. */
export interface OutgoingMessage {
  body: string;
  groupId: string;
  deduplicationId: string;
  notBefore?: number | undefined;
  attributes?: Record<string, string> | undefined;
}

/**
 * The port to the job queues (HotPathSyncQueue and its DLQ): the only calls the services make.
 * No service builds SQS commands itself; {@link SqsJobQueue} is the adapter and
 * {@link InMemoryJobQueue} the fake, both held to one contract suite.
 */
export interface JobQueue {
  /** Long-polls up to `max` messages (at most 10), each hidden for `visibilitySeconds`. */
  receive(max: number, options: { waitSeconds: number; visibilitySeconds: number; signal?: AbortSignal }): Promise<QueuedMessage[]>;
  send(message: OutgoingMessage): Promise<void>;
  /** Deletes handled messages (batched). */
  ack(messages: readonly QueuedMessage[]): Promise<void>;
  /** Hides the message for `seconds` more: a heartbeat, or a retry after a delay on this same message. */
  hide(message: QueuedMessage, seconds: number): Promise<void>;
  /** Replaces the message by a fresh one (receive count 1) that must not run before `notBefore`. */
  resend(message: QueuedMessage, replacement: Omit<OutgoingMessage, "body">): Promise<void>;
  /** Moves the message to the dead-letter queue with its reason, in its own group. */
  deadLetter(
    message: QueuedMessage,
    reason: { groupId: string; deduplicationId: string; attributes: Record<string, string> },
  ): Promise<void>;
}

/** The message attribute that carries `notBefore` (epoch milliseconds). */
export const NOT_BEFORE_ATTRIBUTE = "notBefore";

/** What the consumer does with a message once its job ran (after stopping the heartbeat). */
export type QueueDecision =
  | { kind: "ack" }
  /** Run again after `afterSeconds`: on this message, or on a fresh one (`resend`) that carries the delay as `notBefore`. */
  | { kind: "retry"; afterSeconds: number; resend?: { groupId: string; deduplicationId: string; notBefore: number } | undefined }
  | { kind: "dead_letter"; groupId: string; deduplicationId: string; attributes: Record<string, string> };
