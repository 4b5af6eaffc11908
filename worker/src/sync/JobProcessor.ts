import {
  type ErrorCategory,
  type JobMessage,
  type JobPatch,
  type Logger,
  parseJobMessage,
  type QueueDecision,
  type QueuedMessage,
  type SyncStateStore,
} from "@syncwell/core";
import type { WorkerMetrics } from "../metrics.ts";
import { classify } from "./classify.ts";
import { countedAttempts, earlyRetryWait, type JobOutcome, outcomeOfFailure, retryOnFreshMessage } from "./outcome.ts";
import type { SyncJobHandler } from "./SyncJobHandler.ts";

type Store = Pick<SyncStateStore, "claimJob" | "recordJob">;

/**
 * A mobile sync's job id is a function of user and Idempotency-Key (the API's mapping template,
 * gateway-shim/mapping/sync-request.vtl), so another request with the key reaches the worker as a
 * message with the same job id and a later `requestedAt` once SQS's 5-minute deduplication is
 * over: within 24 h of the job it is a replay, acknowledged without running (SPEC §5, §16).
 */
const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;

export interface ProcessorOptions {
  /** The queue's maxReceiveCount: the one attempt limit of the worker and the queue. */
  maxReceiveCount: number;
  retryBaseSeconds: number;
  jobTtlSeconds: number;
  /**
   * A webhook or poll job writes `in_progress` only if it runs longer than this: most end sooner,
   * and their status item is written once, when they end.
   * @defaultValue 1000
   */
  inProgressAfterMs?: number;
}

/**
 * Runs one message through the handler, records the outcome on the job status, and answers the
 * queue decision (ack, retry after a delay, or dead-letter with the reason) for the consumer to
 * apply. It builds no queue request itself.
 */
