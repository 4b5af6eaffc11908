import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { createLogger, DEVELOPMENT_PARTNER_SECRETS } from "@syncwell/core";
import { loadGatewayConfig, type RunningGateway, startGateway } from "@syncwell/gateway-shim";
import { type EmbeddedStack, startEmbeddedStack } from "./helpers/embeddedStack.ts";

const run = randomBytes(3).toString("hex");

describe("webhook events are rate-limited per partner account (SPEC §17)", () => {
  let stack: EmbeddedStack;
  let gateway: RunningGateway;

  before(async () => {
    stack = await startEmbeddedStack(`hooks-${run}-`);
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    const config = loadGatewayConfig({
      SYNCWELL_MODE: "development",
      AWS_ENDPOINT_URL_SQS: stack.aws.sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: stack.aws.dynamoDbEndpoint,
      SYNCWELL_RESOURCE_PREFIX: `hooks-${run}-`,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      REDIS_KEY_PREFIX: `hooks-${run}:`,
      GATEWAY_PORT: "0",
      WEBHOOK_EVENTS_PER_ACCOUNT_PER_MINUTE: "3",
      LOG_LEVEL: "silent",
    });
    gateway = await startGateway(config, createLogger("webhook-limits-test", "silent"));
  });
  after(async () => {
    await gateway?.close();
    await stack?.stop();
  });

  const queued = async () => {
    const { Attributes } = await stack.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: stack.queues.webhookQueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages);
  };
  const strava = (ownerId: number, objectId: number, deauthorize = false) =>
    fetch(`${gateway.url}/webhooks/strava`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        object_type: deauthorize ? "athlete" : "activity",
        object_id: deauthorize ? ownerId : objectId,
        aspect_type: deauthorize ? "update" : "create",
        ...(deauthorize ? { updates: { authorized: "false" } } : {}),
        owner_id: ownerId,
        subscription_id: 1,
        event_time: Math.floor(Date.now() / 1000),
      }),
    });
  const oura = (userId: string, objectId: string) => {
    const body = JSON.stringify({
      event_type: "create",
      data_type: "workout",
      object_id: objectId,
      event_time: new Date().toISOString(),
      user_id: userId,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac("sha256", DEVELOPMENT_PARTNER_SECRETS.OURA_CLIENT_SECRET).update(timestamp).update(body).digest("hex");
    return fetch(`${gateway.url}/webhooks/oura`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-oura-timestamp": timestamp, "x-oura-signature": signature },
      body,
    });
  };

  it("takes an account's events up to its limit, then answers 429 with Retry-After and queues nothing more", async () => {
    for (let i = 1; i <= 3; i++) assert.equal((await strava(42, i)).status, 200, `event ${i}`);
    const refused = await strava(42, 4);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    assert.equal(await queued(), 3);
  });

  it("keeps other accounts, and every deauthorisation, flowing", async () => {
    assert.equal((await strava(43, 1)).status, 200, "another athlete");
    assert.equal((await strava(42, 0, true)).status, 200, "a deauthorisation of the limited athlete");
    assert.equal(await queued(), 5);
  });

  it("does not take an Oura event refused for its rate as a replay when Oura delivers it again", async () => {
    for (let i = 1; i <= 3; i++) assert.equal((await oura("oura-user", `w-${i}`)).status, 200);
    assert.equal((await oura("oura-user", "w-4")).status, 429);
    assert.equal((await oura("oura-user", "w-4")).status, 429, "still refused, not acknowledged as a replay");
  });
});
