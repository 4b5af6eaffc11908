import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runChaos } from "../src/chaos/chaosRun.ts";

describe("chaos (short run; `npm run chaos` is the full one)", () => {
  it("under partner 5xx/429, latency, kill -9 of one of two workers, a Redis restart, client retries and duplicate webhooks: nothing lost or written twice", async () => {
    // A kill about every 10 finished jobs (5 to 15, at random): at least two in 60 jobs, whatever the draw.
    const result = await runChaos({ jobs: 60, users: 6, jobsPerCrash: 10, clients: 16, workers: 2 });
    assert.deepEqual(result.report.failures, [], JSON.stringify({ ...result.report, unfinished: result.unfinished }));
    assert.ok(result.events.workerCrashes >= 2, "the worker was killed");
    assert.equal(result.events.redisRestarts, 1);
    assert.ok(result.report.jobsAccepted >= 60);
    assert.equal(result.events.workers, 2);
    assert.ok((result.report.jobsByTrigger.webhook ?? 0) > 0, "the webhooks' jobs are checked too");
    assert.equal(result.report.recordsWritten, 60);
  });
});
