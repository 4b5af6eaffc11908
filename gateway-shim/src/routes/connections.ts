import { randomUUID } from "node:crypto";
import {
  type ConnectionRecord,
  DEVICE_CONNECTION_TOKENS,
  HttpProblem,
  isDeviceSource,
  PartnerError,
  type Provider,
  ProviderSchema,
  parseOrThrow,
  type TokenGrant,
  TokenManager,
} from "@syncwell/core";
import express from "express";
import { z } from "zod";
import { userOf } from "../auth.ts";
import type { ConfigCache } from "../configCache.ts";
import type { GatewayDeps } from "../deps.ts";
import { Disconnector } from "../disconnect.ts";

/** A partner's connection exchanges an OAuth code; a device-native source's (apple_health) takes none. */
const ConnectBody = z
  .object({ provider: ProviderSchema, authorizationCode: z.string().min(1).max(512).optional() })
  .strict()
  .superRefine((b, ctx) => {
    if (isDeviceSource(b.provider) && b.authorizationCode !== undefined)
      ctx.addIssue({ code: "custom", path: ["authorizationCode"], message: `${b.provider} has no OAuth: leave it out` });
    if (!isDeviceSource(b.provider) && b.authorizationCode === undefined)
      ctx.addIssue({ code: "custom", path: ["authorizationCode"], message: "is required" });
  });

/**
 * A device-native source's "grant" (SPEC §18): no partner account and no token. Its provider-side
 * user id is the SyncWell user itself (the phone's owner: one such connection per user, and its
 * uploads are keyed by it); its tokens are empty and never expire, so nothing refreshes them and a
 * disconnect has nothing to revoke.
 */
const deviceGrant = (userId: string): TokenGrant => ({
  accessToken: DEVICE_CONNECTION_TOKENS.accessToken,
  refreshToken: DEVICE_CONNECTION_TOKENS.refreshToken,
  expiresAt: DEVICE_CONNECTION_TOKENS.tokenExpiresAt,
  providerUserId: userId,
});

/** What the app sees of a connection: never a token. */
const view = (c: Pick<ConnectionRecord, "connectionId" | "provider" | "status" | "createdAt">) => ({
  connectionId: c.connectionId,
  provider: c.provider,
  status: c.status,
  createdAt: c.createdAt,
});

/** Where partners are told to deliver a user's notifications. */
export interface ConnectionRouteOptions {
  /** SyncWell's public webhooks root (no trailing slash): a partner's callback is `<callbackBaseUrl>/<provider>`. */
  callbackBaseUrl: string;
}

/**
 * Connect a provider account (exchange the OAuth code at the partner, subscribe the user to its
 * notifications where it wants that per user, and keep the tokens encrypted), list and read the
 * user's connections, and disconnect one. Another user's connection answers 404.
 */
export function connectionRoutes(
  deps: GatewayDeps,
  options: ConnectionRouteOptions,
  configs?: Pick<ConfigCache, "forgetUser">,
): express.Router {
  const router = express.Router();
  const tokens = new TokenManager({ store: deps.store, adapters: deps.adapters, redis: deps.redis, logger: deps.logger });
  const disconnector = new Disconnector({ store: deps.store, adapters: deps.adapters, tokens, logger: deps.logger });

  router.post("/v1/connections", async (req, res) => {
    const { provider, authorizationCode } = parseOrThrow(ConnectBody, req.body);
    const userId = userOf(res);
    const grant = isDeviceSource(provider) ? deviceGrant(userId) : await exchange(provider, authorizationCode ?? "");
    if (!isDeviceSource(provider)) await subscribe(provider, grant);
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

  const exchange = async (provider: Provider, authorizationCode: string): Promise<TokenGrant> => {
    try {
      return await deps.adapters.oauth(provider).exchangeCode(authorizationCode);
    } catch (error) {
      if (error instanceof PartnerError && (error.category === "permanent" || error.category === "auth")) {
        throw new HttpProblem(422, `${provider} rejected the authorization code`);
      }
      deps.logger.warn({ provider, err: (error as Error).message }, "code exchange failed");
      throw new HttpProblem(502, `${provider} is not answering; try again`);
    }
  };

  /**
   * A partner that notifies only the callbacks an app subscribed per user (Withings) is told where,
   * before the connection is stored. A subscription that fails fails the connect: 502, and no
   * connection is stored (a reconnect of the same account keeps the one it had), so a connection
   * never looks fine while its notifications go nowhere. The user connects again with a new code;
   * what was subscribed before the failure is kept, and the next attempt adds only what is missing.
   * Nothing is rolled back at the partner: the unused grant is replaced by the next one, and a
   * notification for an account no connection holds is acknowledged and dropped.
   */
  const subscribe = async (provider: Provider, grant: TokenGrant): Promise<void> => {
    const oauth = deps.adapters.oauth(provider);
    if (!oauth.subscribeNotifications) return;
    try {
      await oauth.subscribeNotifications(grant, `${options.callbackBaseUrl}/${provider}`);
    } catch (error) {
      if (!(error instanceof PartnerError)) throw error;
      // The partner's reply may echo what it was sent: its category and status only, never its text.
      const seen = { provider, category: error.category, status: error.details.status };
      // Refused (a callback URL the partner cannot reach, say) is SyncWell's configuration to fix.
      if (error.category === "permanent") deps.logger.error(seen, "the partner refused the notification subscription: not connected");
      else deps.logger.warn(seen, "notification subscription failed: not connected");
      const retryAfter = error.retryAfterSeconds;
      throw new HttpProblem(
        502,
        `${provider} did not accept SyncWell's notification subscription, so nothing was connected; connect again`,
        {},
        retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) },
      );
    }
  };

  router.get("/v1/connections", async (_req, res) => {
    res.json({ items: (await deps.store.listConnections(userOf(res))).map(view) });
  });

  router.get("/v1/connections/:connectionId", async (req, res) => {
    const connection = await deps.store.getConnection(userOf(res), String(req.params.connectionId));
    if (!connection) throw new HttpProblem(404, "no such connection");
    res.json(view(connection));
  });

  // Idempotent: a disconnected connection stays listed as `revoked`, and deleting it again is 204 too.
  router.delete("/v1/connections/:connectionId", async (req, res) => {
    await disconnector.disconnect(userOf(res), String(req.params.connectionId));
    // Its configs were disabled: a sync asked for now answers 409 at once, not after the cache's 30 s.
    configs?.forgetUser(userOf(res));
    res.status(204).end();
  });

  return router;
}
