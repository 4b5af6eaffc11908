import { createHash, randomUUID } from "node:crypto";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { HttpProblem } from "@syncwell/core";
import express from "express";
import { userOf } from "../auth.ts";
import type { ConfigCache } from "../configCache.ts";
import type { GatewayDeps, GatewayOptions } from "../deps.ts";
import { type RenderedTemplate, renderTemplate, type TemplateRequest } from "../mapping/apiGatewayVtl.ts";
import { MAPPING_TEMPLATES } from "../mapping/templates.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** What API Gateway gives a template about this request: the caller's claims, the path, query and headers. */
function templateRequest(req: express.Request, res: express.Response, extra: Partial<TemplateRequest> = {}): TemplateRequest {
  const header: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) header[name] = String(value);
  const querystring: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query)) if (typeof value === "string") querystring[name] = value;
  return {
    params: { path: Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)])), querystring, header },
    context: { authorizer: { claims: { sub: userOf(res) } }, requestId: randomUUID(), requestTimeEpoch: Date.now() },
    ...extra,
  };
}

/** Sends a rendered response template as API Gateway would: its status override, header overrides and text. */
function answer(res: express.Response, rendered: RenderedTemplate, status: number): void {
  res.status(rendered.status ?? status);
  res.type(rendered.headers["Content-Type"] ?? "application/json");
  for (const [name, value] of Object.entries(rendered.headers)) if (name !== "Content-Type") res.setHeader(name, value);
  res.send(rendered.output);
}

/**
 * `POST /v1/sync-configs/{id}/sync` and `GET /v1/sync-jobs/{jobId}` executed the way API Gateway
 * executes them in production: the very templates the stack deploys (gateway-shim/mapping) map
 * the request, the mapped SQS SendMessage / DynamoDB GetItem is performed, and the response
 * template makes the answer (docs/mapping-templates.md).
 *
 * Around the SendMessage the local gateway answers what production leaves to the worker (the
 * edge has no store there): an unknown or another user's config → 404, a disabled one → 409, and
 * the 24 h idempotency record (the same key on another request → 422; a replay → the same job
 * without a send). The job id and deduplication id are functions of user and key, so a request
 * that finds its key `pending` (a crash between SendMessage and marking it enqueued, or a
 * concurrent duplicate) simply sends again: SQS deduplicates within 5 minutes, the worker's
 * claim of the job id after that.
 */
export function syncJobRoutes(deps: GatewayDeps, options: GatewayOptions, configs: ConfigCache): express.Router {
  const router = express.Router();
  const unavailable = (res: express.Response, request: TemplateRequest) =>
    answer(res, renderTemplate(MAPPING_TEMPLATES["unavailable-response"], request), 503);

  router.post("/v1/sync-configs/:id/sync", async (req, res) => {
    // The template checks the body (empty or {}), as API Gateway would see it: raw text.
    const request = templateRequest(req, res, { body: req.body === undefined ? "" : JSON.stringify(req.body) });
    const mapped = new URLSearchParams(renderTemplate(MAPPING_TEMPLATES["sync-request"], request).output);
    const respond = () => answer(res, renderTemplate(MAPPING_TEMPLATES["sync-response"], request), 202);
    if (mapped.get("Action") !== "SendMessage") {
      // The template refused the request and mapped it to a read; perform it, as API Gateway would.
      await deps.sqs
        .send(new GetQueueAttributesCommand({ QueueUrl: deps.queues.hotPathQueueUrl, AttributeNames: ["QueueArn"] }))
        .then(respond, () => unavailable(res, request));
      return;
    }
    const message = JSON.parse(mapped.get("MessageBody") ?? "") as { jobId: string; userId: string; syncConfigId: string };
    const enabled = await configs.enabled(message.userId, message.syncConfigId);
    if (enabled === undefined) throw new HttpProblem(404, "no such sync config");
    if (!enabled) throw new HttpProblem(409, "the sync config is disabled");

    const key = mapped.get("MessageDeduplicationId") ?? "";
    const keyHash = sha256(key);
    const fingerprint = sha256(`POST\n${req.originalUrl.split("?")[0]}\n{}`);
    const claim = await deps.store.claimIdempotencyKey(
      message.userId,
      keyHash,
      { jobId: message.jobId, fingerprint },
      options.idempotencyTtlSeconds,
    );
    // A replay sends again: the message is a function of user and key, so SQS deduplicates it
    // within 5 minutes and the worker's claim of the job id after that. So a crash between the
    // claim and the send needs no repair, and the claim is the request's one write.
    if (!claim.claimed && claim.existing.fingerprint !== fingerprint)
      throw new HttpProblem(422, "this Idempotency-Key was used for a different request");
    try {
      await deps.sqs.send(
        new SendMessageCommand({
          QueueUrl: deps.queues.hotPathQueueUrl,
          MessageGroupId: mapped.get("MessageGroupId") ?? "",
          MessageDeduplicationId: key,
          MessageBody: mapped.get("MessageBody") ?? "",
        }),
      );
    } catch (error) {
      deps.logger.error({ err: (error as Error).message, jobId: message.jobId }, "enqueue failed");
      if (claim.claimed) await deps.store.releaseIdempotencyKey(message.userId, keyHash).catch(() => {});
      return unavailable(res, request);
    }
    if (claim.claimed) deps.metrics.jobsEnqueued.inc({ trigger: "manual" });
    respond();
  });

  router.get("/v1/sync-jobs/:jobId", async (req, res) => {
    const request = templateRequest(req, res, { stageVariables: { tableName: deps.tableName } });
    const getItem = JSON.parse(renderTemplate(MAPPING_TEMPLATES["job-request"], request).output);
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await deps.dynamoDb.send(new GetItemCommand(getItem)));
    } catch (error) {
      deps.logger.error({ err: (error as Error).message }, "job status read failed");
      return unavailable(res, request);
    }
    // DynamoDB's own JSON answer: {"Item":{…}} or {} when there is none.
    answer(res, renderTemplate(MAPPING_TEMPLATES["job-response"], { ...request, body: JSON.stringify(item ? { Item: item } : {}) }), 200);
  });

  return router;
}
