import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { DEV_JWT_SECRET, signJwt } from "@syncwell/core";
import { SupportHarness } from "./harness.ts";

describe("support: the DLQ playbook on fauxqs, dynalite and PostgreSQL", () => {
  const h = new SupportHarness();
  const firstFailedAt = "2026-11-20T08:00:00.000Z";
  const job = (n: number) => ({ jobId: `job-${h.run}-${n}`, userId: `user-${h.run}`, syncConfigId: `cfg-${h.run}` });

  before(async () => {
    await h.start();
    const userId = job(1).userId;
    const connection = (id: string, provider: "strava" | "garmin") => ({
      connectionId: id,
      userId,
      provider,
      providerUserId: `${provider}-1`,
      status: "active" as const,
      scopes: [],
      accessToken: "secret-access",
      refreshToken: "secret-refresh",
      tokenExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
      tokenVersion: 0,
      createdAt: new Date().toISOString(),
    });
    await h.store.putConnection(connection("c-src", "strava"));
    await h.store.putConnection(connection("c-dst", "garmin"));
    await h.store.putConfig(
      {
        syncConfigId: job(1).syncConfigId,
        userId,
        sourceConnectionId: "c-src",
        destinationConnectionId: "c-dst",
        dataType: "workouts",
        conflictResolutionStrategy: "source_wins",
        enabled: true,
        version: 1,
      },
      "strava",
    );
    for (const n of [1, 2, 3]) {
      await h.store.putJob(
        {
          ...job(n),
          trigger: "manual",
          status: "dead_lettered",
          attempts: 5,
          firstFailedAt,
          createdAt: firstFailedAt,
          updatedAt: firstFailedAt,
        },
        3600,
      );
    }
    await h.deadLetter(job(1), "transient", "strava listActivities answered 503 for runner jane.doe@example.com");
    await h.deadLetter(job(2), "permanent", 'garmin upload answered 400: {"name":"Morning run with Jane"}');
    await h.deadLetter(job(3), "transient", "garmin upload answered 502");
  });
  after(() => h.stop());

  it("lists dead-lettered jobs with metadata only: ids, providers, category, redacted error, attempts, age", async () => {
    const { status, body } = await h.call("GET", "/v1/support/dlq/messages");
    assert.equal(status, 200);
    assert.equal(body.messages.length, 3);
    const first = body.messages.find((m: { jobId: string }) => m.jobId === job(1).jobId);
    assert.deepEqual(
      { ...first, messageId: undefined, ageSeconds: undefined, deadLetteredAt: undefined, ticketId: undefined },
      {
        messageId: undefined,
        jobId: job(1).jobId,
        userId: job(1).userId,
        syncConfigId: job(1).syncConfigId,
        sourceProvider: "strava",
        destinationProvider: "garmin",
        errorCategory: "transient",
        category: "third_party",
        errorMessage: "strava listActivities answered 503 for runner [email]",
        attempts: 5,
        firstFailureAt: firstFailedAt,
        ageSeconds: undefined,
        deadLetteredAt: undefined,
        ticketId: undefined,
      },
    );
    const second = body.messages.find((m: { jobId: string }) => m.jobId === job(2).jobId);
    assert.equal(second.category, "bad_data");
    assert.ok(!JSON.stringify(body).includes("Morning run"), "no workout names");
    assert.ok(!JSON.stringify(body).includes("secret-"), "no tokens");
  });

  it("leaves the DLQ as it found it after a look (its alarm keeps firing)", async () => {
    await h.call("GET", "/v1/support/dlq/messages");
    const { body } = await h.call("GET", "/v1/support/dlq/messages");
    assert.equal(body.messages.length, 3);
  });

  it("records every inspection with who, when and which message", async () => {
    const { body: list } = await h.call("GET", "/v1/support/dlq/messages");
    const messageId = list.messages[0].messageId;
    await h.call("GET", `/v1/support/dlq/messages/${messageId}`, undefined, signJwt("dev-only-syncwell-support-secret", "agent-bob", 60));
    const { body } = await h.call("GET", `/v1/support/audit?target=${messageId}`);
    const bob = body.entries.find((e: { actor: string }) => e.actor === "agent-bob");
    assert.equal(bob.action, "dlq.inspect");
    assert.ok(Date.now() - Date.parse(bob.at) < 60_000);
    assert.ok(body.entries.some((e: { actor: string; action: string }) => e.actor === "agent-alice" && e.action === "dlq.list"));
  });

  it("opens one ticket per dead-lettered job, categorised, due 24 h after the first failure, overdue first", async () => {
    await h.restart({ DLQ_WATCH_INTERVAL_SECONDS: "1" });
    let tickets: Array<{ jobId: string; category: string; contactDeadline: string }> = [];
    for (const deadline = Date.now() + 10_000; tickets.length < 3 && Date.now() < deadline; ) {
      tickets = (await h.call("GET", "/v1/support/tickets")).body.tickets;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Two more complete scans must not open a second ticket.
    const scans = async () => {
      const text = await (await fetch(`${h.support.url}/metrics`)).text();
      return Number(/syncwell_support_dlq_scans_total\{result="ok",service="support"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await scans();
    for (const deadline = Date.now() + 10_000; (await scans()) < before + 2 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 100));
    assert.ok((await scans()) >= before + 2, "the watcher scanned twice more");
    tickets = (await h.call("GET", "/v1/support/tickets")).body.tickets;
    assert.equal(tickets.length, 3);
    const ticket = tickets.find((t) => t.jobId === job(1).jobId);
    assert.equal(ticket?.category, "third_party");
    assert.equal(ticket?.contactDeadline, "2026-11-21T08:00:00.000Z");
    const overdue = (await h.call("GET", "/v1/support/tickets?overdue=true")).body.tickets;
    assert.equal(overdue.length, 3, "first failure was days ago: all overdue");
    const metrics = await (await fetch(`${h.support.url}/metrics`)).text();
    assert.match(metrics, /syncwell_support_tickets_open\{category="third_party",service="support"\} 2/);
    // The watcher's scans hold messages for a moment: visible + in flight is the DLQ's content.
    const depth = (state: string) =>
      Number(
        new RegExp(`syncwell_queue_messages\\{queue="[^"]*HotPathSyncDLQ\\.fifo",state="${state}",service="support"\\} (\\d+)`).exec(
          metrics,
        )?.[1],
      );
    assert.equal(depth("visible") + depth("in_flight"), 3);
  });

  it("renders the three templates from the ticket's metadata", async () => {
    const ticket = (await h.call("GET", "/v1/support/tickets")).body.tickets.find((t: { jobId: string }) => t.jobId === job(1).jobId);
    const initial = await h.call("GET", `/v1/support/tickets/${ticket.id}/templates/initial_contact`);
    assert.match(initial.body.text, /from Strava to Garmin did not complete because Strava or Garmin was not answering/);
    for (const template of ["resolved_by_fix", "user_action_needed"]) {
      assert.equal((await h.call("GET", `/v1/support/tickets/${ticket.id}/templates/${template}`)).status, 200);
    }
    assert.equal((await h.call("GET", `/v1/support/tickets/${ticket.id}/templates/rm_rf`)).status, 400);
    // A path segment no resource can have is refused at the edge, before any store.
    assert.equal((await h.call("GET", `/v1/support/tickets/${ticket.id}/templates/rm -rf`)).status, 404);
  });

  it("re-drives one message to the main queue once: same body, same job; a second re-drive does nothing", async () => {
    const { body: list } = await h.call("GET", "/v1/support/dlq/messages");
    const target = list.messages.find((m: { jobId: string }) => m.jobId === job(3).jobId);
    const first = await h.call("POST", "/v1/support/dlq/redrive", { messageId: target.messageId });
    assert.deepEqual(first.body.results, [{ messageId: target.messageId, jobId: job(3).jobId, result: "redriven" }]);
    const second = await h.call("POST", "/v1/support/dlq/redrive", { messageId: target.messageId });
    assert.deepEqual(second.body.results, [{ messageId: target.messageId, jobId: job(3).jobId, result: "already_redriven" }]);
    const moved = await h.drainMainQueue();
    assert.equal(moved.length, 1);
    assert.equal(JSON.parse(moved[0] as string).jobId, job(3).jobId);
    assert.equal((await h.store.getJob(job(3).jobId))?.status, "queued");
    assert.equal((await h.call("GET", "/v1/support/dlq/messages")).body.messages.length, 2);
  });

  it("re-drives every message of a category", async () => {
    const { body } = await h.call("POST", "/v1/support/dlq/redrive", { category: "third_party" });
    assert.deepEqual(
      body.results.map((r: { jobId: string; result: string }) => [r.jobId, r.result]),
      [[job(1).jobId, "redriven"]],
    );
    assert.deepEqual(
      (await h.drainMainQueue()).map((b) => JSON.parse(b).jobId),
      [job(1).jobId],
    );
    const left = (await h.call("GET", "/v1/support/dlq/messages")).body.messages;
    assert.deepEqual(
      left.map((m: { category: string }) => m.category),
      ["bad_data"],
    );
  });

  it("answers unknown ids with 404 and bad input with 400", async () => {
    assert.equal((await h.call("GET", "/v1/support/dlq/messages/no-such-message")).status, 404);
    assert.equal((await h.call("POST", "/v1/support/dlq/redrive", { messageId: "no-such-message" })).status, 404);
    assert.equal((await h.call("GET", "/v1/support/tickets/00000000-0000-4000-8000-000000000000")).status, 404);
    assert.equal((await h.call("GET", "/v1/support/tickets/not-a-uuid")).status, 404);
    assert.equal((await h.call("POST", "/v1/support/tickets/not-a-uuid/resolve")).status, 404);
    assert.equal((await h.call("POST", "/v1/support/dlq/redrive", { category: "everything" })).status, 400);
    assert.equal((await h.call("POST", "/v1/support/dlq/redrive", {})).status, 400);
  });

  it("gives a message SQS moved on its own (no reason) a reason, and marks its job dead-lettered", async () => {
    const stuck = job(4);
    await h.store.putJob(
      { ...stuck, trigger: "manual", status: "in_progress", attempts: 0, createdAt: firstFailedAt, updatedAt: firstFailedAt },
      3600,
    );
    const body = JSON.stringify({ ...stuck, trigger: "manual", requestedAt: firstFailedAt });
    await h.sqs.send(
      new SendMessageCommand({
        QueueUrl: h.queues.hotPathDlqUrl,
        MessageBody: body,
        MessageGroupId: stuck.userId,
        MessageDeduplicationId: "moved-by-sqs",
      }),
    );
    let status: string | undefined;
    for (const deadline = Date.now() + 10_000; status !== "dead_lettered" && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await h.store.getJob(stuck.jobId))?.status;
    }
    assert.equal(status, "dead_lettered");
    const listed = (await h.call("GET", "/v1/support/dlq/messages")).body.messages.find((m: { jobId: string }) => m.jobId === stuck.jobId);
    assert.equal(listed.errorCategory, "unknown");
    assert.match(listed.errorMessage, /moved to the DLQ by SQS after \d+ receives without an outcome/);
    assert.equal((await h.store.getJob(stuck.jobId))?.errorCategory, "unknown");
  });

  it("refuses callers without a support token, users' tokens included", async () => {
    const user = signJwt(DEV_JWT_SECRET, job(1).userId, 60);
    const response = await h.call("GET", "/v1/support/dlq/messages", undefined, user);
    assert.equal(response.status, 401);
    assert.equal(response.body.status, 401);
  });
});
