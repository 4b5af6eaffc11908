import { createHmac } from "node:crypto";
import type { Operation } from "../contracts/providers.ts";
import { PartnerError, type PartnerErrorCategory } from "../errors/PartnerError.ts";
import type { PartnerHttp } from "./PartnerHttp.ts";

/**
 * How to treat a Withings `status` (Withings answers HTTP 200 and puts its outcome in the body):
 * 0 is success; 401 and the other "authentication failed" codes (100-102, 200) mean the token is
 * no good; 601 is "too many requests"; 2555 ("an unknown error occurred") and the 5xxx codes are the
 * partner's own trouble. Everything else (invalid params 503, wrong action 2554, a bad callback
 * URL 293, …) will fail again. Pure.
 */
export function classifyWithingsStatus(status: number): PartnerErrorCategory {
  if (status === 601) return "rate_limited";
  if (status === 401 || status === 100 || status === 101 || status === 102 || status === 200) return "auth";
  if (status === 2555 || (status >= 5000 && status < 6000)) return "transient";
  return "permanent";
}

/** Withings' limit is per application and minute, and a 601 says no more: wait for the next minute. */
export function secondsToNextMinute(nowMs: number): number {
  return Math.max(1, Math.ceil((Math.ceil((nowMs + 1) / 60_000) * 60_000 - nowMs) / 1000));
}

/** The envelope of every Withings answer. */
interface Envelope<T> {
  status: number;
  body?: T;
  error?: string;
}

/**
 * One Withings call: a form-encoded POST naming its `action`, the user's token as a Bearer header
 * where there is one. An answer whose `status` is not 0 throws, classified like an HTTP error.
 */
export async function withingsCall<T>(
  http: PartnerHttp,
  deps: { now: () => number },
  operation: Operation,
  path: string,
  form: Record<string, string | number | undefined>,
  token?: string,
): Promise<T> {
  const fields = Object.fromEntries(Object.entries(form).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
  const reply = await http.request(operation, path, { form: fields, ...(token ? { token } : {}) });
  let envelope: Envelope<T>;
  try {
    envelope = reply.json<Envelope<T>>();
  } catch {
    throw new PartnerError("transient", `withings ${operation}: the answer is not JSON`, { provider: "withings", operation });
  }
  if (envelope.status === 0) return (envelope.body ?? {}) as T;
  const category = classifyWithingsStatus(envelope.status);
  // Partner errors may echo personal data: a short, single-line excerpt only.
  const said = String(envelope.error ?? "")
    .replace(/\s+/g, " ")
    .slice(0, 160);
  throw new PartnerError(category, `withings ${operation} answered status ${envelope.status}: ${said}`, {
    provider: "withings",
    operation,
    status: envelope.status,
    ...(category === "rate_limited" ? { retryAfterSeconds: secondsToNextMinute(deps.now()) } : {}),
  });
}

/**
 * Withings' signature for its signed calls (Signature v2 - Getnonce, OAuth 2.0 - Revoke): HMAC-SHA256,
 * keyed with the client secret, over the values of `action`, `client_id` and then `timestamp` or
 * `nonce`, joined by commas; hex.
 */
export function withingsSignature(secret: string, values: readonly string[]): string {
  return createHmac("sha256", secret).update(values.join(",")).digest("hex");
}
