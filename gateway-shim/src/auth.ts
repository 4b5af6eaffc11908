import type { Logger } from "@syncwell/core";
import { HttpProblem, type Redis, verifyJwt } from "@syncwell/core";
import type { RequestHandler, Response } from "express";

/** Requires `Authorization: Bearer <HS256 JWT>`; the subject is the user. */
export function requireUser(secret: string): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "");
    if (!match?.[1]) throw new HttpProblem(401, "a bearer token is required", {}, { "WWW-Authenticate": 'Bearer realm="syncwell"' });
    const check = verifyJwt(secret, match[1]);
    if (!check.ok)
      throw new HttpProblem(401, `invalid bearer token: ${check.reason}`, {}, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    res.locals.userId = check.sub;
    next();
  };
}

export function userOf(res: Response): string {
  return res.locals.userId as string;
}

/** A fixed one-minute window per user in Redis. Fails open: a Redis outage never blocks the app. */
export function perUserRateLimit(deps: { redis: Redis; logger: Logger }, limitPerMinute: number): RequestHandler {
  return async (_req, res, next) => {
    const minute = Math.floor(Date.now() / 60_000);
    const key = `ratelimit:gateway:${userOf(res)}:${minute}`;
    try {
      const [[, count] = []] = ((await deps.redis.multi().incr(key).expire(key, 61).exec()) ?? []) as [unknown, number][];
      res.setHeader("RateLimit-Limit", String(limitPerMinute));
      res.setHeader("RateLimit-Remaining", String(Math.max(0, limitPerMinute - Number(count))));
      if (Number(count) > limitPerMinute) {
        const retryAfter = 60 - Math.floor((Date.now() % 60_000) / 1000);
        throw new HttpProblem(429, `more than ${limitPerMinute} requests per minute`, {}, { "Retry-After": String(retryAfter) });
      }
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      deps.logger.warn({ err: (error as Error).message }, "rate limiter unavailable: request allowed");
    }
    next();
  };
}
