import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Then, When } from "@cucumber/cucumber";
import { signJwt } from "@syncwell/core";
import { stack } from "../support/platform.ts";
import { supportCall } from "../support/supportDesk.ts";
import { waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

// ── the troubleshooter, as the app calls it with the user's token ─────────────
async function talk(world: SyncWellWorld, message: string) {
  const support = stack().support;
  const path = world.conversationId
    ? `/v1/troubleshooter/conversations/${world.conversationId}/messages`
    : "/v1/troubleshooter/conversations";
  const reply = await world.call(`${support}${path}`, { token: world.token, json: { message } });
  assert.ok(reply.status === 200 || reply.status === 201, reply.text);
  world.conversationId = reply.body.conversationId;
  return reply;
}

When("the user tells the troubleshooter {string}", async function (this: SyncWellWorld, message: string) {
  await talk(this, message);
});

When("the user answers {string}", async function (this: SyncWellWorld, message: string) {
  await talk(this, message);
});

Then("the troubleshooter proposes the help article {string}", function (this: SyncWellWorld, slug: string) {
  const { body } = this.lastReply;
  assert.equal(body.article?.slug, slug, JSON.stringify(body.messages));
  assert.ok(body.messages.some((m: { role: string; text: string }) => m.role === "assistant" && m.text.includes(`(${slug})`)));
});

Then("it asks whether that solved the problem", function (this: SyncWellWorld) {
  const { body } = this.lastReply;
  assert.equal(body.status, "awaiting_user");
  assert.match(body.messages.at(-1).text, /solve/);
});

Then("the troubleshooter asks a clarifying question and proposes no article", function (this: SyncWellWorld) {
  const { body } = this.lastReply;
  assert.equal(body.article, null);
  assert.equal(body.status, "awaiting_user");
  assert.match(body.messages.at(-1).text, /\?$/);
});

Then("the conversation ends escalated", function (this: SyncWellWorld) {
  const { body } = this.lastReply;
  assert.equal(body.status, "escalated");
  assert.ok(body.ticketId);
});

Then("support has a troubleshooter ticket for the user with a summary of the conversation", async function (this: SyncWellWorld) {
  const reply = await supportCall(`/v1/support/tickets/${this.lastReply.body.ticketId}`);
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.body.origin, "troubleshooter");
  assert.equal(reply.body.userId, this.userId);
  assert.match(reply.body.summary, /reconnect/);
  assert.equal(Date.parse(reply.body.contactDeadline) - Date.parse(reply.body.firstFailureAt), 24 * 3600_000);
});

// ── what the troubleshooter found in the caller's sync log ────────────────────
Then(
  "the troubleshooter says the sync log {string} {string} with reason {string}",
  function (this: SyncWellWorld, outcome: string, name: string, reason: string) {
    const { body } = this.lastReply;
    const recorded = this.recorded.get(name);
    assert.ok(recorded, `no workout ${name}`);
    assert.equal(body.finding?.syncConfigId, this.syncConfigId, JSON.stringify(body));
    assert.equal(body.finding.sourceId, recorded.id);
    assert.equal(body.finding.outcome, outcome);
    assert.equal(body.finding.reason, reason);
    const proposal = body.messages.at(-2).text as string;
    assert.ok(proposal.includes(`workout ${recorded.id} `) && proposal.includes(`(reason: ${reason})`), proposal);
    // Ids, outcomes, reasons and times only: the workout's name is nowhere in the answer.
    assert.ok(!JSON.stringify(body).includes(name), `the answer names ${name}`);
  },
);

Then("the troubleshooter offers no resync", function (this: SyncWellWorld) {
  assert.equal(this.lastReply.body.resync, null);
  assert.doesNotMatch(this.lastReply.body.messages.at(-2).text, /Sync again/);
});

Then("another user asking the same finds nothing in the sync log", async function (this: SyncWellWorld) {
  const message = this.replies.findLast((r) => r.body?.messages)?.body.messages.find((m: { role: string }) => m.role === "user")?.text;
  assert.ok(message);
  const stranger = signJwt(stack().jwtSecret, `user-${randomBytes(4).toString("hex")}`, 600);
  const reply = await this.call(`${stack().support}/v1/troubleshooter/conversations`, { token: stranger, json: { message } });
  assert.equal(reply.status, 201, reply.text);
  assert.equal(reply.body.finding, null);
  assert.equal(reply.body.resync, null);
});

When("the user accepts the troubleshooter's resync", async function (this: SyncWellWorld) {
  const { resync } = this.lastReply.body;
  assert.ok(resync, JSON.stringify(this.lastReply.body));
  assert.equal(resync.method, "POST");
  // What the app does with the offer: the gateway's resync route, as the user.
  const reply = await this.api(resync.path, { method: "POST", headers: { "idempotency-key": `resync-${randomBytes(4).toString("hex")}` } });
  assert.equal(reply.status, 202, reply.text);
  this.jobIds.push(reply.body.jobId);
  const job = await waitForJob(this, reply.body.jobId);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
});
