import { Redis } from "ioredis";

export { Redis };

/**
 * A Redis client that never makes a caller wait long: commands issued while it (re)connects are
 * queued, but each fails after `commandTimeoutMs`, so a Redis outage degrades instead of hanging.
 *
 * While nobody else listens for its errors, an outage is reported once, naming the address
 * (`onUnreachable`, default: a line on stderr), instead of ioredis's "Unhandled error event" at
 * every reconnect attempt; it is reported again only after the client was connected once more.
 */
export function createRedis(
  url: string,
  options: { keyPrefix?: string; commandTimeoutMs?: number; onUnreachable?: (line: string) => void } = {},
): Redis {
  const redis = new Redis(url, {
    keyPrefix: options.keyPrefix,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  const report = options.onUnreachable ?? ((line: string) => process.stderr.write(`${line}\n`));
  const address = URL.canParse(url) ? new URL(url).host : "REDIS_URL";
  let reported = false;
  redis.on("error", (error: Error) => {
    if (reported || redis.listenerCount("error") > 1) return;
    reported = true;
    report(`Redis at ${address} is unreachable (${error.message}); its commands fail until it answers again`);
  });
  redis.on("ready", () => {
    reported = false;
  });
  return redis;
}
