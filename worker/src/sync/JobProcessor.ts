import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  type ErrorCategory,
  type JobMessage,
  type Logger,
  type MetadataStore,
  PartnerError,
  parseJobMessage,
  ReauthRequiredError,
} from "@syncwell/core";
import type { WorkerMetrics } from "../metrics.ts";
import { countedAttempts, type JobOutcome, outcomeOfFailure, retryOnFreshMessage } from "./outcome.ts";
import { PushIncompleteError, type SyncJobHandler } from "./SyncJobHandler.ts";

type Store = Pick<MetadataStore, "getJob" | "putJob" | "updateJob">;

export interface ProcessorOptions {
  queueUrl: string;
  dlqUrl: string;
  maxAttempts: number;
  retryBaseSeconds: number;
  jobTtlSeconds: number;
}

/** A failure, classified for the outcome decision. */
function classify(error: unknown): { category: ErrorCategory; message: string; retryAfterSeconds?: number | undefined } {
  if (error instanceof PartnerError)
    return { category: error.category, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof ReauthRequiredError) return { category: "auth", message: error.message };
  if (error instanceof PushIncompleteError) return { category: error.retryable ? "transient" : "permanent", message: error.message };
  return { category: "unknown", message: (error as Error).message ?? String(error) };
}

/**
 * Runs one message through the handler and applies the outcome to the queue and the job status:
 * delete on success, a visibility change to retry, or the DLQ with the reason. A rate-limit wait
 * is re-sent as a fresh message before it could exhaust the queue's receive count.
 */
export class JobProcessor {
  constructor(
    private readonly deps: {
      sqs: SQSClient;
      store: Store;
      handler: SyncJobHandler;
      metrics: WorkerMetrics;
      logger: Logger;
      now?: () => number;
    },
    private readonly options: ProcessorOptions,
  ) {}

  async process(message: Message): Promise<void> {
    const started = performance.now();
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? "1");
    const sentAt = Number(message.Attributes?.SentTimestamp ?? Number.NaN);
    if (!Number.isNaN(sentAt)) this.deps.metrics.queueWait.observe(Math.max(0, ((this.deps.now?.() ?? Date.now()) - sentAt) / 1000));
    const parsed = parseJobMessage(message.Body ?? "");
    if (!parsed.ok) {
      await this.#deadLetter(message, undefined, { kind: "dead_letter", category: "invalid_message", message: parsed.reason });
      this.#observe("dead_lettered", started);
      return;
    }
    const job = parsed.message;
    const log = this.deps.logger.child({ jobId: job.jobId, userId: job.userId, syncConfigId: job.syncConfigId });
    await this.#markInProgress(job);

    let outcome: JobOutcome;
    try {
      outcome = await this.deps.handler.run(job);
    } catch (error) {
      const failure = classify(error);
      const counts = failure.category !== "rate_limited";
      const record = counts
        ? await this.deps.store.updateJob(job.jobId, { errorCategory: failure.category, errorMessage: failure.message }, "attempts")
        : await this.deps.store.updateJob(job.jobId, {}, "rateLimitWaits");
      const attempts = countedAttempts(record, receiveCount);
      outcome = outcomeOfFailure({
        ...failure,
        attempts: counts ? attempts : receiveCount,
        maxAttempts: this.options.maxAttempts,
        baseBackoffSeconds: this.options.retryBaseSeconds,
      });
      log.warn({ category: failure.category, attempts, outcome: outcome.kind }, `job failed: ${failure.message}`);
    }

    switch (outcome.kind) {
      case "succeeded":
        await this.deps.store.updateJob(job.jobId, {
          status: "succeeded",
          recordsWritten: outcome.recordsWritten,
          errorCategory: undefined,
        });
        await this.#delete(message);
        log.info({ recordsWritten: outcome.recordsWritten }, "job succeeded");
        break;
      case "cancelled":
        await this.deps.store.updateJob(job.jobId, { status: "cancelled", errorMessage: outcome.reason });
        await this.#delete(message);
        log.info({ reason: outcome.reason }, "job cancelled");
        break;
      case "retry":
        await this.deps.store.updateJob(job.jobId, { status: "retrying", errorCategory: outcome.category, errorMessage: outcome.message });
        if (retryOnFreshMessage(receiveCount, this.options.maxAttempts)) {
          await this.#resend(message, job, `${job.jobId}:retry:${receiveCount}:${this.deps.now?.() ?? Date.now()}`);
        } else {
          await this.deps.sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: this.options.queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: Math.min(43_200, outcome.afterSeconds),
            }),
          );
        }
        break;
      case "dead_letter":
        await this.#deadLetter(message, job, outcome);
        break;
    }
    this.#observe(
      outcome.kind === "succeeded"
        ? "succeeded"
        : outcome.kind === "cancelled"
          ? "cancelled"
          : outcome.kind === "retry"
            ? "retrying"
            : "dead_lettered",
      started,
    );
  }

  #observe(outcome: string, started: number): void {
    this.deps.metrics.jobsProcessed.inc({ outcome });
    this.deps.metrics.jobDuration.observe({ outcome }, (performance.now() - started) / 1000);
  }

  async #markInProgress(job: JobMessage): Promise<void> {
    const updated = await this.deps.store.updateJob(job.jobId, { status: "in_progress" });
    if (updated !== undefined) return;
    // Webhook and poll jobs have no status item yet.
    const now = new Date(this.deps.now?.() ?? Date.now()).toISOString();
    await this.deps.store.putJob(
      {
        jobId: job.jobId,
        userId: job.userId,
        syncConfigId: job.syncConfigId,
        trigger: job.trigger,
        status: "in_progress",
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      },
      this.options.jobTtlSeconds,
    );
  }

  async #delete(message: Message): Promise<void> {
    await this.deps.sqs.send(new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
  }

  async #resend(message: Message, job: JobMessage, deduplicationId: string): Promise<void> {
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.options.queueUrl,
        MessageBody: message.Body,
        MessageGroupId: job.userId,
        MessageDeduplicationId: deduplicationId.slice(0, 128),
      }),
    );
    await this.#delete(message);
  }

  /** Moves the message to the DLQ with the reason as attributes (no health data), then deletes it here. */
  async #deadLetter(message: Message, job: JobMessage | undefined, outcome: Extract<JobOutcome, { kind: "dead_letter" }>): Promise<void> {
    const attribute = (value: string) => ({ DataType: "String", StringValue: value.slice(0, 1000) || "-" });
    // Each dead job is its own group: support inspects and re-drives them one by one, and a user's
    // second dead job is never hidden behind the first one in flight.
    const groupId = job?.jobId ?? message.MessageId ?? "invalid";
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.options.dlqUrl,
        MessageBody: message.Body || "{}",
        MessageGroupId: groupId,
        MessageDeduplicationId: `${job?.jobId ?? message.MessageId ?? "invalid"}:dlq`.slice(0, 128),
        MessageAttributes: {
          errorCategory: attribute(outcome.category),
          errorMessage: attribute(outcome.message),
          ...(job ? { userId: attribute(job.userId), syncConfigId: attribute(job.syncConfigId), jobId: attribute(job.jobId) } : {}),
          receiveCount: attribute(message.Attributes?.ApproximateReceiveCount ?? "1"),
        },
      }),
    );
    await this.#delete(message);
    if (job)
      await this.deps.store.updateJob(job.jobId, {
        status: "dead_lettered",
        errorCategory: outcome.category,
        errorMessage: outcome.message,
      });
    this.deps.logger.warn({ jobId: job?.jobId, category: outcome.category }, `job dead-lettered: ${outcome.message}`);
  }
}
