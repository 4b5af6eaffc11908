import { HttpProblem, type JobMessage, parseJobMessage, SqsJobQueue, type SyncLogEntry } from "@syncwell/core";
import express from "express";
import { userOf } from "../auth.ts";
import type { ConfigCache } from "../configCache.ts";
import type { GatewayDeps } from "../deps.ts";
import { startManualJob } from "../manualJobs.ts";
import { renderTemplate } from "../mapping/apiGatewayVtl.ts";
import { answer, templateRequest } from "../mapping/http.ts";
import { MAPPING_TEMPLATES } from "../mapping/templates.ts";
import type { SyncLogCursors } from "../syncLog/cursor.ts";

/** Entries a page holds unless `limit` says otherwise, and at most. */
export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/** `limit` as the query gave it: absent → the default; anything but an integer 1..100 → 400. */
export function pageLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_PAGE;
  const limit = typeof raw === "string" && /^[0-9]{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE)) throw new HttpProblem(400, `limit: an integer from 1 to ${MAX_PAGE}`, { field: "limit" });
  return limit;
}

/** A log line as the API shows it: ids, outcome, reason and time only (SPEC §15). */
const view = (e: SyncLogEntry): SyncLogEntry => ({
  sourceId: e.sourceId,
  ...(e.destinationId ? { destinationId: e.destinationId } : {}),
  outcome: e.outcome,
  reason: e.reason,
  jobId: e.jobId,
  at: e.at,
});

/**
 * The sync log of a user's config (`GET …/records`, newest first, paged by tamper-evident cursors)
 * and `POST …/records/{sourceId}/resync`, which syncs one record again whatever the watermark and
 * ledger say. Both answer 404 for a config that is not the caller's; a resync also for a record
 * the config never handled (no ledger entry).
 *
 * A resync is a manual job like `POST …/sync`: the same mapping template validates the request
 * (Idempotency-Key, ids, an empty body) and makes the job message, job id and deduplication id,
 * which then names the record (`recordIds`, `resync`); the same 24 h idempotency applies
 * (manualJobs.ts). It needs the store's word on the record first, so it runs here in production
 * too (the ECS gateway behind API Gateway's proxy), and sends through core's SqsJobQueue.
 */
export function syncLogRoutes(
  deps: GatewayDeps,
  options: { idempotencyTtlSeconds: number },
  configs: Pick<ConfigCache, "enabled">,
  cursors: SyncLogCursors,
): express.Router {
  const router = express.Router();
  const queue = new SqsJobQueue({ sqs: deps.sqs }, { queueUrl: deps.queues.hotPathQueueUrl });

  router.get("/v1/sync-configs/:id/records", async (req, res) => {
    const limit = pageLimit(req.query.limit);
    const syncConfigId = String(req.params.id);
    if ((await configs.enabled(userOf(res), syncConfigId)) === undefined) throw new HttpProblem(404, "no such sync config");
    const cursor = req.query.cursor;
    const from = typeof cursor === "string" ? cursors.decode(syncConfigId, cursor) : undefined;
    if (cursor !== undefined && !from) throw new HttpProblem(400, "cursor: not a cursor of this sync log", { field: "cursor" });
    const page = await deps.store.listSyncLog(syncConfigId, limit, from);
    res.json({ items: page.items.map(view), ...(page.next ? { nextCursor: cursors.encode(syncConfigId, page.next) } : {}) });
  });

  router.post("/v1/sync-configs/:id/records/:sourceId/resync", async (req, res) => {
    const request = templateRequest(req, res, { body: req.body === undefined ? "" : JSON.stringify(req.body) });
    const mapped = new URLSearchParams(renderTemplate(MAPPING_TEMPLATES["sync-request"], request).output);
    if (mapped.get("Action") !== "SendMessage") {
      // The template refused it: the sync's own answer says why (400 for the key or body, 404 for the config id).
      const refused = renderTemplate(MAPPING_TEMPLATES["sync-response"], request);
      return answer(res, refused, refused.status ?? 400);
    }
    const mappedJob = JSON.parse(mapped.get("MessageBody") ?? "") as JobMessage;
    const enabled = await configs.enabled(mappedJob.userId, mappedJob.syncConfigId);
    if (enabled === undefined) throw new HttpProblem(404, "no such sync config");
    if (!enabled) throw new HttpProblem(409, "the sync config is disabled");
    const sourceId = String(req.params.sourceId);
    if (!(await deps.store.getLedgerEntry(mappedJob.syncConfigId, sourceId)))
      throw new HttpProblem(404, "no such record in this sync config");

    const parsed = parseJobMessage(JSON.stringify({ ...mappedJob, recordIds: [sourceId], resync: true }));
    if (!parsed.ok) throw new HttpProblem(404, "no such record in this sync config");
    const job = parsed.message;
    const deduplicationId = mapped.get("MessageDeduplicationId") ?? "";
    const sent = await startManualJob(deps, options, {
      userId: job.userId,
      jobId: job.jobId,
      deduplicationId,
      request: { method: "POST", path: req.originalUrl.split("?")[0] ?? "", body: "{}" },
      send: () => queue.send({ body: JSON.stringify(job), groupId: mapped.get("MessageGroupId") ?? job.userId, deduplicationId }),
    });
    if (sent === "unavailable") return answer(res, renderTemplate(MAPPING_TEMPLATES["unavailable-response"], request), 503);
    // Relative, as the sync's: it holds under API Gateway's stage prefix too.
    res.status(202).location(`../../../../sync-jobs/${job.jobId}`).json({ jobId: job.jobId });
  });

  return router;
}
