import type { Operation } from "@syncwell/core";
import type { RequestHandler } from "express";
import type { FaultRegistry } from "./faults.ts";
import type { PartnerModule } from "./providers/types.ts";
import type { RateLimiter } from "./rateLimit.ts";
import type { CallStats } from "./stats.ts";

/** Builds the per-operation middleware: count the call and its bytes, apply the rate limit, then faults. */
export function instrument(deps: {
  module: () => PartnerModule;
  limiter: () => RateLimiter;
  faults: FaultRegistry;
  stats: CallStats;
}): (operation: Operation) => RequestHandler {
  return (operation) => async (req, res, next) => {
    const module = deps.module();
    let bytes = 0;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    const count = (chunk: unknown) => {
      if (typeof chunk === "string") bytes += Buffer.byteLength(chunk);
      else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
    };
    res.write = ((...args: unknown[]) => {
      count(args[0]);
      return write(...args);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] !== "function") count(args[0]);
      return end(...args);
    }) as typeof res.end;
    res.on("finish", () => deps.stats.record(module.provider, operation, bytes));

    const decision = deps.limiter().hit(module.buckets(req.method, operation));
    module.rateLimitHeaders(res, decision);
    if (!decision.allowed) {
      res.setHeader("Retry-After", String(decision.retryAfterSeconds ?? 1));
      return module.sendError(res, 429, "Rate Limit Exceeded");
    }
    const fault = deps.faults.apply(module.provider, operation);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.status !== undefined) {
      if (fault.status === 429) res.setHeader("Retry-After", "1");
      return module.sendError(res, fault.status, `injected fault for ${operation}`);
    }
    next();
  };
}
