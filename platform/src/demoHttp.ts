// The demo's output lines and its HTTP calls (`npm run demo`).

export const step = (text: string) => process.stdout.write(`\n▶ ${text}\n`);
export const info = (text: string) => process.stdout.write(`  ${text}\n`);

/** A JSON call of the demo: the body it answers, or an error naming the call and its answer. */
export async function http(url: string, init: { method?: string; json?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) headers["content-type"] = "application/json";
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, {
    method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${url} → ${res.status} ${text}`);
  return body;
}
