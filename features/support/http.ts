/** One HTTP exchange, as the steps see it. */
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A small JSON/form HTTP client for step definitions. */
export async function request<T = any>(
  url: string,
  options: {
    method?: string;
    json?: unknown;
    form?: Record<string, string>;
    body?: string;
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: RequestInit["body"] = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  if (options.form) body = new URLSearchParams(options.form);
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(url, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}
