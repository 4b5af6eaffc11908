import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEV_JWT_SECRET, signJwt } from "@syncwell/core";
import { SupportHarness } from "./harness.ts";

describe("support: the troubleshooter graph on PostgreSQL (scripted chat model)", () => {
  const h = new SupportHarness();
  const user = () => `user-${h.run}`;
  const token = (sub = user()) => signJwt(DEV_JWT_SECRET, sub, 600);
  const say = (id: string, message: string, as = token()) =>
    h.call("POST", `/v1/troubleshooter/conversations/${id}/messages`, { message }, as);
  const lastReply = (body: { messages: Array<{ role: string; text: string }> }) => body.messages.at(-1)?.text ?? "";

  before(() => h.start());
  after(() => h.stop());

  it("greets, then proposes the KB article for 'Strava says reconnect', and ends resolved on 'yes'", async () => {
    const started = await h.call("POST", "/v1/troubleshooter/conversations", {}, token());
    assert.equal(started.status, 201);
    assert.match(lastReply(started.body), /What's going wrong/);
    const proposed = await say(started.body.conversationId, "Strava says I need to reconnect");
    assert.equal(proposed.body.article.slug, "reconnect-provider");
    assert.match(proposed.body.messages.at(-2).text, /Reconnect Strava, Garmin/);
    assert.match(lastReply(proposed.body), /Did that solve the problem/);
    const done = await say(started.body.conversationId, "yes, it syncs again, thanks");
    assert.equal(done.body.status, "resolved");
    assert.equal(done.body.ticketId, null);
    assert.equal((await say(started.body.conversationId, "one more thing")).status, 409, "an ended conversation takes no message");
  });

  it("asks a clarifying question for a vague problem, then finds the article once the user is specific", async () => {
    const { body } = await h.call("POST", "/v1/troubleshooter/conversations", { message: "it doesn't work" }, token());
    assert.equal(body.status, "awaiting_user");
    assert.equal(body.article, null);
    assert.match(lastReply(body), /Which app shows the problem/);
    const still = await say(body.conversationId, "hmm, not sure");
    assert.match(lastReply(still.body), /Which app shows the problem/, "still vague: asks again");
    const found = await say(body.conversationId, "I see duplicate workouts on Garmin");
    assert.equal(found.body.article.slug, "duplicate-workouts");
  });

  it("escalates with a ticket and a written summary when the fix did not work; the ticket carries no health data", async () => {
    const { body } = await h.call("POST", "/v1/troubleshooter/conversations", { message: "Strava keeps saying reconnect" }, token());
    assert.equal(body.article.slug, "reconnect-provider");
    const escalated = await say(body.conversationId, "No, I reconnected and it still fails");
    assert.equal(escalated.body.status, "escalated");
    assert.match(lastReply(escalated.body), /support team/);
    const ticket = await h.call("GET", `/v1/support/tickets/${escalated.body.ticketId}`);
    assert.equal(ticket.status, 200);
    assert.equal(ticket.body.origin, "troubleshooter");
    assert.equal(ticket.body.userId, user());
    assert.match(ticket.body.summary, /Strava keeps saying reconnect/);
    assert.equal(Date.parse(ticket.body.contactDeadline) - Date.parse(ticket.body.firstFailureAt), 24 * 3600_000);
  });

  it("keeps a conversation across a restart of the service (checkpointed in PostgreSQL)", async () => {
    const { body } = await h.call("POST", "/v1/troubleshooter/conversations", { message: "my run from this morning is missing" }, token());
    assert.equal(body.article.slug, "late-uploads");
    await h.restart();
    const after = await say(body.conversationId, "yes that was it");
    assert.equal(after.status, 200);
    assert.equal(after.body.status, "resolved");
    assert.ok(after.body.messages.length >= 5);
  });

  it("shows a conversation to its owner only, and bounds what a user may send", async () => {
    const { body } = await h.call("POST", "/v1/troubleshooter/conversations", {}, token());
    const stranger = token("someone-else");
    assert.equal((await h.call("GET", `/v1/troubleshooter/conversations/${body.conversationId}`, undefined, stranger)).status, 404);
    assert.equal((await say(body.conversationId, "hello", stranger)).status, 404);
    assert.equal((await h.call("GET", "/v1/troubleshooter/conversations/not-a-uuid", undefined, token())).status, 404);
    assert.equal((await say(body.conversationId, "x".repeat(2001))).status, 400);
    assert.equal((await say(body.conversationId, "   ")).status, 400);
    assert.equal((await h.call("POST", "/v1/troubleshooter/conversations", { message: "hi", role: "system" }, token())).status, 400);
    assert.equal(
      (await h.call("GET", `/v1/troubleshooter/conversations/${body.conversationId}`)).status,
      401,
      "an agent token is not a user",
    );
  });

  it("answers 503 with a problem when the chat model is unreachable", async () => {
    await h.restart({ TROUBLESHOOTER_LLM: "ollama", OLLAMA_BASE_URL: "http://127.0.0.1:9" });
    const response = await h.call("POST", "/v1/troubleshooter/conversations", { message: "Strava says reconnect" }, token());
    assert.equal(response.status, 503);
    assert.equal(response.body.title, "Service Unavailable");
    await h.restart();
  });
});
