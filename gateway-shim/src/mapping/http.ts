import { randomUUID } from "node:crypto";
import type express from "express";
import { userOf } from "../auth.ts";
import type { RenderedTemplate, TemplateRequest } from "./apiGatewayVtl.ts";

/** What API Gateway gives a template about this request: the caller's claims, the path, query and headers. */
export function templateRequest(req: express.Request, res: express.Response, extra: Partial<TemplateRequest> = {}): TemplateRequest {
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
export function answer(res: express.Response, rendered: RenderedTemplate, status: number): void {
  res.status(rendered.status ?? status);
  res.type(rendered.headers["Content-Type"] ?? "application/json");
  for (const [name, value] of Object.entries(rendered.headers)) if (name !== "Content-Type") res.setHeader(name, value);
  res.send(rendered.output);
}
