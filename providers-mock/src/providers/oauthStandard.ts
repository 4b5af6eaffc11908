import type { Partner } from "@syncwell/core";
import type { Request, Response } from "express";
import type { TokenSet } from "../oauth.ts";
import { accessTtl, basicCredentials, epochSeconds, param } from "./common.ts";
import type { PartnerContext } from "./types.ts";

/**
 * The RFC 6749 token endpoint as Garmin, Polar and Oura run it: client credentials in the form
 * or as Basic auth, `invalid_client` (401) / `invalid_grant` (400) errors, rotating refresh tokens.
 */
export function standardTokenEndpoint(
  ctx: PartnerContext,
  provider: Partner,
  defaultTtlSeconds: number,
  shape: (set: TokenSet, base: Record<string, unknown>) => Record<string, unknown>,
) {
  const client = ctx.options.clients[provider];
  return async (req: Request, res: Response) => {
    const basic = basicCredentials(req);
    const clientId = basic?.id ?? param(req, "client_id");
    const clientSecret = basic?.secret ?? param(req, "client_secret");
    if (clientId !== client.clientId || clientSecret !== client.clientSecret) {
      return res.status(401).json({ error: "invalid_client", error_description: "Client authentication failed" });
    }
    const grant = param(req, "grant_type");
    const ttl = accessTtl(ctx, defaultTtlSeconds);
    let set: TokenSet | undefined;
    if (grant === "authorization_code") set = await ctx.oauth.exchangeCode(provider, param(req, "code") ?? "", ttl);
    else if (grant === "refresh_token") set = await ctx.oauth.refresh(provider, param(req, "refresh_token") ?? "", ttl);
    else
      return res
        .status(400)
        .json({ error: "unsupported_grant_type", error_description: `grant_type ${grant ?? "(missing)"} is not supported` });
    if (!set)
      return res.status(400).json({ error: "invalid_grant", error_description: "The provided grant is invalid, expired or already used" });
    const base = {
      access_token: set.accessToken,
      token_type: "bearer",
      expires_in: Math.max(0, epochSeconds(set.expiresAt) - epochSeconds(ctx.now())),
      refresh_token: set.refreshToken,
    };
    res.json(shape(set, base));
  };
}
