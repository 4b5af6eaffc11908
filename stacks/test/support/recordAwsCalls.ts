// Regenerates stacks/test/fixtures/aws-calls.json: runs the Cucumber features with every service
// process recording its AWS SDK calls (awsCallRecorder.mjs, preloaded through NODE_OPTIONS), then
// keeps each distinct (service, action, resource) with the resource named by its role.
//
//   node --import tsx stacks/test/support/recordAwsCalls.ts            # all features
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
const dir = mkdtempSync(join(tmpdir(), "aws-calls-"));
const log = join(dir, "calls.jsonl");
writeFileSync(log, "");
const run = spawnSync("npx", ["cucumber-js", ...process.argv.slice(2)], {
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
writeFileSync(fixture, `${JSON.stringify(calls, null, 2)}\n`);
process.stdout.write(`${calls.length} distinct calls → ${fixture} (features exited ${run.status})\n`);
