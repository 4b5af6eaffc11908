import { Redis } from "ioredis";

export { Redis };

/**
 * A Redis client that never makes a caller wait long: commands issued while it (re)connects are
 * queued, but each fails after `commandTimeoutMs`, so a Redis outage degrades instead of hanging.
 */
export function createRedis(url: string, options: { keyPrefix?: string; commandTimeoutMs?: number } = {}): Redis {
  return new Redis(url, {
    keyPrefix: options.keyPrefix,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}
