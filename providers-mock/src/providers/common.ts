import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type { PartnerContext, PartnerModule } from "./types.ts";

/** Authenticates `Authorization: Bearer` against the partner's tokens; 401 in the partner's shape otherwise. */
export function bearer(ctx: PartnerContext, module: () => PartnerModule): RequestHandler {
  return async (req, res, next) => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return module().sendError(res, 401, "Authorization Error: missing access token");
    const check = await ctx.oauth.authenticate(module().provider, match[1]);
    if (!check.ok)
      return module().sendError(
        res,
        401,
        check.reason === "expired" ? "Authorization Error: access token expired" : "Authorization Error: invalid access token",
      );
    res.locals.partnerUserId = check.partnerUserId;
    res.locals.scope = check.scope;
    next();
  };
}

/** The authenticated partner user of this request (set by {@link bearer}). */
export function userOf(res: Response): string {
  return res.locals.partnerUserId as string;
}

/** The scope of this request's access token (set by {@link bearer}); undefined where the partner has none. */
export function scopeOf(res: Response): string | undefined {
  return res.locals.scope as string | undefined;
}

/** Reads a parameter the way OAuth endpoints accept it: form body, JSON body or query string. */
export function param(req: Request, name: string): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name] ?? req.query[name];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

/** Parses `Authorization: Basic` client credentials. */
export function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.get("authorization") ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function accessTtl(ctx: PartnerContext, partnerDefault: number): number {
  return ctx.options.accessTokenTtlSeconds ?? partnerDefault;
}

/** Random id in the style of partners that use opaque strings. */
export function opaqueId(length = 8): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join("");
}

export const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Parses an integer query parameter; undefined when absent, NaN when malformed. */
export function intParam(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
}

/** Heart-rate summary of samples, as partners report it. */
export function heartRateSummary(samples: readonly { heartRate?: number | undefined }[]): { average?: number; max?: number } {
  const values = samples.flatMap((s) => (s.heartRate === undefined ? [] : [s.heartRate]));
  if (values.length === 0) return {};
  return { average: Math.round(values.reduce((a, b) => a + b, 0) / values.length), max: Math.max(...values) };
}
