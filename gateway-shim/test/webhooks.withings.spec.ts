import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { createLogger, createRedis, problemErrorHandler, type WebhookEvent } from "@syncwell/core";
import express from "express";
import type { GatewayDeps, WebhookOptions } from "../src/deps.ts";
import { createGatewayMetrics } from "../src/metrics.ts";
import { webhookRoutes } from "../src/routes/webhooks.ts";

const OPTIONS: WebhookOptions = {
  stravaVerifyToken: "verify",
  stravaSubscriptionId: 7,
  garminClientId: "garmin-client",
  garminBaseUrl: "http://garmin.test",
  ouraVerificationToken: "oura-verify",
  ouraClientSecret: "oura-secret",
  maxAgeSeconds: 300,
  eventsPerAccountPerMinute: 3,
};
/** The Withings accounts a connection holds (the store's answer to findConnectionsByOwner). */
const CONNECTED = new Set(["1001", "1002"]);

/**
 * `/webhooks/withings` as Withings calls it: a form-encoded POST of `userid, appli, startdate,
 * enddate`, unsigned. A hint for a connected account is queued with its data type (appli 1 body,
 * 44 sleep); anything else is acknowledged and dropped. Real Redis (the per-account limit under a
 * per-run prefix); the queue is a recorder and the store a stub.
 */
describe("webhooks: Withings' form-encoded notifications", () => {
  const prefix = `webhooks-withings-${randomBytes(3).toString("hex")}:`;
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const redis = createRedis(redisUrl, { keyPrefix: prefix });
  const queued: WebhookEvent[] = [];
  const metrics = createGatewayMetrics();
  let server: Server;
  let url: string;

  before(async () => {
    const deps = {
      sqs: {
        send: async (command: { input: { MessageBody?: string } }) => {
          queued.push(JSON.parse(command.input.MessageBody ?? "{}"));
          return {};
        },
      },
      queues: { webhookQueueUrl: "http://queue.test/webhooks" },
      store: {
        findConnectionsByOwner: async (provider: string, owner: string) =>
          provider === "withings" && CONNECTED.has(owner) ? [{ connectionId: `c-${owner}`, provider, status: "active" }] : [],
      },
      redis,
      metrics,
      logger: createLogger("webhooks-withings", "silent"),
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

  const notify = (fields: Record<string, string>) =>
    fetch(`${url}/webhooks/withings`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  const counted = async (result: string) =>
    (await metrics.webhookEvents.get()).values.find((v) => v.labels.provider === "withings" && v.labels.result === result)?.value ?? 0;

  it("answers the HEAD Withings checks a callback URL with before it subscribes it", async () => {
    const reply = await fetch(`${url}/webhooks/withings`, { method: "HEAD" });
    assert.equal(reply.status, 200);
  });

  it("queues a data event of the category's type: appli 1 is body, appli 44 sleep; the range is in its id", async () => {
    assert.equal((await notify({ userid: "1001", appli: "1", startdate: "1772348400", enddate: "1772348400" })).status, 200);
    assert.equal((await notify({ userid: "1001", appli: "44", startdate: "1772316000", enddate: "1772344800" })).status, 200);
    assert.deepEqual(
      queued.map((e) => [e.provider, e.ownerId, e.kind, e.dataType, e.recordId, e.eventId]),
      [
        ["withings", "1001", "data", "body", undefined, "appli1:1001:1772348400:1772348400"],
        ["withings", "1001", "data", "sleep", undefined, "appli44:1001:1772316000:1772344800"],
      ],
    );
  });

  it("acknowledges and drops a notification for an account no connection holds", async () => {
    const before = await counted("unknown_account");
    const reply = await notify({ userid: "9999", appli: "1", startdate: "1", enddate: "2" });
    assert.equal(reply.status, 200);
    assert.deepEqual(queued, []);
    assert.equal(await counted("unknown_account"), before + 1);
  });

  it("acknowledges a category SyncWell does not sync, and queues nothing", async () => {
    assert.equal((await notify({ userid: "1001", appli: "4", startdate: "1", enddate: "2" })).status, 200);
    assert.deepEqual(queued, []);
  });

  it("an unlink (appli 46) is a deauthorisation to confirm, naming no data type", async () => {
    assert.equal((await notify({ userid: "1002", appli: "46", action: "unlink" })).status, 200);
    assert.deepEqual(
      queued.map((e) => [e.ownerId, e.kind, e.dataType]),
      [["1002", "deauthorized", undefined]],
    );
  });

  it("refuses what is not a Withings notification: no userid, a non-numeric one, a data range that is not timestamps", async () => {
    const malformed: Record<string, string>[] = [
      { appli: "1", startdate: "1", enddate: "2" },
      { userid: "abc", appli: "1", startdate: "1", enddate: "2" },
      { userid: "1001", appli: "1", startdate: "yesterday", enddate: "2" },
    ];
    for (const fields of malformed) assert.equal((await notify(fields)).status, 400, JSON.stringify(fields));
    assert.deepEqual(queued, []);
  });

  it("keeps the per-account limit: over it, 429 with Retry-After, and nothing more is queued", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await notify({ userid: "1002", appli: "1", startdate: String(i), enddate: String(i) })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await notify({ userid: "1002", appli: "44", startdate: "10", enddate: "20" });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    assert.equal(queued.length, 3);
  });
});
