import { createHash } from "node:crypto";
import {
  type BatchStore,
  DEVICE_KIND_TYPES,
  DEVICE_UPLOAD_MAX_BYTES,
  type DeviceBatch,
  DeviceUploadSchema,
  deviceBatchKey,
  HttpProblem,
  isDeviceSource,
  parseJobMessage,
  SqsJobQueue,
} from "@syncwell/core";
import express, { type RequestHandler } from "express";
import { userOf } from "../auth.ts";
import type { GatewayDeps } from "../deps.ts";
import { parseBody } from "../fieldProblems.ts";
import { startManualJob } from "../manualJobs.ts";

/** The manual sync's rule (sync-request.vtl): a key SQS can carry in a deduplication id, and a subject that can name a job. */
const KEY = /^[!-~]{1,64}$/;
const SUBJECT = /^[A-Za-z0-9_@:-][A-Za-z0-9_.@:-]{0,39}$/;

/** Options of {@link deviceUploadRoutes}. */
export interface DeviceUploadOptions {
  idempotencyTtlSeconds: number;
  /**
   * The largest body read; a larger one is 413 before it is parsed (the stream is cut at the limit).
   * @defaultValue DEVICE_UPLOAD_MAX_BYTES (1 MiB)
   */
  maxBytes?: number;
}

/**
 * A device upload's job id: a function of user, key and config, so a replay answers (and sends) the
 * same jobs. `{user}.d{22 base64url chars}`, within the job-status route's id rule and SQS's
 * deduplication id (it is that too: one message per config).
 */
export function deviceJobId(userId: string, key: string, syncConfigId: string): string {
  return `${userId}.d${createHash("sha256").update(`${key}\n${syncConfigId}`).digest("base64url").slice(0, 22)}`;
}

/**
 * `POST /v1/device-uploads` (SPEC §18): the mobile app uploads workouts it read from HealthKit to its
 * `apple_health` connection. The body is read raw up to the limit (413 beyond, before parsing),
 * validated whole (a record failing its schema → 422 naming it, `records[3].startTime`; nothing
 * stored), the connection must be the caller's device connection (404 otherwise) with an enabled
 * config sourcing it (409 otherwise). Then the batch is stored in object storage under
 * `device-uploads/{userId}/{connectionId}/{sha256 of the body}.json` and one manual job per such
 * config carries its key (claim-check: the message stays small) → 202 `{"jobIds":[…]}`.
 *
 * The Idempotency-Key is the manual sync's (manualJobs.ts: one key space per user, 24 h, the same
 * key on another request → 422, a replay sends and answers the same jobs; a refused send → 503 and
 * the key is freed). A batch uploaded again under a new key is stored as the same object and its
 * jobs write nothing twice: the ledger knows every record by the device's id.
 */
export function deviceUploadRoutes(
  deps: GatewayDeps,
  options: DeviceUploadOptions,
  authenticate: readonly RequestHandler[],
): express.Router {
  const router = express.Router();
  const queue = new SqsJobQueue({ sqs: deps.sqs }, { queueUrl: deps.queues.hotPathQueueUrl });
  const maxBytes = options.maxBytes ?? DEVICE_UPLOAD_MAX_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1024) throw new Error("maxBytes must be an integer of at least 1024");

  // Authenticated first (401), then the key (400), before a byte of the body is read.
  const checkKey: RequestHandler = (req, res, next) => {
    const key = req.get("idempotency-key") ?? "";
    if (!KEY.test(key))
      throw new HttpProblem(400, "the Idempotency-Key header is required: 1 to 64 letters, digits or ASCII punctuation", {
        field: "Idempotency-Key",
      });
    if (!SUBJECT.test(userOf(res))) throw new HttpProblem(400, "the token's subject cannot name a job");
    next();
  };

  router.post("/v1/device-uploads", ...authenticate, checkKey, express.raw({ type: () => true, limit: maxBytes }), async (req, res) => {
    const userId = userOf(res);
    const key = req.get("idempotency-key") as string;
    const batches = deps.batches;
    if (!batches) throw new HttpProblem(503, "device uploads are not configured on this gateway");
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new HttpProblem(400, "request body is not valid JSON");
    }
    const upload = parseBody(DeviceUploadSchema, json, ["records"]);

    const connection = await deps.store.getConnection(userId, upload.connectionId);
    if (!connection || !isDeviceSource(connection.provider)) throw new HttpProblem(404, "no such device connection");
    if (connection.status !== "active")
      throw new HttpProblem(422, `connectionId: the ${connection.provider} connection is disconnected; connect it again first`, {
        field: "connectionId",
      });
    // Jobs for the configs of the types the batch holds (a batch of workouts starts no sleep sync).
    const types = new Set(upload.records.map((r) => DEVICE_KIND_TYPES[r.kind].dataType));
    const configs = (await deps.store.listConfigs(userId)).filter(
      (c) => c.enabled && c.sourceConnectionId === connection.connectionId && types.has(c.dataType),
    );
    if (configs.length === 0)
      throw new HttpProblem(
        409,
        `no enabled sync config takes ${[...types].join(" or ")} from this ${connection.provider} connection: create one first`,
      );

    const batchKey = deviceBatchKey(userId, connection.connectionId, raw);
    const requestedAt = new Date().toISOString();
    const jobs = configs.map((c) => {
      const parsed = parseJobMessage(
        JSON.stringify({
          jobId: deviceJobId(userId, key, c.syncConfigId),
          userId,
          syncConfigId: c.syncConfigId,
          trigger: "manual",
          requestedAt,
          idempotencyKey: key,
          batchKey,
        }),
      );
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.message;
    });
    const batch: DeviceBatch = { connectionId: connection.connectionId, records: upload.records };
    const sent = await startManualJob(deps, options, {
      userId,
      jobId: jobs[0]?.jobId ?? "",
      deduplicationId: `${userId}:${key}`,
      request: { method: "POST", path: "/v1/device-uploads", body: raw.toString("utf8") },
      send: async () => {
        await storeBatch(batches, batchKey, batch);
        for (const job of jobs) await queue.send({ body: JSON.stringify(job), groupId: userId, deduplicationId: job.jobId });
      },
    });
    if (sent === "unavailable") throw new HttpProblem(503, "the upload could not be queued; try again with the same Idempotency-Key");
    res.status(202).json({ jobIds: jobs.map((j) => j.jobId) });
  });
  return router;
}

/** The batch as the worker reads it (DeviceBatchSchema). Content-addressed: storing it again stores the same object. */
function storeBatch(batches: BatchStore, key: string, batch: DeviceBatch): Promise<void> {
  return batches.put(key, JSON.stringify(batch));
}
