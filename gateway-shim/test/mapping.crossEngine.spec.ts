import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseJobMessage } from "@syncwell/core";
import { javaAvailable, runOnlyIf } from "../../scripts/requirements.ts";
import { type RenderedTemplate, renderTemplate, type TemplateRequest } from "../src/mapping/apiGatewayVtl.ts";
import { MAPPING_TEMPLATES, type MappingTemplate } from "../src/mapping/templates.ts";

/**
 * One mapping, two runtimes (SPEC §16): every template renders the same with Apache Velocity 1.7
 * (the engine API Gateway runs; Debian's `velocity` package, through test/velocity/Harness.java)
 * and with velocityjs (the local gateway's), over a table of inputs; and what they render is a
 * valid job message and a valid SQS request, or a request that sends nothing and a 4xx answer.
 */
const JARS = ["velocity.jar", "commons-collections3.jar", "commons-lang.jar"].map((jar) => `/usr/share/java/${jar}`);
const HARNESS = fileURLToPath(new URL("./velocity/Harness.java", import.meta.url));
/** `java Harness.java` compiles in memory: it needs the jdk.compiler module (Debian's JRE has it; some JREs do not). */
const sourceLauncher = () =>
  spawnSync("java", ["--list-modules"], { encoding: "utf8", timeout: 20_000 }).stdout?.includes("jdk.compiler") ?? false;
const velocityReady = javaAvailable() && JARS.every((jar) => existsSync(jar)) && sourceLauncher();
const WHY = "Apache Velocity 1.7 or a Java that runs source files missing (Debian/Ubuntu: apt-get install velocity default-jre-headless)";

const USER_A = "0b6d5f3c-1111-4c8e-9d7e-2f1a3b4c5d6e";
const USER_B = "7c0e2a4b-2222-4d5f-8a9b-0c1d2e3f4a5b";
const CONFIG = "3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a098";
const PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
const context = (sub: string) => ({
  authorizer: { claims: { sub } },
  requestId: "c0ffee00-0000-4000-8000-000000000001",
  requestTimeEpoch: 1764450000123,
});

interface SyncCase {
  name: string;
  key?: string;
  user?: string;
  config?: string;
  /** The header name as the client spelled it. */
  header?: string;
  /** The method request's body (none when absent). */
  body?: string;
  valid: boolean;
}
const SYNC_CASES: SyncCase[] = [
  { name: "a plain key", key: "tap-1", valid: true },
  { name: "a UUID key", key: "5d41402a-bc4b-4a76-b9c7-19ed8c0d3e1f", valid: true },
  { name: "every ASCII punctuation character", key: PUNCTUATION, valid: true },
  { name: "letters, digits and punctuation", key: `Az09${PUNCTUATION}`.slice(0, 64), valid: true },
  { name: "quotes, backslashes and a would-be template", key: `"\\'$context.requestId#set($x=1)\\u0041`, valid: true },
  { name: "64 characters (the limit)", key: "k".repeat(64), valid: true },
  { name: "64 punctuation characters (the longest job id)", key: "/".repeat(64), valid: true },
  { name: "the same key for user B", key: "tap-1", user: USER_B, valid: true },
  { name: "a lower-case header name (HTTP/2)", key: "tap-lower", header: "idempotency-key", valid: true },
  { name: "an empty JSON object body", key: "tap-body-1", body: "{}", valid: true },
  { name: "a blank body", key: "tap-body-2", body: " { \n } ", valid: true },
  { name: "an unknown body field", key: "tap-body-3", body: '{"force":true}', valid: false },
  { name: "a malformed body", key: "tap-body-4", body: "{nope", valid: false },
  { name: "65 characters", key: "k".repeat(65), valid: false },
  { name: "256 characters", key: "k".repeat(256), valid: false },
  { name: "no Idempotency-Key", valid: false },
  { name: "an empty key", key: "", valid: false },
  { name: "a space", key: "tap 1", valid: false },
  { name: "a non-ASCII letter", key: "tap-é", valid: false },
  { name: "an emoji", key: "tap-🏃", valid: false },
  { name: "a newline", key: "tap\n1", valid: false },
  { name: "a tab", key: "tap\t1", valid: false },
  { name: "a config id with a slash", key: "tap-2", config: "a/b", valid: false },
  { name: "an oversized config id", key: "tap-3", config: "c".repeat(2000), valid: false },
  { name: "a subject that cannot name a job", key: "tap-4", user: "u".repeat(41), valid: false },
];

