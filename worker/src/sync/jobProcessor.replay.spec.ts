import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger, createMetricsRegistry, InMemorySyncStateStore, type JobMessage, type QueuedMessage } from "@syncwell/core";
import { createWorkerMetrics } from "../metrics.ts";
import { JobProcessor } from "./JobProcessor.ts";

/**
 * Production's 24 h idempotency (SPEC §5, §16): API Gateway sends every request with an
 * Idempotency-Key to SQS, which deduplicates for 5 minutes only; the job id is a function of user
 * and key, so the worker tells a replay (same job id, another request) from a redelivery.
 */
describe("a replayed Idempotency-Key after SQS's 5-minute window makes no second run", () => {
  let clock = Date.parse("2026-11-20T12:00:00Z");
  const now = () => clock;
  const store = new InMemorySyncStateStore({ now });
  const runs: string[] = [];
  const processor = new JobProcessor(
    {
      store,
      handler: {
        run: async (job) => {
          runs.push(job.requestedAt);
          return { kind: "succeeded", recordsWritten: 1 };
        },
      },
      metrics: createWorkerMetrics(createMetricsRegistry("r")),
      logger: createLogger("r", "silent"),
      now,
    },
    { maxReceiveCount: 5, retryBaseSeconds: 5, jobTtlSeconds: 7 * 86400 },
  );
  const request = (at: number): QueuedMessage => {
    const job: JobMessage = {
      jobId: "user-1.dGFwLTE",
      userId: "user-1",
      syncConfigId: "cfg-1",
      trigger: "manual",
      requestedAt: new Date(at).toISOString(),
      idempotencyKey: "tap-1",
    };
    return { id: `m-${at}`, body: JSON.stringify(job), receiveCount: 1, receiptHandle: `r-${at}`, attributes: {} };
  };
  const first = clock;

  it("runs the first request", async () => {
    assert.deepEqual(await processor.process(request(first)), { kind: "ack" });
    assert.equal(runs.length, 1);
    assert.equal((await store.getJob("user-1.dGFwLTE"))?.status, "succeeded");
  });

  it("acknowledges the same key 10 minutes and 23 hours later without running it, the job untouched", async () => {
    for (const later of [10 * 60_000, 23 * 3600_000]) {
      clock = first + later;
      assert.deepEqual(await processor.process(request(clock)), { kind: "ack" });
    }
    assert.equal(runs.length, 1);
    assert.equal((await store.getJob("user-1.dGFwLTE"))?.status, "succeeded");
  });

  it("runs a redelivery of the first request (a retry is not a replay)", async () => {
    await processor.process(request(first));
    assert.equal(runs.length, 2);
  });

  it("runs the key again after 24 h, as a new job under the same id", async () => {
    clock = first + 25 * 3600_000;
    await store.updateJob("user-1.dGFwLTE", { status: "succeeded", errorMessage: "old" }, "attempts");
    await processor.process(request(clock));
    assert.equal(runs.length, 3);
    const job = await store.getJob("user-1.dGFwLTE");
    assert.equal(job?.attempts, 0, "a fresh status item");
    assert.equal(job?.requestedAt, new Date(clock).toISOString());
  });
});
