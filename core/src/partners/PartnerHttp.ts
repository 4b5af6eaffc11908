import type { Operation, Provider } from "../contracts/providers.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import { classifyStatus, retryAfterSeconds } from "./classify.ts";

/**
 * Called after every partner call (metrics). `status` is 0 for a network error or timeout;
 * `rateLimitUsage` is the fullest window's usage/limit when the partner reports its limits.
 */
export type PartnerCallObserver = (call: {
  provider: Provider;
  operation: Operation;
  status: number;
  seconds: number;
  rateLimitUsage?: number | undefined;
}) => void;

/**
 * The fullest rate-limit window (0-1) from a partner's headers: Strava's `X-RateLimit-*` /
 * `X-ReadRateLimit-*` (comma-separated 15-minute and daily values) or Polar's `RateLimit-*`.
 */
export function rateLimitUsage(headers: Headers): number | undefined {
  const ratios: number[] = [];
  for (const prefix of ["x-ratelimit", "x-readratelimit", "ratelimit"]) {
    const limits = headers.get(`${prefix}-limit`)?.split(",").map(Number);
    const usages = headers.get(`${prefix}-usage`)?.split(",").map(Number);
    if (!limits || !usages) continue;
    limits.forEach((limit, i) => {
      const usage = usages[i];
      if (limit > 0 && usage !== undefined && Number.isFinite(usage)) ratios.push(usage / limit);
    });
  }
  return ratios.length > 0 ? Math.max(...ratios) : undefined;
}

/**
 * Calls left in the partner's tightest overall window (Strava's `X-RateLimit-*`, Polar's
 * `RateLimit-*`; read-only windows do not limit writes), or undefined when it reports none.
 */
export function rateLimitRemaining(headers: Headers): number | undefined {
  const left: number[] = [];
  for (const prefix of ["x-ratelimit", "ratelimit"]) {
    const limits = headers.get(`${prefix}-limit`)?.split(",").map(Number);
    const usages = headers.get(`${prefix}-usage`)?.split(",").map(Number);
    if (!limits || !usages) continue;
    limits.forEach((limit, i) => {
      const usage = usages[i];
      if (limit > 0 && usage !== undefined && Number.isFinite(usage)) left.push(Math.max(0, limit - usage));
    });
  }
  return left.length > 0 ? Math.min(...left) : undefined;
}

export interface PartnerRequest {
  method?: string;
  token?: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  body?: FormData;
  headers?: Record<string, string>;
  /** Statuses that are answers, not errors (e.g. Garmin's 409 duplicate, Polar's 204). */
  accept?: readonly number[];
}

export interface PartnerReply {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

/** HTTP to one partner: timeouts, metrics, and every failure raised as a classified {@link PartnerError}. */
export class PartnerHttp {
  /** Calls left in the partner's app-wide window as its last answer said (undefined: it says nothing). */
  remaining: number | undefined;

  constructor(
    private readonly deps: { provider: Provider; observe?: PartnerCallObserver | undefined; now?: () => number },
    private readonly options: { baseUrl: string; timeoutMs: number },
  ) {}

  url(path: string): string {
    return `${this.options.baseUrl}${path}`;
  }

  async request(operation: Operation, path: string, req: PartnerRequest = {}): Promise<PartnerReply> {
    const url = new URL(path.startsWith("http") ? path : this.url(path));
    if (!url.href.startsWith(`${this.options.baseUrl}/`)) {
      // URLs from partner payloads are followed only on the partner's own configured host and path.
      throw new PartnerError("permanent", `${this.deps.provider} ${operation}: refusing to fetch a URL outside ${this.options.baseUrl}`, {
        provider: this.deps.provider,
        operation,
      });
    }
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: "application/json", ...req.headers };
    let body: RequestInit["body"];
    if (req.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(req.json);
    } else if (req.form) body = new URLSearchParams(req.form);
    else if (req.body) body = req.body;
    if (req.token) headers.authorization = `Bearer ${req.token}`;

    const started = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method: req.method ?? (body ? "POST" : "GET"),
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await res.text();
    } catch (error) {
      this.deps.observe?.({ provider: this.deps.provider, operation, status: 0, seconds: (performance.now() - started) / 1000 });
      throw new PartnerError(
        "transient",
        `${this.deps.provider} ${operation}: ${(error as Error).name === "TimeoutError" ? "timed out" : "network error"}`,
        {
          provider: this.deps.provider,
          operation,
        },
        { cause: error },
      );
    }
    this.deps.observe?.({
      provider: this.deps.provider,
      operation,
      status: res.status,
      seconds: (performance.now() - started) / 1000,
      rateLimitUsage: rateLimitUsage(res.headers),
    });
    this.remaining = rateLimitRemaining(res.headers) ?? this.remaining;
    if (res.ok || req.accept?.includes(res.status)) {
      return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
    }
    const category = classifyStatus(res.status);
    const details = {
      provider: this.deps.provider,
      operation,
      status: res.status,
      ...(category === "rate_limited"
        ? { retryAfterSeconds: retryAfterSeconds(res.headers.get("retry-after"), this.deps.now?.() ?? Date.now()) }
        : {}),
    };
    // Partner bodies may echo personal data: keep only a short, single-line excerpt.
    throw new PartnerError(
      category,
      `${this.deps.provider} ${operation} answered ${res.status}: ${text.replace(/\s+/g, " ").slice(0, 160)}`,
      details,
    );
  }
}
