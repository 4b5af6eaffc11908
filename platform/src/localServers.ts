import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";
import { freePort } from "./ports.ts";

/** A Redis or PostgreSQL the platform uses: given by URL, or started here and stopped with it. */
export interface LocalServer {
  url: string;
  started: boolean;
  stop(): Promise<void>;
  /** Only for a server started here: stops it and starts it again on the same port, empty. */
  restart?(): Promise<void>;
}

/** A start-up problem with the one line a person needs to fix it. */
export class PlatformError extends Error {
  override name = "PlatformError";
}

function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

function postgresBinDirs(): string[] {
  try {
    return readdirSync("/usr/lib/postgresql")
      .sort()
      .reverse()
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new PlatformError(`${what} exited during start-up (code ${child.exitCode})`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new PlatformError(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.setTimeout(1000);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function pgReady(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Where the servers are looked for before throw-away ones are started (`reuseDefaultPorts`). */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

/** Options of {@link provisionServers}. */
export interface ProvisionOptions {
  /**
   * Use a Redis on 127.0.0.1:6379 and a PostgreSQL on 127.0.0.1:5432 (database `test`, created if
   * missing) when they answer, before starting throw-away servers. `npm test` does; `npm start`
   * does not (its chaos run restarts the Redis it started).
   * @defaultValue false
   */
  reuseDefaultPorts?: boolean;
}

/** How one server will be had: a URL to use as it is, a start from the binaries, or a missing binary. */
type Plan = { kind: "use"; url: string; note: string } | { kind: "start"; start: () => Promise<LocalServer> } | { kind: "missing" };

async function planRedis(url: string | undefined, options: ProvisionOptions): Promise<Plan> {
  if (url) {
    const { port = "6379", hostname } = new URL(url);
    const reachable = hostname === "127.0.0.1" || hostname === "localhost" ? await redisPing(Number(port)) : true;
    if (!reachable) throw new PlatformError(`Redis is not reachable at ${url} (REDIS_URL)`);
    return { kind: "use", url, note: "REDIS_URL" };
  }
  if (options.reuseDefaultPorts && (await redisPing(6379))) return { kind: "use", url: DEFAULT_REDIS_URL, note: "already running" };
  const binary = findBinary("redis-server");
  return binary ? { kind: "start", start: () => startRedis(binary) } : { kind: "missing" };
}

async function startRedis(binary: string): Promise<LocalServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "syncwell-redis-"));
  const launch = async () => {
    const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
      stdio: "ignore",
    });
    await waitUntil("redis-server", () => redisPing(port), child);
    return child;
  };
  let child = await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    started: true,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await stopChild(child, "SIGKILL");
      child = await launch();
    },
  };
}

/** The uid/gid to run PostgreSQL as: it refuses to run as root, so root hands it to `postgres`. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    return { uid, gid };
  } catch {
    throw new PlatformError("running as root, PostgreSQL needs an unprivileged user: create one named postgres, or set DATABASE_URL");
  }
}

/** The default server's `test` database, created when the server answers but the database is missing. */
async function defaultPostgres(): Promise<boolean> {
  try {
    return await pgReady(DEFAULT_DATABASE_URL);
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") return false; // 3D000: no such database
    const admin = new pg.Client({ connectionString: DEFAULT_DATABASE_URL.replace(/\/test$/, "/postgres"), connectionTimeoutMillis: 2000 });
    try {
      await admin.connect();
      await admin.query("create database test");
      return true;
    } catch {
      return pgReady(DEFAULT_DATABASE_URL).catch(() => false); // created meanwhile by another run
    } finally {
      await admin.end().catch(() => {});
    }
  }
}

async function planPostgres(url: string | undefined, options: ProvisionOptions): Promise<Plan> {
  if (url) {
    if (!(await pgReady(url).catch(() => false)))
      throw new PlatformError(`PostgreSQL is not reachable at ${new URL(url).host} (DATABASE_URL)`);
    return { kind: "use", url, note: "DATABASE_URL" };
  }
  if (options.reuseDefaultPorts && (await defaultPostgres())) return { kind: "use", url: DEFAULT_DATABASE_URL, note: "already running" };
  const extra = postgresBinDirs();
  const initdb = findBinary("initdb", extra);
  const postgres = findBinary("postgres", extra);
  return initdb && postgres ? { kind: "start", start: () => startPostgres(initdb, postgres) } : { kind: "missing" };
}

