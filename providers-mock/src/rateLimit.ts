/** A fixed window aligned to the epoch: 900 s windows start at :00/:15/:30/:45, 86400 s ones at UTC midnight. */
export interface WindowLimit {
  /** Name used in the admin API, e.g. `read:15min`. */
  name: string;
  /** Which requests count against it. */
  bucket: string;
  windowSeconds: number;
  limit: number;
}

/** Start (epoch ms) of the window containing `nowMs`. */
export function windowStart(nowMs: number, windowSeconds: number): number {
  const size = windowSeconds * 1000;
  return Math.floor(nowMs / size) * size;
}

/** Whole seconds until the window containing `nowMs` resets. */
export function secondsUntilReset(nowMs: number, windowSeconds: number): number {
  return Math.ceil((windowStart(nowMs, windowSeconds) + windowSeconds * 1000 - nowMs) / 1000);
}

export interface LimitUsage {
  limit: WindowLimit;
  usage: number;
  resetSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Usage of every window the request counted against, after counting it. */
  usages: LimitUsage[];
  /** Seconds until the tightest exceeded window resets (only when not allowed). */
  retryAfterSeconds?: number;
}

/**
 * Counts requests per application in aligned windows, the way Strava and Polar do.
 * A rejected request still counts (Strava: requests over the short-term limit count
 * toward the long-term one).
 */
export class RateLimiter {
  readonly #counters = new Map<string, number>();
  #limits: WindowLimit[];

  constructor(
    readonly defaults: readonly WindowLimit[],
    private readonly now: () => number = Date.now,
  ) {
    this.#limits = defaults.map((l) => ({ ...l }));
  }

  get limits(): readonly WindowLimit[] {
    return this.#limits;
  }

  /** Changes named limits; unknown names are an error. */
  setLimits(changes: Record<string, number>): void {
    for (const [name, value] of Object.entries(changes)) {
      const limit = this.#limits.find((l) => l.name === name);
      if (!limit) throw new Error(`unknown rate limit "${name}"; known: ${this.#limits.map((l) => l.name).join(", ")}`);
      limit.limit = value;
    }
  }

  reset(): void {
    this.#limits = this.defaults.map((l) => ({ ...l }));
    this.#counters.clear();
  }

  /** Counts one request against every window of the given buckets. */
  hit(buckets: readonly string[]): RateDecision {
    const nowMs = this.now();
    const usages: LimitUsage[] = [];
    for (const limit of this.#limits) {
      if (!buckets.includes(limit.bucket)) continue;
      const key = `${limit.name}@${windowStart(nowMs, limit.windowSeconds)}`;
      const usage = (this.#counters.get(key) ?? 0) + 1;
      this.#counters.set(key, usage);
      usages.push({ limit, usage, resetSeconds: secondsUntilReset(nowMs, limit.windowSeconds) });
    }
    const exceeded = usages.filter((u) => u.usage > u.limit.limit);
    if (exceeded.length === 0) return { allowed: true, usages };
    return { allowed: false, usages, retryAfterSeconds: Math.max(...exceeded.map((u) => u.resetSeconds)) };
  }
}
