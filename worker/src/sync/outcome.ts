import type { ErrorCategory } from "@syncwell/core";

/** What happens to a message after its job ran. Expected outcomes are values, not exceptions. */
export type JobOutcome =
  | { kind: "succeeded"; recordsWritten: number }
  /** A fair share was written and saved; the rest runs next, behind other users' jobs. */
  | { kind: "more"; recordsWritten: number }
  | { kind: "cancelled"; reason: string }
  | { kind: "retry"; afterSeconds: number; category: ErrorCategory; message: string }
  | { kind: "dead_letter"; category: ErrorCategory; message: string };

/** Exponential backoff without jitter (FIFO groups serialise a user's jobs anyway): base·2^(n-1), capped. */
export function backoffSeconds(attempt: number, baseSeconds: number, capSeconds = 300): number {
  return Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
}

/**
 * Decides the outcome of a failed attempt. Rate limits wait and never count; permanent, auth and
 * malformed-message failures go to the DLQ at once; anything else retries until `maxAttempts`.
 */
export function outcomeOfFailure(failure: {
  category: ErrorCategory;
  message: string;
  /** Counted failures including this one. */
  attempts: number;
  maxAttempts: number;
  retryAfterSeconds?: number | undefined;
  baseBackoffSeconds: number;
}): JobOutcome {
  const { category, message } = failure;
  if (category === "rate_limited") return { kind: "retry", afterSeconds: failure.retryAfterSeconds ?? 60, category, message };
  if (category === "permanent" || category === "auth" || category === "invalid_message") return { kind: "dead_letter", category, message };
  if (failure.attempts >= failure.maxAttempts) return { kind: "dead_letter", category, message };
  return {
    kind: "retry",
    afterSeconds: backoffSeconds(failure.attempts, failure.baseBackoffSeconds),
    category,
    message,
  };
}

/**
 * Failed attempts so far, from the job's own counters and the message's receive count: a receive
 * that was neither a counted failure nor a rate-limit wait was a crash mid-job, and counts too.
 */
export function countedAttempts(job: { attempts?: number; rateLimitWaits?: number } | undefined, receiveCount: number): number {
  return Math.max(job?.attempts ?? receiveCount, receiveCount - (job?.rateLimitWaits ?? 0));
}

/**
 * Whether a retry must go to a fresh message instead of back on the queue: the job decides when
 * it is dead (its counted attempts), never SQS's maxReceiveCount, which would move it to the DLQ
 * without a reason once waits and crashes had used up its receives. A fresh message carries
 * `notBefore`, so the delay holds there too.
 */
export function retryOnFreshMessage(receiveCount: number, maxReceiveCount: number): boolean {
  return receiveCount >= maxReceiveCount - 1;
}

/**
 * A message whose `notBefore` lies ahead is a retry that came back early (a fresh message cannot
 * be delayed on a FIFO queue): it waits the rest of its delay, and the receive does not count.
 */
export function earlyRetryWait(notBefore: number | undefined, now: number): number | undefined {
  if (notBefore === undefined) return undefined;
  const seconds = Math.floor((notBefore - now) / 1000);
  return seconds >= 1 ? seconds : undefined;
}
