import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger, createMetricsRegistry, InMemoryPartner } from "@syncwell/core";
import { createWorkerMetrics } from "../metrics.ts";
import { JobProcessor } from "./JobProcessor.ts";
import { GARMIN, HotPath, STRAVA } from "./testkit.ts";

/** The worker's own calls per job (SPEC §19): counted on the port, each call one DynamoDB request. */
function processorFor(hot: HotPath) {
  return new JobProcessor(
    {
      store: hot.store,
      handler: hot.handler,
      metrics: createWorkerMetrics(createMetricsRegistry("cost")),
      logger: createLogger("cost", "silent"),
    },
    { maxReceiveCount: 5, retryBaseSeconds: 5, jobTtlSeconds: 3600 },
  );
}

const message = (body: object) => ({ id: "m1", body: JSON.stringify(body), receiptHandle: "r1", receiveCount: 1, attributes: {} });

describe("the worker's store calls per job", () => {
  it("an empty webhook or poll job: the user's state, the watermark and the status, three calls", async () => {
    const hot = new HotPath();
    hot.connect(new InMemoryPartner("strava", STRAVA));
    hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin");
    for (const key of Object.keys(hot.store.calls)) delete hot.store.calls[key];
    assert.deepEqual(await processorFor(hot).process(message(hot.job(config, { trigger: "webhook" }))), { kind: "ack" });
    assert.deepEqual(hot.store.calls, { loadUser: 1, advanceWatermark: 1, recordJob: 1 });
  });

  it("an empty mobile sync: one more, the claim that tells a replay of its key", async () => {
    const hot = new HotPath();
    hot.connect(new InMemoryPartner("strava", STRAVA));
    hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin");
    await processorFor(hot).process(message(hot.job(config, { idempotencyKey: "tap-1" })));
    assert.deepEqual(hot.store.calls, { claimJob: 1, loadUser: 1, advanceWatermark: 1, recordJob: 1 });
  });

  it("a k-record job makes the same calls whatever k: recall, markWritten (batched inside) and the three", async () => {
    for (const k of [1, 10, 100]) {
      const hot = new HotPath({ maxRecordsPerJob: 1000 });
      const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
      hot.connect(new InMemoryPartner("strava", STRAVA));
      const config = hot.config("garmin", "strava");
      for (let i = 0; i < k; i++) garmin.add({ startTime: hot.at(i * 60), endTime: hot.at(i * 60 + 40), type: "run", name: `r${i}` });
      await processorFor(hot).process(message(hot.job(config, { trigger: "poll" })));
      assert.deepEqual(hot.store.calls, { loadUser: 1, recall: 1, markWritten: 1, advanceWatermark: 1, recordJob: 1 }, `k = ${k}`);
    }
  });

  it("to a destination that drops external ids (Garmin), one more: the pushes are marked before they start", async () => {
    const hot = new HotPath();
    const oura = hot.connect(new InMemoryPartner("oura", STRAVA));
    hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("oura", "garmin");
    oura.add(hot.workout(0, 40));
    await processorFor(hot).process(message(hot.job(config, { trigger: "poll" })));
    assert.equal(hot.store.calls.markWritten, 2);
  });
});