const syncRequests = new Map<SyncCase, TemplateRequest>();
function syncRequest(c: SyncCase): TemplateRequest {
  const known = syncRequests.get(c);
  if (known) return known;
  const request: TemplateRequest = {
    params: {
      path: { id: c.config ?? CONFIG },
      header: c.key === undefined ? { accept: "application/json" } : { [c.header ?? "Idempotency-Key"]: c.key },
    },
    context: context(c.user ?? USER_A),
    ...(c.body === undefined ? {} : { body: c.body }),
  };
  syncRequests.set(c, request);
  return request;
}

const jobItem = (fields: Record<string, string | number>) => ({
  Item: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === "number" ? { N: String(v) } : { S: v }])),
});
const ownJob = `${USER_A}.dGFwLTE`;
const JOB_CASES: { name: string; jobId: string; body: unknown; status: number; answer?: Record<string, unknown> }[] = [
  {
    name: "the caller's succeeded job",
    jobId: ownJob,
    body: jobItem({ jobId: ownJob, userId: USER_A, status: "succeeded", attempts: 0, recordsWritten: 2 }),
    status: 200,
    answer: { jobId: ownJob, status: "succeeded", attempts: 0, recordsWritten: 2 },
  },
  {
    name: "a retrying job with a hostile error message",
    jobId: ownJob,
    body: jobItem({
      jobId: ownJob,
      userId: USER_A,
      status: "retrying",
      attempts: 2,
      errorCategory: "transient",
      errorMessage: `it's "bad" \\ é 🏃 </script>\n`,
    }),
    status: 200,
    answer: {
      jobId: ownJob,
      status: "retrying",
      attempts: 2,
      error: { category: "transient", message: `it's "bad" \\ é 🏃 </script>\n` },
    },
  },
  {
    name: "a succeeded job keeps an old error to itself",
    jobId: "wh-1",
    body: jobItem({ jobId: "wh-1", userId: USER_A, status: "succeeded", attempts: 1, errorMessage: "old" }),
    status: 200,
    answer: { jobId: "wh-1", status: "succeeded", attempts: 1 },
  },
  {
    name: "another user's job",
    jobId: ownJob,
    body: jobItem({ jobId: ownJob, userId: USER_B, status: "succeeded", attempts: 0 }),
    status: 404,
  },
  {
    name: "the caller's accepted sync, not yet seen by the worker",
    jobId: ownJob,
    body: {},
    status: 200,
    answer: { jobId: ownJob, status: "queued", attempts: 0 },
  },
  { name: "another user's sync id, no item", jobId: `${USER_B}.dGFwLTE`, body: {}, status: 404 },
  { name: "a prefix of the caller's id", jobId: `${USER_A.slice(0, 8)}.dGFwLTE`, body: {}, status: 404 },
  { name: "an unknown webhook job id", jobId: "wh-2", body: {}, status: 404 },
  { name: "an oversized id", jobId: "j".repeat(1500), body: {}, status: 404 },
  { name: "an id with a quote", jobId: `${USER_A}."x`, body: {}, status: 404 },
];

const jobRequests = new Map<string, TemplateRequest>();
function jobRequest(jobId: string, body?: unknown): TemplateRequest {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const id = `${jobId}\n${text}`;
  const request = jobRequests.get(id) ?? {
    params: { path: { jobId } },
    context: context(USER_A),
    stageVariables: { tableName: "syncwell-prod-metadata" },
    ...(text === undefined ? {} : { body: text }),
  };
  jobRequests.set(id, request);
  return request;
}

/** Every (template, input) the table renders. */
const RENDERS: { label: string; template: MappingTemplate; request: TemplateRequest }[] = [
  ...SYNC_CASES.flatMap((c) => [
    { label: `sync request: ${c.name}`, template: "sync-request" as const, request: syncRequest(c) },
    { label: `sync response: ${c.name}`, template: "sync-response" as const, request: syncRequest(c) },
    { label: `sync unavailable: ${c.name}`, template: "unavailable-response" as const, request: syncRequest(c) },
  ]),
  ...JOB_CASES.flatMap((c) => [
    { label: `job request: ${c.name}`, template: "job-request" as const, request: jobRequest(c.jobId) },
    { label: `job response: ${c.name}`, template: "job-response" as const, request: jobRequest(c.jobId, c.body) },
  ]),
];

