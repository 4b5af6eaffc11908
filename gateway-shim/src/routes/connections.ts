import { randomUUID } from "node:crypto";
import { type ConnectionRecord, HttpProblem, PartnerError, ProviderSchema, parseOrThrow } from "@syncwell/core";
import express from "express";
import { z } from "zod";
import { userOf } from "../auth.ts";
import type { GatewayDeps } from "../deps.ts";

const ConnectBody = z.object({ provider: ProviderSchema, authorizationCode: z.string().min(1).max(512) }).strict();

const view = (c: ConnectionRecord) => ({ connectionId: c.connectionId, provider: c.provider, status: c.status, createdAt: c.createdAt });

/** Connect a provider account: exchange the OAuth code at the partner and keep the tokens encrypted. */
export function connectionRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  router.post("/v1/connections", async (req, res) => {
    const { provider, authorizationCode } = parseOrThrow(ConnectBody, req.body);
    let grant: Awaited<ReturnType<ReturnType<typeof deps.adapters.oauth>["exchangeCode"]>>;
    try {
      grant = await deps.adapters.oauth(provider).exchangeCode(authorizationCode);
    } catch (error) {
      if (error instanceof PartnerError && (error.category === "permanent" || error.category === "auth")) {
        throw new HttpProblem(422, `${provider} rejected the authorization code`);
      }
      deps.logger.warn({ provider, err: (error as Error).message }, "code exchange failed");
      throw new HttpProblem(502, `${provider} is not answering; try again`);
    }
    const userId = userOf(res);
    const existing = (await deps.store.findConnectionsByOwner(provider, grant.providerUserId)).find((c) => c.userId === userId);
    const connection: ConnectionRecord = {
      connectionId: existing?.connectionId ?? randomUUID(),
      userId,
      provider,
      providerUserId: grant.providerUserId,
      status: "active",
      createdAt: existing?.createdAt ?? new Date().toISOString(),
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      tokenExpiresAt: grant.expiresAt,
      tokenVersion: (existing?.tokenVersion ?? 0) + 1,
    };
    await deps.store.putConnection(connection);
    res.status(201).json(view(connection));
  });

  router.get("/v1/connections/:connectionId", async (req, res) => {
    const connection = await deps.store.getConnection(userOf(res), String(req.params.connectionId));
    if (!connection) throw new HttpProblem(404, "no such connection");
    res.json(view(connection));
  });

  return router;
}
