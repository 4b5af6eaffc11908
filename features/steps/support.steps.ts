import assert from "node:assert/strict";
import { Given, Then, When } from "@cucumber/cucumber";
import { request } from "../support/http.ts";
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
