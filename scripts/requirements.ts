// Suites that need something outside Node (a Java runtime, promtool, docker-compose) run where it is and are reported where
// it is not: `npm test` prints one line naming every suite it did not run and why, and fails under
// CI=true. Use from any workspace's tests:
//
//   import { requiresJava } from "../../scripts/requirements.ts";
//   describe("MetadataStore on DynamoDB Local", requiresJava("MetadataStore on DynamoDB Local"), () => { … });
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";

/** The file `npm test` collects "not run" records in (one JSON object a line); unset outside it. */
export const NOT_RUN_LOG_VARIABLE = "SYNCWELL_NOT_RUN_LOG";

/** What `npm test` prints when Java is missing, after the names of the suites that need it. */
export const JAVA_MISSING_REASON = "java is not on PATH: apt-get install default-jre-headless, or brew install openjdk";

const answers = new Map<string, boolean>();

/** True when `command ...args` runs and exits 0; asked once per process. */
export function commandAvailable(command: string, args: string[] = ["--version"]): boolean {
  const key = [command, ...args].join(" ");
  let ok = answers.get(key);
  if (ok === undefined) {
    ok = spawnSync(command, args, { stdio: "ignore", timeout: 20_000 }).status === 0;
    answers.set(key, ok);
  }
  return ok;
}

/** True when `java -version` runs (DynamoDB Local and the Velocity cross-check need it). */
export function javaAvailable(): boolean {
  return commandAvailable("java", ["-version"]);
}

/** Records that `what` did not run and why, for `npm test`'s one "not run" line. */
export function reportNotRun(what: string, reason: string): void {
  const log = process.env[NOT_RUN_LOG_VARIABLE];
  if (log) appendFileSync(log, `${JSON.stringify({ what, reason })}\n`);
}

/**
 * Options for a node:test `describe`/`it` that needs `available`: none when it is, else a skip
 * with `reason`, recorded under `what` (see {@link reportNotRun}).
 */
export function runOnlyIf(available: boolean, what: string, reason: string): { skip: string | false } {
  if (available) return { skip: false };
  reportNotRun(what, reason);
  return { skip: reason };
}

/**
 * Options for a node:test `describe`/`it` that needs a command-line tool on PATH (see {@link runOnlyIf}).
 * `install` says how to get it: "apt-get install docker-compose".
 */
export function requiresCommand(command: string, what: string, install: string): { skip: string | false } {
  return runOnlyIf(commandAvailable(command), what, `${command} is not on PATH: ${install}`);
}

/** Options for a node:test `describe`/`it` that needs a Java runtime (see {@link runOnlyIf}). */
export function requiresJava(what: string): { skip: string | false } {
  return runOnlyIf(javaAvailable(), what, JAVA_MISSING_REASON);
}
