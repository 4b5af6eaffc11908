import type { PartnerErrorCategory } from "../errors/PartnerError.ts";

/** How to treat a partner's HTTP status. Pure; the basis of retry, refresh and dead-lettering. */
export function classifyStatus(status: number): PartnerErrorCategory {
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 408 || status >= 500) return "transient";
  return "permanent";
}

/**
 * Seconds to wait after a 429: the partner's Retry-After (seconds or HTTP date) when given,
 * else until the next 15-minute boundary (where Strava's short window resets), at least 1 s.
 */
export function retryAfterSeconds(header: string | null, nowMs: number): number {
  if (header) {
    if (/^\d+$/.test(header.trim())) return Math.max(1, Number(header));
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - nowMs) / 1000));
  }
  const quarter = 900_000;
  return Math.max(1, Math.ceil((Math.ceil(nowMs / quarter) * quarter - nowMs) / 1000));
}