async function startPostgres(initdb: string, postgres: string): Promise<LocalServer> {
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), "syncwell-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const owner = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(initdb, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], { stdio: "ignore", ...owner });
  const port = await freePort();
  const child = spawn(
    postgres,
    ["-D", data, "-p", String(port), "-k", dir, "-h", "127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off"],
    {
      stdio: "ignore",
      ...owner,
    },
  );
  const serverUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntil("postgres", () => pgReady(serverUrl), child);
  } catch (error) {
    await stopChild(child, "SIGINT");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: serverUrl,
    started: true,
    async stop() {
      await stopChild(child, "SIGINT");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The one line that says how to get what is missing. */
function missingMessage(redis: boolean, postgres: boolean): string {
  if (redis && postgres)
    return "Redis and PostgreSQL not found: set REDIS_URL and DATABASE_URL, or install them (Debian/Ubuntu: apt-get install redis-server postgresql; macOS: brew install redis postgresql)";
  if (redis)
    return "Redis not found: set REDIS_URL, or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)";
  return "PostgreSQL not found: set DATABASE_URL, or install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql)";
}

/** The Redis and PostgreSQL of a run, and how to reach and stop them. */
export interface ProvisionedServers {
  redis: LocalServer;
  postgres: LocalServer;
  /** `REDIS_URL` and `DATABASE_URL` for the processes that use them. */
  env: { REDIS_URL: string; DATABASE_URL: string };
  /** One line: where each server is and whether it was started here. */
  summary: string;
  /** Stops what was started here (a given or reused server is left alone). */
  stop(): Promise<void>;
}

/**
 * Redis and PostgreSQL for `npm start` and `npm test`: from `REDIS_URL`/`DATABASE_URL` when given,
 * else (with `reuseDefaultPorts`) the servers on the default ports when they answer, else
 * throw-away servers started from the binaries. Nothing is started unless both can be had: a
 * missing binary is one {@link PlatformError} line saying how to get it.
 */
export async function provisionServers(
  urls: { REDIS_URL?: string | undefined; DATABASE_URL?: string | undefined },
  options: ProvisionOptions = {},
): Promise<ProvisionedServers> {
  const [redisPlan, postgresPlan] = await Promise.all([planRedis(urls.REDIS_URL, options), planPostgres(urls.DATABASE_URL, options)]);
  if (redisPlan.kind === "missing" || postgresPlan.kind === "missing")
    throw new PlatformError(missingMessage(redisPlan.kind === "missing", postgresPlan.kind === "missing"));
  const notes = new Map<LocalServer, string>();
  const have = async (plan: Plan): Promise<LocalServer> => {
    if (plan.kind === "start") return plan.start();
    const server = { url: plan.kind === "use" ? plan.url : "", started: false, stop: async () => {} };
    notes.set(server, plan.kind === "use" ? plan.note : "");
    return server;
  };
  const [redis, postgres] = await Promise.allSettled([have(redisPlan), have(postgresPlan)]);
  if (redis.status === "rejected" || postgres.status === "rejected") {
    for (const result of [redis, postgres]) if (result.status === "fulfilled") await result.value.stop().catch(() => {});
    throw (redis.status === "rejected" ? redis.reason : (postgres as PromiseRejectedResult).reason) as Error;
  }
  const describe = (what: string, server: LocalServer) =>
    server.started ? `${what} started at ${server.url}` : `${what} at ${server.url} (${notes.get(server)})`;
  return {
    redis: redis.value,
    postgres: postgres.value,
    env: { REDIS_URL: redis.value.url, DATABASE_URL: postgres.value.url },
    summary: `${describe("Redis", redis.value)}; ${describe("PostgreSQL", postgres.value)}`,
    async stop() {
      await Promise.all([redis.value.stop(), postgres.value.stop()]);
    },
  };
}
