import type { Logger, TokenVerifier } from "@syncwell/core";
import { HttpProblem, type Redis, requireBearer, subjectOf } from "@syncwell/core";
import type { RequestHandler } from "express";

/** The gateway's callers are users: the token's subject (Cognito's `sub`) is the user id. */
export const requireUser = (verifier: TokenVerifier) => requireBearer(verifier);
export const userOf = subjectOf;

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
