import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Given, Then, When } from "@cucumber/cucumber";
import { request } from "../support/http.ts";
import { metric } from "../support/metrics.ts";
import { stack } from "../support/platform.ts";
import { partnerActivities, record, slot } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

type Counters = { produced: number; coalesced: number; accepted: number; refused: number };
const counters = async (): Promise<Counters> => {
  const coalescer = stack().coalescer;
  assert.ok(coalescer, "the webhook checks need the embedded stack");
  return {
    produced: await metric(coalescer, "syncwell_webhook_jobs_produced_total"),
    coalesced: await metric(coalescer, "syncwell_webhook_events_coalesced_total"),
    accepted: await metric(stack().gateway, "syncwell_webhook_events_received_total", 'result="accepted"'),
    refused: await metric(stack().gateway, "syncwell_webhook_events_received_total", 'result="unverified"'),
  };
};
async function recordRefusals(world: SyncWellWorld): Promise<void> {
  const all = await metric(stack().gateway, "syncwell_webhook_events_received_total");
  const accepted = await metric(stack().gateway, "syncwell_webhook_events_received_total", 'result="accepted"');
  const replayed = await metric(stack().gateway, "syncwell_webhook_events_received_total", 'result="replayed"');
  (world as unknown as { refusalsBefore: number }).refusalsBefore = all - accepted - replayed;
}

const state = (world: SyncWellWorld) => world as unknown as { before: Counters; reply?: { status: number; body: any } };

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("not reached before the deadline");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

Given("{word} delivers webhooks to SyncWell", async function (this: SyncWellWorld, provider: string) {
  state(this).before = await counters();
  await request(this.partner("/_admin/webhooks"), { json: { provider: provider.toLowerCase(), enabled: true } });
});

When("the athlete uploads {int} workouts to Strava in a burst", async function (this: SyncWellWorld, count: number) {
  for (let i = 0; i < count; i++) await record(this, "strava", [{ name: `Burst ${i}`, ...slot(10 + i) }]);
});

When("the athlete uploads a workout while the sync it triggered is running", async function (this: SyncWellWorld) {
  // The first sync's listing is slow, so the second upload lands while that job runs.
  await request(this.partner("/_admin/faults"), { json: { provider: "strava", operation: "list_metadata", latencyMs: 2500, times: 1 } });
  await record(this, "strava", [{ name: "First", ...slot(6) }]);
  await eventually(async () => (await counters()).produced > state(this).before.produced);
  const worker = stack().worker;
  assert.ok(worker, "needs the embedded stack");
  await eventually(async () => (await request(`${worker}/health`)).body.inFlight > 0);
  await record(this, "strava", [{ name: "Second", ...slot(5) }]);
});

Then("{int} webhook job(s) sync(s) them and Garmin holds each exactly once", async function (this: SyncWellWorld, jobs: number) {
  const strava = [...this.recorded.values()].filter((r) => r.provider === "strava");
  await eventually(async () => (await partnerActivities(this, "garmin")).length >= strava.length);
  // Settled: no webhook event, flush or job left anywhere in the queues, so no further job can come.
  const worker = stack().worker;
  assert.ok(worker, "needs the embedded stack");
  await eventually(
    async () =>
      (await metric(worker, "syncwell_queue_messages", "WebhookEventQueue")) +
        (await metric(worker, "syncwell_queue_messages", "HotPathSyncQueue")) ===
      0,
  );
  const held = await partnerActivities(this, "garmin");
  for (const w of strava) assert.equal(held.filter((h) => h.externalId === `syncwell-strava-${w.id}`).length, 1);
  assert.equal(held.length, strava.length);
  const now = await counters();
  assert.equal(now.produced - state(this).before.produced, jobs, "webhook jobs produced");
  assert.equal(now.accepted - state(this).before.accepted, strava.length, "every event was accepted");
});

Then("the other {int} events were folded into that job", async function (this: SyncWellWorld, folded: number) {
  assert.equal((await counters()).coalesced - state(this).before.coalesced, folded);
});

When("Strava checks the subscription with verify_token {string}", async function (this: SyncWellWorld, token: string) {
  state(this).before = await counters();
  await recordRefusals(this);
  const query = new URLSearchParams({ "hub.mode": "subscribe", "hub.challenge": "challenge-42", "hub.verify_token": token });
  state(this).reply = await request(this.gateway(`/webhooks/strava?${query}`));
});

Then("SyncWell echoes the challenge", function (this: SyncWellWorld) {
  assert.equal(state(this).reply?.status, 200);
  assert.deepEqual(state(this).reply?.body, { "hub.challenge": "challenge-42" });
});