describe("mapping templates: Apache Velocity 1.7 and velocityjs agree", runOnlyIf(velocityReady, "Velocity 1.7 cross-check", WHY), () => {
  let java: (RenderedTemplate & { error?: string })[] = [];
  const local = RENDERS.map((r) => renderTemplate(MAPPING_TEMPLATES[r.template], r.request));
  const rendered = (template: MappingTemplate, request: TemplateRequest) =>
    java[RENDERS.findIndex((r) => r.template === template && r.request === request)] as RenderedTemplate;

  before(() => {
    const cases = RENDERS.map((r) => ({ template: MAPPING_TEMPLATES[r.template], ...r.request }));
    const run = spawnSync("java", ["-cp", JARS.join(":"), HARNESS], { input: JSON.stringify(cases), encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    java = JSON.parse(run.stdout);
    assert.equal(java.length, RENDERS.length);
  });
  after(() => {
    java = [];
  });

  it("render every input identically (text, status override, header overrides)", () => {
    RENDERS.forEach((r, i) => {
      const j = java[i] as RenderedTemplate & { error?: string };
      assert.equal(j.error, undefined, `${r.label}: Velocity 1.7 failed`);
      const l = local[i] as RenderedTemplate;
      assert.equal(l.output, j.output, r.label);
      assert.equal(l.status ?? null, j.status ?? null, `${r.label}: status`);
      assert.deepEqual(l.headers, j.headers, `${r.label}: headers`);
    });
  });

  for (const c of SYNC_CASES) {
    it(`${c.valid ? "maps" : "sends nothing for"} a sync with ${c.name}`, () => {
      const request = syncRequest(c);
      const form = new URLSearchParams(rendered("sync-request", request).output);
      const answer = rendered("sync-response", request);
      if (!c.valid) {
        assert.equal(form.get("Action"), "GetQueueAttributes", "a harmless read, no message");
        assert.ok(answer.status === 400 || answer.status === 404, `status ${answer.status}`);
        assert.equal(answer.headers["Content-Type"], "application/problem+json");
        assert.equal(JSON.parse(answer.output).status, answer.status);
        return;
      }
      assert.equal(form.get("Action"), "SendMessage");
      const user = c.user ?? USER_A;
      assert.equal(form.get("MessageGroupId"), user);
      const dedup = form.get("MessageDeduplicationId") ?? "";
      assert.match(dedup, /^[!-~]{1,128}$/, "SQS takes it as a deduplication id");
      assert.equal(dedup, `${user}:${c.key}`);
      const parsed = parseJobMessage(form.get("MessageBody") ?? "");
      assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
      assert.deepEqual(
        { ...parsed.message, jobId: undefined },
        {
          jobId: undefined,
          userId: user,
          syncConfigId: CONFIG,
          trigger: "manual",
          requestedAt: new Date(1764450000123).toISOString(),
          idempotencyKey: c.key,
        },
      );
      assert.equal(answer.status ?? null, null, "202, the integration response's own status");
      assert.deepEqual(JSON.parse(answer.output), { jobId: parsed.message.jobId }, "the answer names the job the message carries");
      assert.match(parsed.message.jobId, /^[A-Za-z0-9_.@:-]{1,127}$/, "a job id that fits a URL path and a DynamoDB key");
    });
  }

  it("gives two users' equal keys two jobs and two deduplication ids, and a replay the same ones", () => {
    const form = (c: SyncCase) => new URLSearchParams(rendered("sync-request", syncRequest(c)).output);
    const a = SYNC_CASES.find((c) => c.name === "a plain key") as SyncCase;
    const b = SYNC_CASES.find((c) => c.name === "the same key for user B") as SyncCase;
    assert.notEqual(form(a).get("MessageDeduplicationId"), form(b).get("MessageDeduplicationId"));
    const jobOf = (c: SyncCase) => JSON.parse(form(c).get("MessageBody") ?? "").jobId;
    assert.notEqual(jobOf(a), jobOf(b));
    const replay = renderTemplate(MAPPING_TEMPLATES["sync-request"], {
      ...syncRequest(a),
      context: { ...context(USER_A), requestTimeEpoch: 1764453600000 },
    });
    assert.equal(JSON.parse(new URLSearchParams(replay.output).get("MessageBody") ?? "").jobId, jobOf(a));
  });

  for (const c of JOB_CASES) {
    it(`answers GET for ${c.name} with ${c.status}`, () => {
      const getItem = JSON.parse(rendered("job-request", jobRequest(c.jobId)).output);
      assert.equal(getItem.TableName, "syncwell-prod-metadata");
      assert.equal(getItem.ConsistentRead, true);
      assert.ok(Buffer.byteLength(getItem.Key.pk.S) <= 2048, "a key DynamoDB accepts");
      const answer = rendered("job-response", jobRequest(c.jobId, c.body));
      assert.equal(answer.status ?? 200, c.status);
      const json = JSON.parse(answer.output);
      if (c.answer) assert.deepEqual(json, c.answer);
      else assert.deepEqual({ status: json.status, type: json.type }, { status: c.status, type: "about:blank" });
    });
  }
});
