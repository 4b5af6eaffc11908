import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, type Partner } from "@syncwell/core";
import knexFactory from "knex";
import { loadProvidersMockConfig } from "../src/config.ts";
import { type RunningProvidersMock, startProvidersMock } from "../src/server.ts";

/** The OAuth clients SyncWell is registered with at each mock partner (development defaults). */
export const CLIENTS: Record<Partner, { clientId: string; clientSecret: string }> = {
  strava: { clientId: "syncwell-strava", clientSecret: "dev-strava-secret" },
  garmin: { clientId: "syncwell-garmin", clientSecret: "dev-garmin-secret" },
  polar: { clientId: "syncwell-polar", clientSecret: "dev-polar-secret" },
  oura: { clientId: "syncwell-oura", clientSecret: "dev-oura-secret" },
  withings: { clientId: "syncwell-withings", clientSecret: "dev-withings-secret" },
};

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A providers-mock on a random port with its own PostgreSQL schema, dropped on close. */
export async function startTestMock(env: Record<string, string> = {}): Promise<RunningProvidersMock & { api: Api }> {
  const schema = `pm_test_${randomBytes(4).toString("hex")}`;
  const config = loadProvidersMockConfig({
    SYNCWELL_MODE: "development",
    DATABASE_URL,
    PROVIDERS_MOCK_PORT: "0",
    PROVIDERS_MOCK_DB_SCHEMA: schema,
    STRAVA_UPLOAD_PROCESSING_MS: "300",
    ...env,
  });
  const running = await startProvidersMock(config, createLogger("providers-mock-test", process.env.TEST_LOG_LEVEL ?? "silent"));
  return {
    ...running,
    api: new Api(running.url),
    async close() {
      await running.close();
      const admin = knexFactory({ client: "pg", connection: DATABASE_URL });
      await admin.raw(`drop schema if exists "${schema}" cascade`);
      await admin.destroy();
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A tiny HTTP client for the tests. */
export class Api {
  constructor(readonly base: string) {}

  async call<T = any>(
    method: string,
    path: string,
    options: {
      json?: unknown;
      form?: Record<string, string>;
      token?: string;
      headers?: Record<string, string>;
      body?: RequestInit["body"];
    } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    if (options.form) body = new URLSearchParams(options.form);
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${this.base}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  /** Creates a partner user and returns its id and authorization code. */
  async newUser(provider: string): Promise<{ partnerUserId: string; authorizationCode: string }> {
    const reply = await this.call("POST", `/${provider}/_admin/users`);
    if (reply.status !== 201) throw new Error(`newUser: ${reply.status} ${reply.text}`);
    return reply.body;
  }

  async addActivities(provider: string, partnerUserId: string, activities: unknown[]): Promise<any[]> {
    const reply = await this.call("POST", `/${provider}/_admin/users/${partnerUserId}/activities`, { json: activities });
    if (reply.status !== 201) throw new Error(`addActivities: ${reply.status} ${reply.text}`);
    return reply.body;
  }
}

/** An activity `hoursAgo` hours before now, lasting 30 minutes, with a few samples. */
export function activity(hoursAgo: number, extra: Record<string, unknown> = {}) {
  const start = new Date(Date.now() - hoursAgo * 3600_000);
  start.setUTCMilliseconds(0);
  return {
    startTime: start.toISOString(),
    endTime: new Date(start.getTime() + 30 * 60_000).toISOString(),
    type: "run",
    name: `Run ${hoursAgo}h ago`,
    samples: [
      { offsetSeconds: 0, heartRate: 110, lat: 52.1, lon: 4.3 },
      { offsetSeconds: 600, heartRate: 150, lat: 52.11, lon: 4.31 },
    ],
    ...extra,
  };
}

export interface ReceivedHook {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook subscriber that records what partners deliver to it. */
export async function startHookReceiver(): Promise<{
  url: string;
  received: ReceivedHook[];
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}> {
  const received: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} webhook deliveries, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `check` until it returns a value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