When("a webhook arrives {}", async function (this: SyncWellWorld, what: string) {
  state(this).before = await counters();
  await recordRefusals(this);
  const body = JSON.stringify({
    event_type: "create",
    data_type: "workout",
    object_id: "w-1",
    event_time: new Date().toISOString(),
    user_id: "someone",
  });
  const now = Math.floor(Date.now() / 1000);
  const sign = (ts: number, secret = "dev-oura-secret") => createHmac("sha256", secret).update(`${ts}${body}`).digest("hex").toUpperCase();
  const oura = (ts: number, signature: string) =>
    request(this.gateway("/webhooks/oura"), {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-oura-timestamp": String(ts), "x-oura-signature": signature },
    });
  const stravaEvent = (subscription: number) =>
    request(this.gateway("/webhooks/strava"), {
      json: {
        object_type: "activity",
        object_id: 1,
        aspect_type: "create",
        owner_id: 1,
        subscription_id: subscription,
        event_time: now,
        updates: {},
      },
    });
  const cases: Record<string, () => Promise<{ status: number; body: any }>> = {
    "from Oura with a bad signature": () => oura(now, sign(now, "not-the-secret")),
    "from Oura with a stale timestamp": () => oura(now - 3600, sign(now - 3600)),
    "from Strava for another subscription": () => stravaEvent(999),
    "from Garmin without its client id": () => request(this.gateway("/webhooks/garmin"), { json: { activities: [] } }),
    "from Garmin with a callbackURL on another host": () =>
      request(this.gateway("/webhooks/garmin"), {
        headers: { "garmin-client-id": "syncwell-garmin" },
        json: {
          activities: [
            { userId: "u", uploadStartTimeInSeconds: 1, uploadEndTimeInSeconds: 2, callbackURL: "http://169.254.169.254/latest/meta-data" },
          ],
        },
      }),
    "for an unknown provider": () => request(this.gateway("/webhooks/fitbit"), { json: {} }),
    "with a body over 64 KiB": () =>
      request(this.gateway("/webhooks/strava"), {
        method: "POST",
        body: JSON.stringify({ pad: "x".repeat(70_000) }),
        headers: { "content-type": "application/json" },
      }),
    "that is not JSON": () =>
      request(this.gateway("/webhooks/strava"), { method: "POST", body: "{oops", headers: { "content-type": "application/json" } }),
  };
  assert.ok(cases[what], `unknown case ${what}`);
  state(this).reply = await cases[what]();
});

Then("it is refused with a {int} and nothing is queued", async function (this: SyncWellWorld, status: number) {
  assert.equal(state(this).reply?.status, status);
  assert.equal((await counters()).accepted, state(this).before.accepted);
  const refusals = await metric(stack().gateway, "syncwell_webhook_events_received_total");
  const accepted = await metric(stack().gateway, "syncwell_webhook_events_received_total", 'result="accepted"');
  const replayed = await metric(stack().gateway, "syncwell_webhook_events_received_total", 'result="replayed"');
  const s = state(this) as unknown as { refusalsBefore?: number };
  assert.equal(refusals - accepted - replayed, (s.refusalsBefore ?? 0) + 1, "the refusal was counted once");
});

When("the same signed Oura event arrives twice", async function (this: SyncWellWorld) {
  state(this).before = await counters();
  const body = JSON.stringify({
    event_type: "create",
    data_type: "workout",
    object_id: `w-${this.userId}`,
    event_time: new Date().toISOString(),
    user_id: "nobody",
  });
  const ts = Math.floor(Date.now() / 1000);
  const signature = createHmac("sha256", "dev-oura-secret").update(`${ts}${body}`).digest("hex").toUpperCase();
  for (let i = 0; i < 2; i++) {
    const reply = await request(this.gateway("/webhooks/oura"), {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-oura-timestamp": String(ts), "x-oura-signature": signature },
    });
    assert.equal(reply.status, 200);
  }
});

Then("only the first is queued", async function (this: SyncWellWorld) {
  assert.equal((await counters()).accepted - state(this).before.accepted, 1);
  assert.equal((await metric(stack().gateway, "syncwell_webhook_events_received_total", 'result="replayed"')) >= 1, true);
});

When("the athlete deauthorises SyncWell on Strava", async function (this: SyncWellWorld) {
  await request(this.partner(`/strava/_admin/users/${this.user("strava").partnerUserId}/revoke`), { method: "POST" });
});

Then("the Strava connection becomes {string}", async function (this: SyncWellWorld, status: string) {
  await eventually(async () => (await this.api(`/v1/connections/${this.user("strava").connectionId}`)).body.status === status);
});
