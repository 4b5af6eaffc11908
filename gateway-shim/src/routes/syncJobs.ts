import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { HttpProblem } from "@syncwell/core";
import express from "express";
import type { ConfigCache } from "../configCache.ts";
import type { GatewayDeps, GatewayOptions } from "../deps.ts";
import { startManualJob } from "../manualJobs.ts";
import { renderTemplate, type TemplateRequest } from "../mapping/apiGatewayVtl.ts";
import { answer, templateRequest } from "../mapping/http.ts";
import { MAPPING_TEMPLATES } from "../mapping/templates.ts";

/**
 * `POST /v1/sync-configs/{id}/sync` and `GET /v1/sync-jobs/{jobId}` executed the way API Gateway
 * executes them in production: the very templates the stack deploys (gateway-shim/mapping) map
 * the request, the mapped SQS SendMessage / DynamoDB GetItem is performed, and the response
 * template makes the answer (docs/mapping-templates.md).
 *
 * Around the SendMessage the local gateway answers what production leaves to the worker (the
 * edge has no store there): an unknown or another user's config → 404, a disabled one → 409, and
 * the 24 h idempotency record of every manual job (manualJobs.ts: the same key on another request
 * → 422; a replay → the same job).
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

    const deduplicationId = mapped.get("MessageDeduplicationId") ?? "";
    const sent = await startManualJob(deps, options, {
      userId: message.userId,
      jobId: message.jobId,
      deduplicationId,
      request: { method: "POST", path: req.originalUrl.split("?")[0] ?? "", body: "{}" },
      send: async () => {
        await deps.sqs.send(
          new SendMessageCommand({
            QueueUrl: deps.queues.hotPathQueueUrl,
            MessageGroupId: mapped.get("MessageGroupId") ?? "",
            MessageDeduplicationId: deduplicationId,
            MessageBody: mapped.get("MessageBody") ?? "",
          }),
        );
      },
    });
    if (sent === "unavailable") return unavailable(res, request);
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
