import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createLogger,
  createMetricsRegistry,
  InMemoryJobQueue,
  InMemorySyncStateStore,
  type JobMessage,
  PartnerError,
} from "@syncwell/core";
import { createWorkerMetrics } from "../metrics.ts";
import { JobProcessor } from "./JobProcessor.ts";
import type { JobOutcome } from "./outcome.ts";

/** The processor and the queue fake on one fake clock; `drive` plays receive → process → apply until the queue is empty. */
function setup(maxReceiveCount: number, run: (job: JobMessage) => Promise<JobOutcome>) {
  let clock = Date.parse("2026-11-20T12:00:00Z");
  const now = () => clock;
  const queue = new InMemoryJobQueue({ maxReceiveCount, now });
  const store = new InMemorySyncStateStore({ now });
  const processor = new JobProcessor(
    { store, handler: { run }, metrics: createWorkerMetrics(createMetricsRegistry("p")), logger: createLogger("p", "silent"), now },
    { maxReceiveCount, retryBaseSeconds: 5, jobTtlSeconds: 3600 },
  );
  const job: JobMessage = { jobId: "j1", userId: "u1", syncConfigId: "c1", trigger: "manual", requestedAt: new Date(clock).toISOString() };
  return {
    queue,
    store,
    /** Plays the queue until it is empty; an idle receive moves the clock 5 s on. */
    async drive(steps = 2000) {
      await queue.send({ body: JSON.stringify(job), groupId: "u1", deduplicationId: "d1" });
      for (let i = 0; i < steps && queue.depth > 0; i++) {
        const [message] = await queue.receive(1, { visibilitySeconds: 60 });
        if (!message) {
          clock += 5000;
          continue;
        }
        const decision = await processor.process(message);
        if (decision.kind === "ack") await queue.ack([message]);
        else if (decision.kind === "dead_letter") await queue.deadLetter(message, decision);
        else if (decision.resend) await queue.resend(message, decision.resend);
        else await queue.hide(message, decision.afterSeconds);
      }
    },
    tick: () => clock,
  };
}

describe("retries keep their delay and end with a reason (SPEC §14)", () => {
  it("backoff holds on every attempt, also once the retry moved to a fresh message", async () => {
    const runsAt: number[] = [];
    let clockRef: () => number = () => 0;
    const t = setup(5, async () => {
      runsAt.push(clockRef());
      throw new PartnerError("transient", "503", { provider: "garmin", operation: "create", status: 503 });
    });
    clockRef = t.tick;
    await t.drive();
    const gaps = runsAt.slice(1).map((at, i) => Math.round((at - (runsAt[i] as number)) / 1000));
    assert.equal(gaps.length, 4);
    // The clock moves in 5 s steps while the queue is idle: each gap is the backoff, rounded up to a step.
    for (const [i, backoff] of [5, 10, 20, 40].entries())
      assert.ok((gaps[i] as number) >= backoff && (gaps[i] as number) < backoff + 10, `gap ${i + 1}: ${gaps[i]} s`);
    assert.equal(t.queue.dead.length, 1);
    assert.equal(t.queue.dead[0]?.attributes.errorCategory, "transient", "dead-lettered by the worker, with its reason");
    assert.equal((await t.store.getJob("j1"))?.status, "dead_lettered");
  });

  it("a Retry-After is honoured on a fresh message too", async () => {
    const runsAt: number[] = [];
    let clockRef: () => number = () => 0;
    let n = 0;
    const t = setup(3, async () => {
      runsAt.push(clockRef());
      if (++n <= 4)
        throw new PartnerError("rate_limited", "429", { provider: "strava", operation: "create", status: 429, retryAfterSeconds: 900 });
      return { kind: "succeeded", recordsWritten: 1 };
    });
    clockRef = t.tick;
    await t.drive();
    const gaps = runsAt.slice(1).map((at, i) => Math.round((at - (runsAt[i] as number)) / 1000));
    assert.equal(gaps.length, 4);
    for (const gap of gaps) assert.ok(gap >= 900, `waited ${gap} s, not less than Retry-After`);
    assert.equal((await t.store.getJob("j1"))?.status, "succeeded");
    assert.equal(t.queue.dead.length, 0, "waits never dead-letter");
  });

  it("with an attempt limit above 5 the job still ends in the DLQ with its reason, and its status says so", async () => {
    const t = setup(8, async () => {
      throw new PartnerError("transient", "503", { provider: "garmin", operation: "create", status: 503 });
    });
    await t.drive();
    assert.equal(t.queue.dead.length, 1);
    assert.equal(t.queue.dead[0]?.attributes.errorCategory, "transient");
    assert.equal((await t.store.getJob("j1"))?.attempts, 8);
    assert.equal((await t.store.getJob("j1"))?.status, "dead_lettered");
  });

  it("a message that can never be valid goes to the DLQ at once with its reason", async () => {
    const queue = new InMemoryJobQueue({ maxReceiveCount: 5 });
    const processor = new JobProcessor(
      {
        store: new InMemorySyncStateStore(),
        handler: { run: async () => assert.fail("not run") },
        metrics: createWorkerMetrics(createMetricsRegistry("p")),
        logger: createLogger("p", "silent"),
      },
      { maxReceiveCount: 5, retryBaseSeconds: 5, jobTtlSeconds: 3600 },
    );
    await queue.send({ body: "{not json", groupId: "g", deduplicationId: "x" });
    const [message] = await queue.receive(1, { visibilitySeconds: 30 });
    const decision = await processor.process(message as NonNullable<typeof message>);
    assert.equal(decision.kind, "dead_letter");
    assert.equal(decision.kind === "dead_letter" && decision.attributes.errorCategory, "invalid_message");
  });
});
