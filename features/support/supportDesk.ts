import assert from "node:assert/strict";
import { signJwt } from "@syncwell/core";
import { type Reply, request } from "./http.ts";
import { stack } from "./platform.ts";

/** A call to the support API as the agent `agent-features`. */
export function supportCall(path: string, options: Parameters<typeof request>[1] = {}): Promise<Reply> {
  const support = stack().support;
  if (!support) throw new Error("the support scenarios need the support service (set SYNCWELL_SUPPORT_URL)");
  const token = signJwt(stack().supportJwtSecret, "agent-features", 600);
  return request(`${support}${path}`, { token, ...options });
}

/** Polls `probe` until it answers something, with a deadline. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