export class JobProcessor {
  constructor(
    private readonly deps: {
      store: Store;
      handler: Pick<SyncJobHandler, "run">;
      metrics: WorkerMetrics;
      logger: Logger;
      now?: () => number;
    },
    private readonly options: ProcessorOptions,
  ) {
    if (options.maxReceiveCount < 2) throw new Error("maxReceiveCount must be at least 2");
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async process(message: QueuedMessage): Promise<QueueDecision> {
    const early = earlyRetryWait(message.notBefore, this.#now());
    if (early !== undefined) return { kind: "retry", afterSeconds: early };
    const started = performance.now();
    if (message.sentAt !== undefined) this.deps.metrics.queueWait.observe(Math.max(0, (this.#now() - message.sentAt) / 1000));
    const parsed = parseJobMessage(message.body);
    if (!parsed.ok) {
      this.#observe("dead_lettered", started);
      return this.#deadLetter(message, undefined, { category: "invalid_message", message: parsed.reason });
    }
    const job = parsed.message;
    const log = this.deps.logger.child({ jobId: job.jobId, userId: job.userId, syncConfigId: job.syncConfigId });
    // A mobile sync claims its status item first: a replay of its key within 24 h runs nothing.
    const claimed = job.trigger === "manual" && job.idempotencyKey !== undefined;
    if (claimed && (await this.deps.store.claimJob(job, this.options.jobTtlSeconds, IDEMPOTENCY_WINDOW_MS)) === "replay") {
      log.info("a replayed Idempotency-Key: the job exists, nothing runs");
      this.#observe("duplicate", started);
      return { kind: "ack" };
    }
    // Other jobs say `in_progress` only once they run long enough for anyone to look.
    const progress = claimed ? undefined : this.#inProgressLater(job);

    let outcome: JobOutcome;
    let recorded = false;
    try {
      outcome = await this.deps.handler.run(job);
      await progress?.settle();
    } catch (error) {
      await progress?.settle();
      const failure = classify(error);
      const counts = failure.category !== "rate_limited";
      const record = await this.#record(
        job,
        { status: "retrying", errorCategory: failure.category, errorMessage: failure.message },
        counts ? "attempts" : "rateLimitWaits",
      );
      const attempts = countedAttempts(record, message.receiveCount);
      outcome = outcomeOfFailure({
        ...failure,
        attempts,
        maxAttempts: this.options.maxReceiveCount,
        baseBackoffSeconds: this.options.retryBaseSeconds,
      });
      recorded = true;
      log.warn({ category: failure.category, attempts, outcome: outcome.kind }, `job failed: ${failure.message}`);
    }

    switch (outcome.kind) {
      case "succeeded":
        await this.#record(job, { status: "succeeded", recordsWritten: outcome.recordsWritten });
        log.info({ recordsWritten: outcome.recordsWritten }, "job succeeded");
        this.#observe("succeeded", started);
        return { kind: "ack" };
      case "more": {
        // Not a failure: the receive it used is counted as a wait, and the job goes on at once.
        await this.#record(job, { status: "in_progress", recordsWritten: outcome.recordsWritten }, "rateLimitWaits");
        log.info({ recordsWritten: outcome.recordsWritten }, "job wrote its share; the rest runs next");
        this.#observe("continued", started);
        return this.#retry(message, job, 0);
      }
      case "cancelled":
        await this.#record(job, { status: "cancelled", errorMessage: outcome.reason });
        log.info({ reason: outcome.reason }, "job cancelled");
        this.#observe("cancelled", started);
        return { kind: "ack" };
      case "retry": {
        if (!recorded) await this.#record(job, { status: "retrying", errorCategory: outcome.category, errorMessage: outcome.message });
        this.#observe("retrying", started);
        return this.#retry(message, job, outcome.afterSeconds);
      }
      case "dead_letter":
        this.#observe("dead_lettered", started);
        return this.#deadLetter(message, job, outcome);
    }
  }

  #record(job: JobMessage, patch: JobPatch, increment?: "attempts" | "rateLimitWaits") {
    return this.deps.store.recordJob(job, patch, this.options.jobTtlSeconds, increment);
  }

  /** Writes `in_progress` if the job is still running after `inProgressAfterMs`; `settle` cancels it or waits for it. */
  #inProgressLater(job: JobMessage): { settle(): Promise<void> } {
    let write: Promise<unknown> | undefined;
    const timer = setTimeout(() => {
      write = this.#record(job, { status: "in_progress" }).catch((error: Error) =>
        this.deps.logger.warn({ jobId: job.jobId, err: error.message }, "could not mark the job in progress"),
      );
    }, this.options.inProgressAfterMs ?? 1000);
    return {
      async settle() {
        clearTimeout(timer);
        await write;
      },
    };
  }

  /** Retries on this message while SQS has receives to spare, else on a fresh one carrying the delay. */
  #retry(message: QueuedMessage, job: JobMessage, afterSeconds: number): QueueDecision {
    if (!retryOnFreshMessage(message.receiveCount, this.options.maxReceiveCount)) return { kind: "retry", afterSeconds };
    const notBefore = this.#now() + afterSeconds * 1000;
    return { kind: "retry", afterSeconds, resend: { groupId: job.userId, deduplicationId: `${job.jobId}:retry:${message.id}`, notBefore } };
  }

  #observe(outcome: string, started: number): void {
    this.deps.metrics.jobsProcessed.inc({ outcome });
    this.deps.metrics.jobDuration.observe({ outcome }, (performance.now() - started) / 1000);
  }

  /**
   * The DLQ message carries the reason as attributes (no health data). The job status is marked
   * first: a crash before the move leaves a dead-lettered job whose message SQS redrives anyway.
   */
  async #deadLetter(
    message: QueuedMessage,
    job: JobMessage | undefined,
    reason: { category: ErrorCategory; message: string },
  ): Promise<QueueDecision> {
    if (job) await this.#record(job, { status: "dead_lettered", errorCategory: reason.category, errorMessage: reason.message });
    this.deps.logger.warn({ jobId: job?.jobId, category: reason.category }, `job dead-lettered: ${reason.message}`);
    // Each dead job is its own group: support inspects and re-drives them one by one, and a user's
    // second dead job is never hidden behind the first one in flight.
    const id = job?.jobId ?? (message.id || "invalid");
    return {
      kind: "dead_letter",
      groupId: id,
      deduplicationId: `${id}:dlq:${message.id}`,
      attributes: {
        errorCategory: reason.category,
        errorMessage: reason.message,
        ...(job ? { userId: job.userId, syncConfigId: job.syncConfigId, jobId: job.jobId } : {}),
        receiveCount: String(message.receiveCount),
      },
    };
  }
}
