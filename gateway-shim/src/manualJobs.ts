import { createHash } from "node:crypto";
import { HttpProblem } from "@syncwell/core";
import type { GatewayDeps } from "./deps.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** One job a user asked for with an Idempotency-Key: `POST …/sync` and `POST …/records/{sourceId}/resync`. */
export interface ManualJob {
  userId: string;
  jobId: string;
  /** `{user}:{key}` (the mapping template's): the idempotency record's key and SQS's deduplication id. */
  deduplicationId: string;
  /** What makes two requests the same: method, path (no query) and body. */
  request: { method: string; path: string; body: string };
  /** Sends the job message; a replay sends it again (SQS or the worker's claim of the job id deduplicates). */
  send(): Promise<void>;
}

/**
 * The 24 h idempotency of a user's manual jobs (SPEC §5), one code path for every route that
 * starts one: the first request claims its key and sends; a replay (the same key, the same request)
 * sends the same message again and answers the same job; the same key on another request is 422.
 *
 * The job id and deduplication id are functions of user and key, so a request that finds its key
 * claimed (a crash between the claim and the send, or a concurrent duplicate) simply sends again:
 * SQS deduplicates within 5 minutes, the worker's claim of the job id after that. The claim is the
 * request's one write.
 *
 * @returns `sent`, or `unavailable` when the queue refused (the key is released, so a retry can succeed).
 */
export async function startManualJob(
  deps: Pick<GatewayDeps, "store" | "metrics" | "logger">,
  options: { idempotencyTtlSeconds: number },
  job: ManualJob,
): Promise<"sent" | "unavailable"> {
  const keyHash = sha256(job.deduplicationId);
  const fingerprint = sha256(`${job.request.method}\n${job.request.path}\n${job.request.body}`);
  const claim = await deps.store.claimIdempotencyKey(job.userId, keyHash, { jobId: job.jobId, fingerprint }, options.idempotencyTtlSeconds);
  if (!claim.claimed && claim.existing.fingerprint !== fingerprint)
    throw new HttpProblem(422, "this Idempotency-Key was used for a different request");
  try {
    await job.send();
  } catch (error) {
    deps.logger.error({ err: (error as Error).message, jobId: job.jobId }, "enqueue failed");
    if (claim.claimed) await deps.store.releaseIdempotencyKey(job.userId, keyHash).catch(() => {});
    return "unavailable";
  }
  if (claim.claimed) deps.metrics.jobsEnqueued.inc({ trigger: "manual" });
  return "sent";
}
