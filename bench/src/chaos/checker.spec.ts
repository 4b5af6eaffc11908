import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check, type Observations } from "./checker.ts";

const ext = (id: string) => `syncwell-strava-${id}`;
const clean = (): Observations => ({
  requests: [
    { key: "k1", jobIds: ["j1", "j1"] },
    { key: "k2", jobIds: ["j2"] },
  ],
  jobs: new Map([
    ["j1", { status: "succeeded", trigger: "manual" }],
    ["j2", { status: "dead_lettered", errorCategory: "transient", trigger: "manual" }],
    ["wh-1", { status: "succeeded", trigger: "webhook" }],
    ["wh-2", { status: "cancelled", trigger: "webhook" }],
    ["wh-3", { status: "dead_lettered", errorCategory: "unknown", trigger: "webhook" }],
    ["poll-1", { status: "succeeded", trigger: "poll" }],
  ]),
  users: [
    {
      userId: "u",
      source: [{ id: "1" }, { id: "2" }],
      destination: [{ externalId: ext("1") }, { externalId: ext("2") }, { externalId: null }],
    },
  ],
  dlq: [
    { jobId: "j2", errorCategory: "transient" },
    { jobId: "wh-3", errorCategory: "unknown" },
  ],
  lastSyncTimes: new Map([["c", [undefined, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"]]]),
  leftoverMessages: 0,
});

describe("the chaos checker", () => {
  it("passes a clean run and counts what happened", () => {
    const report = check(clean(), ext);
    assert.equal(report.pass, true, report.failures.join("; "));
    assert.deepEqual(
      [report.jobsAccepted, report.jobsTotal, report.jobsSucceeded, report.jobsDeadLettered, report.recordsWritten, report.dlqWithReason],
      [2, 6, 3, 2, 2, 2],
    );
    assert.deepEqual(report.jobsByTrigger, { manual: 2, webhook: 3, poll: 1 });
  });

  it("fails on a job that never finished or has no status", () => {
    const o = clean();
    (o.jobs as Map<string, unknown>).set("j1", { status: "in_progress" });
    (o.requests as unknown[]).push({ key: "k3", jobIds: ["j3"] });
    assert.deepEqual(check(o, ext).failures, ["2 jobs lost (accepted or queued, never finished)"]);
  });

  it("holds webhook- and poll-triggered jobs to the same rule: each one finishes", () => {
    const o = clean();
    (o.jobs as Map<string, unknown>).set("wh-4", { status: "retrying", trigger: "webhook" });
    (o.jobs as Map<string, unknown>).set("poll-2", { status: "in_progress", trigger: "poll" });
    assert.deepEqual(check(o, ext).failures, ["2 jobs lost (accepted or queued, never finished)"]);
  });

  it("counts a job only the DLQ knows of (it never got a status) as lost", () => {
    const o = clean();
    (o.dlq as unknown[]).push({ jobId: "wh-9", errorCategory: "unknown" });
    const report = check(o, ext);
    assert.equal(report.jobsLost, 1);
    assert.equal(report.dlqOfNoDeadJob, 1);
  });

  it("wants exactly one DLQ message per dead-lettered job, and none for a job that is not dead", () => {
    const none = clean();
    (none.dlq as unknown[]).splice(1, 1);
    assert.deepEqual(check(none, ext).failures, ["1 dead-lettered jobs without exactly one DLQ message"]);
    const twice = clean();
    (twice.dlq as unknown[]).push({ jobId: "wh-3", errorCategory: "unknown" });
    assert.deepEqual(check(twice, ext).failures, ["1 dead-lettered jobs without exactly one DLQ message"]);
    const alive = clean();
    (alive.dlq as unknown[]).push({ jobId: "wh-1", errorCategory: "transient" });
    assert.deepEqual(check(alive, ext).failures, ["1 DLQ messages of no dead-lettered job"]);
  });

  it("fails when a retried request got a second job", () => {
    const o = clean();
    (o.requests as unknown[]).push({ key: "k3", jobIds: ["j1", "j9"] });
    (o.jobs as Map<string, unknown>).set("j9", { status: "succeeded" });
    assert.equal(check(o, ext).jobsDuplicated, 1);
  });

  it("fails on a record written twice and on a record missing", () => {
    const o = clean();
    const [user] = o.users as unknown as Array<{ source: unknown[]; destination: unknown[] }>;
    user?.destination.push({ externalId: ext("1") });
    user?.source.push({ id: "3" });
    const report = check(o, ext);
    assert.equal(report.recordsDuplicated, 1);
    assert.equal(report.recordsMissing, 1);
    assert.equal(report.pass, false);
  });

  it("fails on a DLQ message or a dead job without a reason", () => {
    const o = clean();
    (o.dlq as unknown[]).push({ jobId: "jx" });
    (o.jobs as Map<string, unknown>).set("j2", { status: "dead_lettered" });
    const report = check(o, ext);
    assert.equal(report.dlqWithoutReason, 1);
    assert.equal(report.deadLetteredWithoutReason, 1);
  });

  it("counts every step back of lastSyncTime, and leftover messages", () => {
    const o = clean();
    (o.lastSyncTimes as Map<string, string[]>).set("d", [
      "2026-01-02T00:00:00Z",
      "2026-01-01T00:00:00Z",
      "2026-01-03T00:00:00Z",
      "2026-01-02T12:00:00Z",
    ]);
    (o as { leftoverMessages: number }).leftoverMessages = 2;
    const report = check(o, ext);
    assert.equal(report.lastSyncTimeRegressions, 2);
    assert.deepEqual(report.failures, ["2 lastSyncTime moved back", "2 messages left in the queues"]);
  });
});
