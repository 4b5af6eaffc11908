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

/** Uses `url` if given (and reachable), else starts `redis-server` from PATH on a free port. */
export async function ensureRedis(url: string | undefined): Promise<LocalServer> {
  if (url) {
    const { port = "6379", hostname } = new URL(url);
    const reachable = hostname === "127.0.0.1" || hostname === "localhost" ? await redisPing(Number(port)) : true;
    if (!reachable) throw new PlatformError(`Redis is not reachable at ${url} (REDIS_URL)`);
    return { url, started: false, stop: async () => {} };
  }
  const binary = findBinary("redis-server");
  if (!binary)
    throw new PlatformError(
      "Redis not found: set REDIS_URL, or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)",
    );
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

/** Uses `url` if given (and reachable), else initialises and starts a throw-away PostgreSQL from the binaries. */
export async function ensurePostgres(url: string | undefined): Promise<LocalServer> {
  if (url) {
    if (!(await pgReady(url).catch(() => false)))
      throw new PlatformError(`PostgreSQL is not reachable at ${new URL(url).host} (DATABASE_URL)`);
    return { url, started: false, stop: async () => {} };
  }
  const extra = postgresBinDirs();
  const initdb = findBinary("initdb", extra);
  const postgres = findBinary("postgres", extra);
  if (!initdb || !postgres) {
    throw new PlatformError(
      "PostgreSQL not found: set DATABASE_URL, or install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql)",
    );
  }
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
  await waitUntil("postgres", () => pgReady(serverUrl), child);
  return {
    url: serverUrl,
    started: true,
    async stop() {
      await stopChild(child, "SIGINT");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
