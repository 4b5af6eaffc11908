#!/usr/bin/env node
// Runs the unit (`<workspace>/src/**/*.spec.ts`) or integration (`<workspace>/test/**/*.spec.ts`)
// tests of every workspace with Node's test runner (Node 20 has no --test globs).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";

const kind = process.argv[2];
if (kind !== "unit" && kind !== "integration") {
  console.error("usage: run-tests.mjs unit|integration");
  process.exit(2);
}
const root = new URL("..", import.meta.url).pathname;
const { workspaces } = JSON.parse((await import("node:fs")).readFileSync(join(root, "package.json"), "utf8"));

function specs(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry === "node_modules") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out = out.concat(specs(path));
    else if (entry.endsWith(".spec.ts")) out.push(path);
  }
  return out;
}

const files = workspaces.flatMap((ws) => specs(join(root, ws, kind === "unit" ? "src" : "test")));
if (files.length === 0) {
  console.error(`no ${kind} tests found`);
  process.exit(1);
}
// Integration tests need Redis and PostgreSQL: say once which one does not answer, instead of
// every test failing on it (npm test and npm run test:integration provision both first).
if (kind === "integration") {
  const servers = [
    ["Redis", "REDIS_URL", process.env.REDIS_URL || "redis://127.0.0.1:6379", 6379],
    ["PostgreSQL", "DATABASE_URL", process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test", 5432],
  ];
  const silent = [];
  for (const [name, variable, url, defaultPort] of servers) {
    const { hostname, port } = new URL(url);
    const host = hostname.replace(/^\[|\]$/g, "");
    if (!(await answers(host, Number(port) || defaultPort))) silent.push(`${name} at ${host}:${Number(port) || defaultPort} (${variable})`);
  }
  if (silent.length > 0) {
    console.error(`integration tests not run: ${silent.join(" and ")} did not answer (npm test and npm run test:integration start them)`);
    process.exit(1);
  }
}

/** Whether something accepts a TCP connection at host:port within 2 s. */
function answers(host, port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 2000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

const concurrency = kind === "unit" ? "4" : "2";
// A deadline for every test and every test file (Node applies --test-timeout to both): a test that
// waits for something that never comes fails instead of hanging the run. The slowest integration
// file (the short chaos run) takes about a minute.
const timeoutMs = kind === "unit" ? 120_000 : 300_000;
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, "--test-reporter=spec", ...files],
  { stdio: "inherit", env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
);
process.exit(result.status ?? 1);
