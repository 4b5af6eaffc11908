import { createHash } from "node:crypto";
import type { Logger, Redis } from "@syncwell/core";

/**
 * A token bucket per bucket key in Redis, on Redis' own clock (so that every gateway shares one
 * bucket). Returns 0 when admitted, else the milliseconds until a token is back.
 */
const TAKE = `
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or capacity
local at = tonumber(held[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / perMs) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / perMs) + 1000)
return wait
`;

/** Whether a partner account may deliver one more webhook event now, and if not, when. */
export interface AccountAdmission {
  admitted: boolean;
  retryAfterSeconds: number;
}

/**
 * Webhook events per partner account (provider + the partner's owner id): a token bucket holding
 * `perMinute` events that refills at `perMinute` a minute. Bounds what one account — or anyone
 * forging its unsigned events — can make the engine do. Fails open: a Redis outage never drops
 * a partner's event.
 */
export class WebhookAccountLimiter {
  constructor(
    private readonly deps: { redis: Redis; logger: Logger },
    options: {
      /** Events one account may deliver per minute (and at once). @defaultValue 120 */
      perMinute?: number | undefined;
    } = {},
  ) {
    this.perMinute = options.perMinute ?? 120;
    if (!(this.perMinute >= 1)) throw new Error("perMinute must be at least 1");
  }

  private readonly perMinute: number;

  async admit(provider: string, ownerId: string): Promise<AccountAdmission> {
    // Owner ids are the partner's; hashed so that no partner input shapes our keys.
    const owner = createHash("sha256").update(ownerId).digest("hex").slice(0, 32);
    try {
      const waitMs = Number(
        await this.deps.redis.eval(TAKE, 1, `ratelimit:webhook:${provider}:${owner}`, this.perMinute, this.perMinute / 60_000),
      );
      return { admitted: waitMs === 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "webhook rate limiter unavailable: event allowed");
      return { admitted: true, retryAfterSeconds: 0 };
    }
  }
}
