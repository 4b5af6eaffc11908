import assert from "node:assert/strict";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { Then, When } from "@cucumber/cucumber";
import { request } from "../support/http.ts";
import { metric } from "../support/metrics.ts";
import { stack } from "../support/platform.ts";
import { partnerActivities, record, slot } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

const polling = async (world: SyncWellWorld) => (await world.api(`/v1/sync-configs/${world.syncConfigId}`)).body.polling;
const state = (world: SyncWellWorld) => world as unknown as { intervals: number[]; polledAt: string[] };

/** Waits until the poller has polled the config `count` more times, recording each interval. */
async function waitForPolls(world: SyncWellWorld, count: number): Promise<void> {
  const s = state(world);
  s.intervals ??= [];
  s.polledAt ??= [];
  const deadline = Date.now() + 30_000;
  let seen = 0;
  let last = (await polling(world))?.nextPollAt;
  while (seen < count) {
    assert.ok(Date.now() < deadline, "the poller did not poll in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await polling(world);
    if (now?.nextPollAt !== last && now?.lastResult) {
      seen += 1;
      last = now.nextPollAt;
      s.intervals.push(now.intervalSeconds);
      s.polledAt.push(now.lastResult);
    }
  }
}

When("the poller has polled the user's Polar account {int} time(s)", async function (this: SyncWellWorld, count: number) {
  await waitForPolls(this, count);
});

Then("every poll found nothing and cost one pre-flight call, and no job was queued", async function (this: SyncWellWorld) {
  const s = state(this);
  assert.ok(
    s.polledAt.every((r) => r === "no_data"),
    s.polledAt.join(","),
  );
  const stats = (await request(this.partner("/_admin/stats"))).body.polar ?? {};
  assert.deepEqual(Object.keys(stats), ["preflight"], "only pre-flight calls reached Polar");
  assert.equal(
    await metric(stack().poller ?? "", "syncwell_jobs_enqueued_total", 'trigger="poll"'),
    (this as unknown as { pollJobsBefore: number }).pollJobsBefore,
  );
});

/**
 * Waits until no job is queued or running (an earlier scenario's last job, or its config's first
 * poll, may still be reading a partner), so the partner's counters are this scenario's alone.
 */
async function quiet(): Promise<void> {
  const queues = stack().queues;
  if (!queues) return;
  const deadline = Date.now() + 20_000;
  for (let calm = 0; calm < 3; ) {
    const { Attributes } = await queues.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.hotPathUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
      }),
    );
    const busy = Object.values(Attributes ?? {}).some((n) => Number(n) > 0);
    calm = busy ? 0 : calm + 1;
    assert.ok(Date.now() < deadline, "the hot-path queue did not go quiet");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

When("nothing has been polled yet", async function (this: SyncWellWorld) {
  await quiet();
  (this as unknown as { pollJobsBefore: number }).pollJobsBefore = await metric(
    stack().poller ?? "",
    "syncwell_jobs_enqueued_total",
    'trigger="poll"',
  );
  await request(this.partner("/_admin/stats/reset"), { method: "POST" });
});

When("the user records a workout on Polar", async function (this: SyncWellWorld) {
  (this as unknown as { intervalBeforeData: number }).intervalBeforeData = (await polling(this)).intervalSeconds;
  await record(this, "polar", [{ name: "Polar run", ...slot(3) }]);
});

Then("a poll finds it and the workout reaches Garmin", async function (this: SyncWellWorld) {
  const deadline = Date.now() + 30_000;
  while ((await partnerActivities(this, "garmin")).length === 0) {
    assert.ok(Date.now() < deadline, "the workout never reached Garmin");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const held = await partnerActivities(this, "garmin");
  assert.equal(held.length, 1);
  assert.equal(held[0].externalId, `syncwell-polar-${this.recorded.get("Polar run")?.id}`);
});

Then("the interval grew after each empty poll", function (this: SyncWellWorld) {
  const { intervals } = state(this);
  for (let i = 1; i < intervals.length; i++) assert.ok((intervals[i] ?? 0) > (intervals[i - 1] ?? 0), `intervals ${intervals.join(" → ")}`);
});

Then("the interval shrank after the poll that found data", async function (this: SyncWellWorld) {
  const before = (this as unknown as { intervalBeforeData: number }).intervalBeforeData;
  const after = await polling(this);
  // Halved by the poll that found data (an empty poll since then grows it by half: still smaller).
  assert.ok(after.intervalSeconds < before, `${before} → ${after.intervalSeconds}`);
});
