#!/usr/bin/env node
// `npm test` (all phases), `npm run test:integration`, `npm run test:features`. Run with
// `node --import tsx scripts/test.mjs [unit|integration|features]...`.
//
// Provisions Redis and PostgreSQL once with npm start's code (platform/src/localServers.ts): from
// REDIS_URL/DATABASE_URL, else the servers already on the default ports, else throw-away ones from
// the binaries; without them, one line and exit 1 before any test runs. Runs the phases in order
// with REDIS_URL/DATABASE_URL exported, each with a deadline, and stops what it started — on
// failure, Ctrl-C and SIGTERM too. Suites that could not run here (no Java, no promtool, …; see
// scripts/requirements.ts) are named in one line at the end, and fail the run under CI=true.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PlatformError, provisionServers } from "../platform/src/localServers.ts";
import { NOT_RUN_LOG_VARIABLE } from "./requirements.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Each phase: its command, whether it needs the servers, and how long it may take at most. */
const PHASES = {
  unit: { title: "unit tests", command: [process.execPath, "scripts/run-tests.mjs", "unit"], servers: false, minutes: 10 },
  integration: {
    title: "integration tests",
    command: [process.execPath, "scripts/run-tests.mjs", "integration"],
    servers: true,
    minutes: 25,
  },
  features: { title: "features", command: [npm, "run", "test", "--workspace", "features"], servers: true, minutes: 25 },
};

const say = (line) => process.stderr.write(`npm test: ${line}\n`);
const names = process.argv.slice(2);
for (const name of names) {
  if (!(name in PHASES)) {
    say(`unknown phase ${name} (one of ${Object.keys(PHASES).join(", ")})`);
    process.exit(2);
  }
}
const phases = (names.length > 0 ? names : Object.keys(PHASES)).map((name) => PHASES[name]);

let servers;
let current; // the running phase's child: the leader of its own process group
let stopping = false; // the running phase is being stopped (signal or deadline)
let interrupted;
let provisioning = false; // a signal meanwhile is handled once provisioning returns (nothing leaks)

/** Signals a phase's whole process group (its test files, the services the features started, …); false when none is left. */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Stops the running phase: SIGTERM to all of it, SIGKILL to whatever still runs 10 s later. */
function stopPhase() {
  stopping = true;
  if (!current) return;
  const pgid = current.pid;
  signalGroup(pgid, "SIGTERM");
  setTimeout(() => signalGroup(pgid, "SIGKILL"), 10_000).unref();
}

/** Once a phase's leader has exited: lets the rest of its group finish (cleaning up) for up to `ms`, then kills it. */
async function drainGroup(pgid, ms) {
  const deadline = Date.now() + ms;
  while (signalGroup(pgid, 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  signalGroup(pgid, "SIGKILL");
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = signal;
    say(`${signal}: stopping the tests and the servers started for them`);
    stopPhase();
    if (!current && !provisioning) void finish(130);
  });
}

function runPhase(phase, env) {
  return new Promise((resolve) => {
    const [command, ...args] = phase.command;
    stopping = false;
    current = spawn(command, args, { cwd: ROOT, env, stdio: "inherit", detached: true });
    const pgid = current.pid;
    const deadline = setTimeout(() => {
      say(`the ${phase.title} did not finish within ${phase.minutes} min: stopped them`);
      stopPhase();
    }, phase.minutes * 60_000);
    current.once("error", (error) => {
      clearTimeout(deadline);
      say(`could not run the ${phase.title}: ${error.message}`);
      resolve(1);
    });
    current.once("exit", async (code, signal) => {
      clearTimeout(deadline);
      // Nothing of a finished phase outlives it; a stopped one gets time to stop what it started.
      await drainGroup(pgid, stopping ? 10_000 : 2_000);
      resolve(stopping ? 1 : (code ?? (signal ? 1 : 0)));
    });
  });
}

/** "A, B (reason), C (other reason)" for the suites that did not run, or "" when every suite ran. */
function notRunLine(log) {
  let text = "";
  try {
    text = readFileSync(log, "utf8");
  } catch {}
  const byReason = new Map();
  for (const line of text.split("\n").filter(Boolean)) {
    const { what, reason } = JSON.parse(line);
    if (!byReason.has(reason)) byReason.set(reason, new Set());
    byReason.get(reason).add(what);
  }
  return [...byReason].map(([reason, whats]) => `${[...whats].join(", ")} (${reason})`).join(", ");
}

let finished = false;
let logDir;
let ownLog = false;

async function finish(code) {
  if (finished) return;
  finished = true;
  await servers?.stop().catch((error) => say(`stopping the servers: ${error.message}`));
  let exitCode = interrupted ? 130 : code;
  if (ownLog) {
    const line = notRunLine(join(logDir, "not-run.jsonl"));
    rmSync(logDir, { recursive: true, force: true });
    if (line) {
      const ci = process.env.CI === "true";
      say(`did not run ${line}${ci ? "; CI=true requires every suite to run" : ""}`);
      if (ci && exitCode === 0) exitCode = 1;
    }
  }
  process.exit(exitCode);
}

const env = { ...process.env };
// A parent run (npm test) collects and reports the suites that did not run; a phase run alone does it itself.
if (!env[NOT_RUN_LOG_VARIABLE]) {
  logDir = mkdtempSync(join(tmpdir(), "syncwell-test-"));
  env[NOT_RUN_LOG_VARIABLE] = join(logDir, "not-run.jsonl");
  ownLog = true;
}

if (phases.some((phase) => phase.servers)) {
  provisioning = true;
  try {
    servers = await provisionServers(process.env, { reuseDefaultPorts: true });
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    say(error.message);
    await finish(1);
  }
  provisioning = false;
  if (interrupted) await finish(130);
  say(servers.summary);
  Object.assign(env, servers.env);
}

let code = 0;
for (const phase of phases) {
  code = await runPhase(phase, env);
  current = undefined;
  if (code !== 0 || interrupted) break;
}
await finish(code);
