import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { CoalescerHarness } from "./harness.ts";

/** SPEC §18: an event about one data type starts jobs for the configs of that type only. */
describe("the coalescer and data types", () => {
  let h: CoalescerHarness;
  beforeEach(async () => {
    h = await CoalescerHarness.start();
  });
  afterEach(() => h.stop());

  it("an event about sleep starts no job for a workouts config; one about workouts (or any type) does", async () => {
    const coalescer = h.coalescer();
    await h.webhook("data", { dataType: "sleep", recordId: "night-1" });
    await h.drain(coalescer);
    assert.equal(h.jobs.length, 0, "no workouts job for a night of sleep");
    const dropped = (await h.metrics.eventsDropped.get()).values.find((v) => v.labels.reason === "no_sync_config");
    assert.equal(dropped?.value, 1);

    const workout = await h.webhook("data", { dataType: "workouts", recordId: "run-1" });
    assert.ok(await h.pump(coalescer, () => h.jobs.some((j) => j.sentAt >= workout)));
    assert.deepEqual(
      h.jobs.map((j) => j.job.recordIds),
      [["run-1"]],
    );
  });
});
