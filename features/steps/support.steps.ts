import assert from "node:assert/strict";
import { Given, Then, When } from "@cucumber/cucumber";
import { request } from "../support/http.ts";
import { stack } from "../support/platform.ts";
import { eventually, supportCall } from "../support/supportDesk.ts";
import { waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

type DeadLetter = { messageId: string; jobId: string; [field: string]: unknown };

async function myDeadLetter(world: SyncWellWorld): Promise<DeadLetter> {
  return eventually("the job in support's DLQ list", async () => {
    const reply = await supportCall("/v1/support/dlq/messages");
    assert.equal(reply.status, 200, reply.text);
    return (reply.body.messages as DeadLetter[]).find((m) => m.jobId === world.lastJobId);
  });
}

Given("Garmin refuses the next {int} uploads with a {int}", async function (this: SyncWellWorld, times: number, status: number) {
  await request(this.partner("/_admin/faults"), { json: { provider: "garmin", operation: "create", status, times } });
});

Then(
  "support has one {string} ticket for the job, due 24 hours after its first failure",
  async function (this: SyncWellWorld, category: string) {
    await waitForJob(this, this.lastJobId);
    const tickets = await eventually("a ticket for the job", async () => {
      const reply = await supportCall("/v1/support/tickets");
      const mine = reply.body.tickets.filter((t: { jobId: string }) => t.jobId === this.lastJobId);
      return mine.length > 0 ? mine : undefined;
    });
    assert.equal(tickets.length, 1);
    const [ticket] = tickets;
    assert.equal(ticket.category, category);
    assert.equal(ticket.userId, this.userId);
    assert.equal(Date.parse(ticket.contactDeadline) - Date.parse(ticket.firstFailureAt), 24 * 3600_000);
    assert.ok(Date.now() - Date.parse(ticket.firstFailureAt) < 60_000, "the first failure was this scenario's");
    this.ticketId = ticket.id;
  },
);

Then("the ticket's initial contact message names Strava and Garmin", async function (this: SyncWellWorld) {
  const reply = await supportCall(`/v1/support/tickets/${this.ticketId}/templates/initial_contact`);
  assert.equal(reply.status, 200, reply.text);
  assert.match(reply.body.text, /from Strava to Garmin/);
});

Then(
  "support's DLQ list shows the job from {word} to {word} as {string} with its attempts and age",
  async function (this: SyncWellWorld, source: string, destination: string, category: string) {
    const mine = await myDeadLetter(this);
    assert.equal(mine.userId, this.userId);
    assert.equal(mine.syncConfigId, this.syncConfigId);
    assert.equal(mine.sourceProvider, source);
    assert.equal(mine.destinationProvider, destination);
    assert.equal(mine.category, category);
    assert.equal(typeof mine.attempts, "number");
    assert.equal(typeof mine.ageSeconds, "number");
    assert.match(String(mine.errorMessage), /400/);
    this.dlqMessageId = mine.messageId;
  },
);

Then("support's DLQ list holds no workout name, sample or token", async function (this: SyncWellWorld) {
  const reply = await supportCall("/v1/support/dlq/messages");
  for (const forbidden of ["Morning run", "heartRate", "samples", this.user("strava").accessToken ?? "no-token", "accessToken"])
    assert.ok(!reply.text.includes(forbidden), `the DLQ list shows ${forbidden}`);
  assert.deepEqual(Object.keys(await myDeadLetter(this)).sort(), [
    "ageSeconds",
    "attempts",
    "category",
    "deadLetteredAt",
    "destinationProvider",
    "errorCategory",
    "errorMessage",
    "firstFailureAt",
    "jobId",
    "messageId",
    "sourceProvider",
    "syncConfigId",
    "ticketId",
    "userId",
  ]);
});

Then("the inspection is in the audit log under the agent's name", async function (this: SyncWellWorld) {
  const reply = await supportCall(`/v1/support/audit?target=${this.dlqMessageId}`);
  assert.ok(
    reply.body.entries.some((e: { actor: string; action: string }) => e.actor === "agent-features" && e.action === "dlq.list"),
    reply.text,
  );
});

When("the fault is cleared and support re-drives the job's DLQ message", async function (this: SyncWellWorld) {
  await request(this.partner("/_admin/faults"), { method: "DELETE" });
  const mine = await myDeadLetter(this);
  this.dlqMessageId = mine.messageId;
  const reply = await supportCall("/v1/support/dlq/redrive", { json: { messageId: mine.messageId } });
  assert.equal(reply.status, 200, reply.text);
  assert.deepEqual(reply.body.results, [{ messageId: mine.messageId, jobId: this.lastJobId, result: "redriven" }]);
});

Then("the job succeeds", async function (this: SyncWellWorld) {
  const job = await waitForJob(this, this.lastJobId);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
});

Then("re-driving the same message again does nothing", async function (this: SyncWellWorld) {
  const reply = await supportCall("/v1/support/dlq/redrive", { json: { messageId: this.dlqMessageId } });
  assert.equal(reply.body.results[0].result, "already_redriven");
  const held = await request(this.partner(`/garmin/_admin/users/${this.user("garmin").partnerUserId}/activities`));
  assert.equal(held.body.length, 2, "still each workout once");
  const job = await waitForJob(this, this.lastJobId);
  assert.equal(job.status, "succeeded");
});

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
