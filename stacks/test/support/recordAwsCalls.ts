// Runs the Cucumber features with every service process recording its AWS SDK calls
// (awsCallRecorder.mjs, preloaded through NODE_OPTIONS), then keeps each distinct
// (service, action, resource) with the resource named by its role.
//
//   node --import tsx stacks/test/support/recordAwsCalls.ts            # regenerate stacks/test/fixtures/aws-calls.json
//   node --import tsx stacks/test/support/recordAwsCalls.ts --check    # what `npm test` runs: the features, then
//                                                                      # fail if a service made a call its task role lacks
//   node --import tsx stacks/test/support/recordAwsCalls.ts webhooks.feature
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RecordedCall, toRecordedCalls } from "./awsCalls.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const recorder = fileURLToPath(new URL("./awsCallRecorder.mjs", import.meta.url));
const fixture = fileURLToPath(new URL("../fixtures/aws-calls.json", import.meta.url));
const check = process.argv.includes("--check");
const cucumberArgs = process.argv.slice(2).filter((a) => a !== "--check");
const dir = mkdtempSync(join(tmpdir(), "aws-calls-"));
const log = join(dir, "calls.jsonl");
writeFileSync(log, "");
const run = spawnSync("npx", ["cucumber-js", ...cucumberArgs], {
  cwd: join(root, "features"),
  stdio: "inherit",
  env: {
    ...process.env,
    SYNCWELL_MODE: process.env.SYNCWELL_MODE ?? "development",
    SYNCWELL_AWS_CALL_LOG: log,
    NODE_OPTIONS: `--import tsx --import ${recorder}`,
  },
});
const lines = readFileSync(log, "utf8").split("\n").filter(Boolean);
rmSync(dir, { recursive: true, force: true });
const calls: RecordedCall[] = toRecordedCalls(lines.map((line) => JSON.parse(line)));
const key = (c: RecordedCall) => `${c.service} ${c.action} ${c.resource}`;

if (check) {
  // The task roles are built from the fixture: a call missing there would be denied in production.
  const granted = new Set((JSON.parse(readFileSync(fixture, "utf8")) as RecordedCall[]).map(key));
  const seen = new Set(calls.map(key));
  const denied = [...seen].filter((c) => !granted.has(c));
  const unseen = [...granted].filter((c) => !seen.has(c));
  if (unseen.length > 0 && cucumberArgs.length === 0)
    process.stdout.write(
      `AWS calls: ${unseen.length} granted call(s) not made in this run (timing-dependent paths, or stale): ${unseen.join("; ")}\n`,
    );
  if (denied.length > 0) {
    process.stderr.write(
      `AWS calls made in this run that the task roles do not grant (stacks/test/fixtures/aws-calls.json):\n  ${denied.join("\n  ")}\n` +
        "Regenerate it with: node --import tsx stacks/test/support/recordAwsCalls.ts\n",
    );
    process.exit(1);
  }
  process.exit(run.status ?? 1);
}
writeFileSync(fixture, `${JSON.stringify(calls, null, 2)}\n`);
process.stdout.write(`${calls.length} distinct calls → ${fixture} (features exited ${run.status})\n`);
process.exit(run.status ?? 1);
