import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { createLogger, createRedis, problemErrorHandler, type WebhookEvent } from "@syncwell/core";
import express from "express";
import type { GatewayDeps, WebhookOptions } from "../src/deps.ts";
import { createGatewayMetrics } from "../src/metrics.ts";
import { webhookRoutes } from "../src/routes/webhooks.ts";

/** Oura's `x-oura-signature`: HMAC-SHA256 over timestamp + body, upper-case hex. */
const ouraSignature = (secret: string, timestamp: string, body: string) =>
  createHmac("sha256", secret)
    .update(timestamp + body)
    .digest("hex")
    .toUpperCase();

const OPTIONS: WebhookOptions = {
  stravaVerifyToken: "verify",
  stravaSubscriptionId: 7,
  garminClientId: "garmin-client",
  garminBaseUrl: "http://garmin.test",
  ouraVerificationToken: "oura-verify",
  ouraClientSecret: "oura-secret",
  maxAgeSeconds: 300,
  eventsPerAccountPerMinute: 5,
};

/**
 * What the webhook routes put on WebhookEventQueue for the partners' create, update and delete
 * events (SPEC §15): each names its record, so the coalescer puts it into the job's recordIds.
 * Real Redis (replay and rate-limit keys under a per-run prefix); the queue is a recorder.
 */
