import { createHash, randomUUID } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { HttpProblem, type JobMessage, parseOrThrow } from "@syncwell/core";
import express from "express";
import { z } from "zod";
import { userOf } from "../auth.ts";
import type { GatewayDeps, GatewayOptions } from "../deps.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const SyncBody = z.object({}).strict();
const JOB_TTL_SECONDS = 7 * 86400;

/**
 * `POST /v1/sync-configs/{id}/sync` as API Gateway's direct SQS integration would do it (validate,
 * map, SendMessage to the FIFO queue) plus the 24 h idempotency record that outlives SQS's
 * 5-minute deduplication window; and `GET /v1/sync-jobs/{jobId}`.
 */
export function syncJobRoutes(deps: GatewayDeps, options: GatewayOptions): express.Router {
  const router = express.Router();

  router.post("/v1/sync-configs/:id/sync", async (req, res) => {
    const key = req.get("idempotency-key");
    if (!key) throw new HttpProblem(400, "the Idempotency-Key header is required");
    if (key.length > 255) throw new HttpProblem(400, "the Idempotency-Key header must be at most 255 characters");
    const body = parseOrThrow(SyncBody, req.body ?? {});
    const userId = userOf(res);
    const config = await deps.store.getConfig(userId, String(req.params.id));
    if (!config) throw new HttpProblem(404, "no such sync config");
    if (!config.enabled) throw new HttpProblem(409, "the sync config is disabled");

    const keyHash = sha256(`${userId}\n${key}`);
    const fingerprint = sha256(`POST\n${req.originalUrl.split("?")[0]}\n${JSON.stringify(body)}`);
    const jobId = randomUUID();
    const claim = await deps.store.claimIdempotencyKey(
      userId,
      keyHash,
      { jobId, fingerprint, state: "pending" },
      options.idempotencyTtlSeconds,
    );
    if (!claim.claimed) {
      if (claim.existing.fingerprint !== fingerprint) throw new HttpProblem(422, "this Idempotency-Key was used for a different request");
      if (claim.existing.state === "pending")
        throw new HttpProblem(409, "a request with this Idempotency-Key is in progress", {}, { "Retry-After": "1" });
      return void res.status(202).json({ jobId: claim.existing.jobId });
    }

    const now = new Date().toISOString();
    const message: JobMessage = {
      jobId,
      userId,
      syncConfigId: config.syncConfigId,
      trigger: "manual",
      requestedAt: now,
      idempotencyKey: key,
    };
    try {
      await deps.store.putJob(
        {
          jobId,
          userId,
          syncConfigId: config.syncConfigId,
          trigger: "manual",
          status: "queued",
          attempts: 0,
          createdAt: now,
          updatedAt: now,
        },
        JOB_TTL_SECONDS,
      );
      await deps.sqs.send(
        new SendMessageCommand({
          QueueUrl: deps.queues.hotPathQueueUrl,
          MessageBody: JSON.stringify(message),
          MessageGroupId: userId,
          MessageDeduplicationId: keyHash,
        }),
      );
    } catch (error) {
      deps.logger.error({ err: (error as Error).message, jobId }, "enqueue failed");
      await deps.store.releaseIdempotencyKey(userId, keyHash).catch(() => {});
      await deps.store.updateJob(jobId, { status: "cancelled", errorMessage: "could not be queued" }).catch(() => {});
      throw new HttpProblem(503, "the sync could not be queued; try again with the same Idempotency-Key", {}, { "Retry-After": "1" });
    }
    await deps.store.markIdempotencyEnqueued(userId, keyHash);
    deps.metrics.jobsEnqueued.inc({ trigger: "manual" });
    res.status(202).location(`/v1/sync-jobs/${jobId}`).json({ jobId });
  });

  router.get("/v1/sync-jobs/:jobId", async (req, res) => {
    const job = await deps.store.getJob(String(req.params.jobId));
    if (!job || job.userId !== userOf(res)) throw new HttpProblem(404, "no such job");
    const failed = job.status === "retrying" || job.status === "dead_lettered" || job.status === "cancelled";
    res.json({
      jobId: job.jobId,
      status: job.status,
      attempts: job.attempts,
      ...(job.recordsWritten !== undefined ? { recordsWritten: job.recordsWritten } : {}),
      ...(failed && job.errorMessage ? { error: { category: job.errorCategory ?? "unknown", message: job.errorMessage } } : {}),
    });
  });

  return router;
}
