import assert from "node:assert/strict";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { Then, When } from "@cucumber/cucumber";
import { signJwt } from "@syncwell/core";
import { findInDlq } from "../support/dlq.ts";
import { request } from "../support/http.ts";
import { stack } from "../support/platform.ts";
import type { SyncWellWorld } from "../support/world.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64url");

/** The gateway's own count of jobs it sent to the queue. */
async function enqueued(world: SyncWellWorld): Promise<number> {
  const metrics = (await request(world.gateway("/metrics"))).text;
  const line = metrics.split("\n").find((l) => l.startsWith("syncwell_jobs_enqueued_total{") && l.includes('trigger="manual"'));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

const REQUESTS: Record<string, (world: SyncWellWorld) => Promise<unknown>> = {
  "without an Idempotency-Key": (w) => w.api(`/v1/sync-configs/${w.syncConfigId}/sync`, { method: "POST" }),
  "with a 256-character Idempotency-Key": (w) =>
    w.api(`/v1/sync-configs/${w.syncConfigId}/sync`, { method: "POST", headers: { "idempotency-key": "k".repeat(256) } }),
  "with unknown body fields": (w) =>
    w.api(`/v1/sync-configs/${w.syncConfigId}/sync`, { json: { force: true }, headers: { "idempotency-key": "k-unknown" } }),
  "with malformed JSON": (w) =>
    w.api(`/v1/sync-configs/${w.syncConfigId}/sync`, {
      method: "POST",
      headers: { "idempotency-key": "k-malformed", "content-type": "application/json" },
      body: "{nope",
    }),
  "for another user's sync config": (w) =>
    w.call(w.gateway(`/v1/sync-configs/${w.syncConfigId}/sync`), {
      method: "POST",
      token: signJwt(stack().jwtSecret, "someone-else", 600),
      headers: { "idempotency-key": "k-foreign" },
    }),
  "for an unknown sync config": (w) =>
    w.api("/v1/sync-configs/does-not-exist/sync", { method: "POST", headers: { "idempotency-key": "k-unknown-config" } }),
  "without a bearer token": (w) =>
    w.call(w.gateway(`/v1/sync-configs/${w.syncConfigId}/sync`), { method: "POST", headers: { "idempotency-key": "k-anon" } }),
  "with a forged bearer token": (w) =>
    w.call(w.gateway(`/v1/sync-configs/${w.syncConfigId}/sync`), {
      method: "POST",
      token: signJwt("not-the-secret-at-all", w.userId, 600),
      headers: { "idempotency-key": "k-forged" },
    }),
  "with a bearer token whose header is null": (w) =>
    w.call(w.gateway(`/v1/sync-configs/${w.syncConfigId}/sync`), {
      method: "POST",
      token: `${b64("null")}.${b64(JSON.stringify({ sub: w.userId, exp: 9_999_999_999 }))}.x`,
      headers: { "idempotency-key": "k-null-header" },
    }),
  "with an unsigned alg none bearer token": (w) =>
    w.call(w.gateway(`/v1/sync-configs/${w.syncConfigId}/sync`), {
      method: "POST",
      token: `${b64('{"alg":"none"}')}.${b64(JSON.stringify({ sub: w.userId, exp: 9_999_999_999 }))}.`,
      headers: { "idempotency-key": "k-alg-none" },
    }),
  "for a 2,000-character sync config id": (w) =>
    w.api(`/v1/sync-configs/${"c".repeat(2000)}/sync`, { method: "POST", headers: { "idempotency-key": "k-long-id" } }),
};

When("the user sends a sync request {}", async function (this: SyncWellWorld, what: string) {
  const send = REQUESTS[what];
  assert.ok(send, `unknown request "${what}"`);
  (this as unknown as { enqueuedBefore: number }).enqueuedBefore = await enqueued(this);
  await send(this);
});

When("the user asks to sync another config with Idempotency-Key {string}", async function (this: SyncWellWorld, key: string) {
  const other = await this.api("/v1/sync-configs", {
    json: {
      sourceConnectionId: this.user("strava").connectionId,
      destinationConnectionId: this.user("garmin").connectionId,
      dataType: "workouts",
    },
  });
  assert.equal(other.status, 201);
  (this as unknown as { enqueuedBefore: number }).enqueuedBefore = await enqueued(this);
  await this.api(`/v1/sync-configs/${other.body.syncConfigId}/sync`, { method: "POST", headers: { "idempotency-key": key } });
});

When("the user creates a sync config {}", async function (this: SyncWellWorld, what: string) {
  const strava = this.user("strava").connectionId;
  const garmin = this.user("garmin").connectionId;
  const bodies: Record<string, unknown> = {
    "from a connection to itself": { sourceConnectionId: strava, destinationConnectionId: strava, dataType: "workouts" },
    "with an unknown strategy": {
      sourceConnectionId: strava,
      destinationConnectionId: garmin,
      dataType: "workouts",
      conflictResolutionStrategy: "coin_flip",
    },
    "for steps": { sourceConnectionId: strava, destinationConnectionId: garmin, dataType: "steps" },
    "with another user's connection": { sourceConnectionId: "not-mine", destinationConnectionId: garmin, dataType: "workouts" },
    "with a number for a connection id": { sourceConnectionId: 42, destinationConnectionId: garmin, dataType: "workouts" },
  };
  assert.ok(what in bodies, `unknown body "${what}"`);
  await this.api("/v1/sync-configs", { json: bodies[what] });
});

Then("the answer is a {int} problem", function (this: SyncWellWorld, status: number) {
  const reply = this.lastReply;
  assert.equal(reply.status, status, reply.text);
  assert.match(reply.headers.get("content-type") ?? "", /application\/problem\+json/);
  assert.equal(reply.body.status, status);
  assert.ok(reply.body.title && reply.body.detail && reply.body.type);
});

Then("nothing was queued", async function (this: SyncWellWorld) {
  assert.equal(await enqueued(this), (this as unknown as { enqueuedBefore: number }).enqueuedBefore);
});

When("a message that is not a job is put on the queue", async function (this: SyncWellWorld) {
  const queues = stack().queues;
  assert.ok(queues, "needs the embedded stack");
  const marker = `not-a-job-${this.userId}`;
  (this as unknown as { marker: string }).marker = marker;
  await queues.sqs.send(
    new SendMessageCommand({
      QueueUrl: queues.hotPathUrl,
      MessageBody: JSON.stringify({ hello: marker }),
      MessageGroupId: this.userId,
      MessageDeduplicationId: marker,
    }),
  );
});

Then("the DLQ holds it with category {string} after a single receive", async function (this: SyncWellWorld, category: string) {
  const marker = (this as unknown as { marker: string }).marker;
  const mine = await findInDlq((m) => m.Body?.includes(marker) ?? false);
  assert.ok(mine, "the message never reached the DLQ");
  assert.equal(mine.MessageAttributes?.errorCategory?.StringValue, category);
  assert.match(mine.MessageAttributes?.errorMessage?.StringValue ?? "", /invalid job message/);
  assert.equal(mine.MessageAttributes?.receiveCount?.StringValue, "1", "dead-lettered at once, not after retries");
});

When("the app sends the same sync request {int} times at once", async function (this: SyncWellWorld, times: number) {
  (this as unknown as { enqueuedBefore: number }).enqueuedBefore = await enqueued(this);
  const replies = await Promise.all(
    Array.from({ length: times }, () =>
      request(this.gateway(`/v1/sync-configs/${this.syncConfigId}/sync`), {
        method: "POST",
        token: this.token,
        headers: { "idempotency-key": "burst" },
      }),
    ),
  );
  this.replies = replies;
  for (const reply of replies) if (reply.status === 202) this.jobIds.push(reply.body.jobId);
});

Then("every answer is the same job or {string}, and exactly one job was queued", async function (this: SyncWellWorld, _inProgress: string) {
  for (const reply of this.replies)
    assert.ok(reply.status === 202 || (reply.status === 409 && reply.headers.get("retry-after")), `${reply.status} ${reply.text}`);
  assert.ok(this.jobIds.length >= 1);
  assert.equal(new Set(this.jobIds).size, 1);
  assert.equal(await enqueued(this), (this as unknown as { enqueuedBefore: number }).enqueuedBefore + 1);
});
