import type { Logger, Redis } from "@syncwell/core";

/** The sync-confidence counters: consecutive empty destination fetches per user and destination. */
export interface ConfidenceCache {
  /** The counter, or undefined when unknown (never set, or Redis unreachable). */
  get(userId: string, destinationProvider: string): Promise<number | undefined>;
  increment(userId: string, destinationProvider: string): Promise<void>;
  reset(userId: string, destinationProvider: string): Promise<void>;
}

const key = (userId: string, destinationProvider: string) => `sync:confidence:${userId}:${destinationProvider}`;
const THIRTY_DAYS = 30 * 86400;

/** Redis adapter. A Redis outage never fails a job: reads answer "no confidence", writes are skipped. */
export class RedisConfidenceCache implements ConfidenceCache {
  constructor(private readonly deps: { redis: Redis; logger: Logger }) {}

  async get(userId: string, destinationProvider: string): Promise<number | undefined> {
    try {
      const value = await this.deps.redis.get(key(userId, destinationProvider));
      return value === null ? undefined : Number(value);
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "redis unavailable: no sync confidence");
      return undefined;
    }
  }

  async increment(userId: string, destinationProvider: string): Promise<void> {
    await this.#quietly(async () => {
      await this.deps.redis.multi().incr(key(userId, destinationProvider)).expire(key(userId, destinationProvider), THIRTY_DAYS).exec();
    });
  }

  async reset(userId: string, destinationProvider: string): Promise<void> {
    await this.#quietly(async () => {
      await this.deps.redis.set(key(userId, destinationProvider), "0", "EX", THIRTY_DAYS);
    });
  }

  async #quietly(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "redis unavailable: confidence not updated");
    }
  }
}