describe("webhook events: creates, edits and deletions name their record", () => {
  const prefix = `webhooks-events-${randomBytes(3).toString("hex")}:`;
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const redis = createRedis(redisUrl, { keyPrefix: prefix });
  const queued: WebhookEvent[] = [];
  let server: Server;
  let url: string;

  before(async () => {
    const sqs = {
      send: async (command: { input: { MessageBody?: string } }) => {
        queued.push(JSON.parse(command.input.MessageBody ?? "{}"));
        return {};
      },
    };
    const deps = {
      sqs,
      queues: { webhookQueueUrl: "http://queue.test/webhooks" },
      redis,
      metrics: createGatewayMetrics(),
      logger: createLogger("webhooks-events", "silent"),
    } as unknown as GatewayDeps;
    const app = express();
    app.use(webhookRoutes(deps, OPTIONS));
    app.use(problemErrorHandler(() => {}));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const plain = createRedis(redisUrl);
    const keys = await plain.keys(`${prefix}*`);
    if (keys.length > 0) await plain.del(...keys);
    await plain.quit();
    await redis.quit();
  });
  beforeEach(() => {
    queued.length = 0;
  });

  const post = (provider: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/webhooks/${provider}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const strava = (event: Record<string, unknown>) =>
    post(
      "strava",
      JSON.stringify({ object_type: "activity", subscription_id: 7, event_time: Math.floor(Date.now() / 1000), updates: {}, ...event }),
    );
  const oura = (event: Record<string, unknown>, timestamp = String(Math.floor(Date.now() / 1000))) => {
    const body = JSON.stringify({ data_type: "workout", event_time: new Date().toISOString(), ...event });
    return post("oura", body, {
      "x-oura-timestamp": timestamp,
      "x-oura-signature": ouraSignature(OPTIONS.ouraClientSecret, timestamp, body),
    });
  };
  const summary = (e: WebhookEvent) => [e.provider, e.ownerId, e.kind, e.recordId];

  it("strava: create, update (title, type, privacy) and delete each queue a data event naming the activity", async () => {
    for (const [aspect_type, updates] of [
      ["create", {}],
      ["update", { title: "Hill repeats", type: "Ride" }],
      ["update", { private: "true" }],
      ["delete", {}],
    ] as const) {
      const reply = await strava({ aspect_type, updates, object_id: 1234567, owner_id: 42 });
      assert.equal(reply.status, 200, `${aspect_type} ${JSON.stringify(updates)}`);
    }
    assert.deepEqual(queued.map(summary), Array(4).fill(["strava", "42", "data", "1234567"]));
    assert.equal(new Set(queued.map((e) => e.eventId)).size, 4, "two updates within a second are still two events");
  });

  it("strava: a deauthorisation is its own kind and names no record; other athlete updates queue nothing", async () => {
    await strava({ object_type: "athlete", aspect_type: "update", object_id: 42, owner_id: 42, updates: { authorized: "false" } });
    await strava({ object_type: "athlete", aspect_type: "update", object_id: 42, owner_id: 42, updates: { firstname: "A" } });
    assert.deepEqual(queued.map(summary), [["strava", "42", "deauthorized", undefined]]);
  });

  it("strava: an event for another subscription is refused and nothing is queued", async () => {
    const reply = await post(
      "strava",
      JSON.stringify({ object_type: "activity", object_id: 1, aspect_type: "delete", owner_id: 1, subscription_id: 8, event_time: 1 }),
    );
    assert.equal(reply.status, 403);
    assert.deepEqual(queued, []);
  });

  it("oura: update and delete of a workout queue data events naming it; a replay of either is ignored", async () => {
    const update = { event_type: "update", object_id: "w-1", user_id: "OURA1" };
    const remove = { event_type: "delete", object_id: "w-1", user_id: "OURA1", event_time: new Date(Date.now() + 1).toISOString() };
    assert.equal((await oura(update)).status, 200);
    assert.equal((await oura(remove)).status, 200);
    assert.equal((await oura(remove)).status, 200, "a replay is acknowledged");
    assert.deepEqual(queued.map(summary), [
      ["oura", "OURA1", "data", "w-1"],
      ["oura", "OURA1", "data", "w-1"],
    ]);
    assert.match(queued[1]?.eventId ?? "", /:delete:/);
  });

  it("oura: sleep and daily activity events name their record and their type; a type SyncWell does not sync queues nothing", async () => {
    const stamp = (n: number) => new Date(Date.now() + n).toISOString();
    assert.equal(
      (await oura({ event_type: "create", data_type: "sleep", object_id: "s-1", user_id: "OURA1", event_time: stamp(1) })).status,
      200,
    );
    assert.equal(
      (await oura({ event_type: "update", data_type: "daily_activity", object_id: "d-1", user_id: "OURA1", event_time: stamp(2) })).status,
      200,
    );
    assert.equal(
      (await oura({ event_type: "create", data_type: "daily_readiness", object_id: "r-1", user_id: "OURA1", event_time: stamp(3) })).status,
      200,
    );
    assert.deepEqual(
      queued.map((e) => [e.dataType, e.recordId]),
      [
        ["sleep", "s-1"],
        ["daily_activity", "d-1"],
      ],
    );
  });

  it("garmin: a ping per summary type queues an event of that type; a callback off Garmin's host is refused", async () => {
    const entry = (userId: string) => ({
      userId,
      uploadStartTimeInSeconds: 100,
      uploadEndTimeInSeconds: 200,
      callbackURL: "http://garmin.test/x",
    });
    const ping = (body: unknown) => post("garmin", JSON.stringify(body), { "garmin-client-id": OPTIONS.garminClientId });
    assert.equal(
      (await ping({ activities: [entry("G1")], sleeps: [entry("G1")], dailies: [entry("G2")], bodyComps: [entry("G3")] })).status,
      200,
    );
    assert.deepEqual(
      queued.map((e) => [e.ownerId, e.dataType, e.eventId]),
      [
        ["G1", "workouts", "ping:G1:100:200"],
        ["G1", "sleep", "ping:sleeps:G1:100:200"],
        ["G2", "daily_activity", "ping:dailies:G2:100:200"],
        ["G3", "body", "ping:bodyComps:G3:100:200"],
      ],
    );
    queued.length = 0;
    assert.equal((await ping({ sleeps: [{ ...entry("G1"), callbackURL: "http://evil.test/x" }] })).status, 400);
    assert.equal((await ping({})).status, 400, "neither summaries nor deregistrations");
    assert.equal(queued.length, 0);
  });

  it("oura: a stale or badly signed deletion is refused and nothing is queued", async () => {
    const stale = await oura({ event_type: "delete", object_id: "w-2", user_id: "OURA1" }, String(Math.floor(Date.now() / 1000) - 3600));
    assert.equal(stale.status, 401);
    const forged = await post(
      "oura",
      JSON.stringify({ event_type: "delete", data_type: "workout", object_id: "w-2", event_time: "x", user_id: "OURA1" }),
      {
        "x-oura-timestamp": String(Math.floor(Date.now() / 1000)),
        "x-oura-signature": "A".repeat(64),
      },
    );
    assert.equal(forged.status, 401);
    assert.deepEqual(queued, []);
  });

  it("keeps the per-account limit for edits and deletions: over it, 429 with Retry-After", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await strava({ aspect_type: "update", updates: { title: `t${i}` }, object_id: 99, owner_id: 77 })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const limited = await strava({ aspect_type: "delete", object_id: 99, owner_id: 77 });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    assert.equal(queued.length, 5);
  });
});
