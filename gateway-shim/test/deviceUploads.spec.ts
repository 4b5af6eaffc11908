import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import {
  createBucket,
  createLogger,
  createPartnerAdapters,
  createRedis,
  createS3Client,
  DEV_JWT_SECRET,
  DeviceBatchSchema,
  Hs256Verifier,
  parseJobMessage,
  S3BatchStore,
  type SyncConfig,
  signJwt,
} from "@syncwell/core";
import { type EmbeddedStack, startEmbeddedStack } from "../../platform/test/helpers/embeddedStack.ts";
import { createGateway } from "../src/createGateway.ts";
import { createGatewayMetrics } from "../src/metrics.ts";
import { GatewayHarness } from "./gatewayHarness.ts";

const workout = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  startTime: "2026-11-28T07:00:00.000Z",
  endTime: "2026-11-28T07:45:00.000Z",
  type: "run",
  name: "Morning Run",
  ...over,
});

/** `POST /v1/device-uploads` on dynalite and fauxqs (SQS and S3): the batch in the bucket, one job per config carrying its key. */
describe("POST /v1/device-uploads", () => {
  const run = randomBytes(3).toString("hex");
  const bucket = `du-${run}`;
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: `du-${run}:` });
  // The harness's receive and queue helpers, on this test's own stack.
  const helpers = new GatewayHarness();
  let stack: EmbeddedStack;
  let s3: S3Client;
  let server: Server;
  let url = "";

  before(async () => {
    stack = await startEmbeddedStack(`du-${run}-`);
    helpers.stack = stack;
    s3 = createS3Client({ region: "us-east-1", endpoint: stack.aws.s3Endpoint, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
    await createBucket(s3, bucket);
    const app = createGateway(
      {
        store: stack.store,
        adapters: createPartnerAdapters({} as never),
        sqs: stack.sqs,
        queues: stack.queues,
        dynamoDb: stack.dynamoDb,
        tableName: stack.names.table,
        redis,
        metrics: createGatewayMetrics(),
        logger: createLogger("gateway-test", "silent"),
        batches: new S3BatchStore({ s3 }, { bucket }),
      },
      {
        // Connects no partner that subscribes per user: nothing calls this URL.
        publicUrl: "http://127.0.0.1:9",
        webhooks: {} as never,
        initialPollIntervalSeconds: 900,
        verifier: new Hs256Verifier(DEV_JWT_SECRET),
        idempotencyTtlSeconds: 86400,
        rateLimitPerMinute: 100_000,
      },
    );
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    redis.disconnect();
    s3?.destroy();
    await stack?.stop();
  });

  const call = async (userId: string, method: string, path: string, body?: string | object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${signJwt(DEV_JWT_SECRET, userId, 600)}`, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const upload = (userId: string, body: string | object, key?: string) =>
    call(userId, "POST", "/v1/device-uploads", body, key === undefined ? {} : { "idempotency-key": key });
  const objects = async (userId: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `device-uploads/${userId}/` }))).Contents ?? []).map((o) => o.Key);

  const receiveAndDelete = async (userId: string) => {
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.hotPathQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["MessageGroupId"],
      }),
    );
    for (const m of Messages)
      await stack.sqs.send(new DeleteMessageCommand({ QueueUrl: stack.queues.hotPathQueueUrl, ReceiptHandle: m.ReceiptHandle }));
    return Messages.flatMap((m) => {
      const parsed = parseJobMessage(m.Body ?? "");
      return parsed.ok && parsed.message.userId === userId ? [{ message: parsed.message, groupId: m.Attributes?.MessageGroupId }] : [];
    });
  };

  /** A user with an apple_health connection (connected through the API) and, unless told otherwise, an enabled config to Strava. */
  const newUser = async (configs = 1) => {
    const userId = `u-${randomBytes(4).toString("hex")}`;
    const connected = await call(userId, "POST", "/v1/connections", { provider: "apple_health" });
    assert.equal(connected.status, 201, JSON.stringify(connected.body));
    const device = connected.body.connectionId as string;
    const configIds: string[] = [];
    for (let i = 0; i < configs; i++) {
      const strava = `${userId}-strava-${i}`;
      await stack.store.putConnection({
        connectionId: strava,
        userId,
        provider: "strava",
        providerUserId: `strava-${userId}-${i}`,
        status: "active",
        createdAt: new Date().toISOString(),
        accessToken: "a",
        refreshToken: "r",
        tokenExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
        tokenVersion: 1,
      });
      const config: SyncConfig = {
        syncConfigId: `cfg-${userId}-${i}`,
        userId,
        sourceConnectionId: device,
        destinationConnectionId: strava,
        dataType: "workouts",
        conflictResolutionStrategy: "source_wins",
        enabled: true,
        version: 1,
      };
      await stack.store.putConfig(config, "apple_health");
      configIds.push(config.syncConfigId);
    }
    return { userId, device, configIds };
  };

  it("connects apple_health without an OAuth code, as the same connection again, and refuses a code", async () => {
    const userId = `u-${randomBytes(4).toString("hex")}`;
    const first = await call(userId, "POST", "/v1/connections", { provider: "apple_health" });
    assert.equal(first.status, 201);
    assert.deepEqual([first.body.provider, first.body.status], ["apple_health", "active"]);
    const again = await call(userId, "POST", "/v1/connections", { provider: "apple_health" });
    assert.equal(again.body.connectionId, first.body.connectionId);
    const stored = await stack.store.getConnection(userId, first.body.connectionId);
    assert.equal(stored?.providerUserId, userId, "the device's owner is the SyncWell user");
    assert.equal(stored?.accessToken, "", "no partner token");
    const withCode = await call(userId, "POST", "/v1/connections", { provider: "apple_health", authorizationCode: "x" });
    assert.equal(withCode.status, 400);
    const stravaWithout = await call(userId, "POST", "/v1/connections", { provider: "strava" });
    assert.equal(stravaWithout.status, 400);
  });

  it("stores the batch in S3 under the user's prefix and sends one job per enabled config, carrying its key", async () => {
    const user = await newUser(2);
    const reply = await upload(user.userId, { connectionId: user.device, records: [workout("HK-1"), workout("HK-2")] }, "up-1");
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.jobIds.length, 2);
    const [key, ...others] = await objects(user.userId);
    assert.equal(others.length, 0);
    assert.match(String(key), new RegExp(`^device-uploads/${user.userId}/${user.device}/[0-9a-f]{64}\\.json$`));
    const stored = DeviceBatchSchema.parse(JSON.parse(String(await new S3BatchStore({ s3 }, { bucket }).get(String(key)))));
    assert.deepEqual(
      stored.records.map((r) => r.id),
      ["HK-1", "HK-2"],
    );
    // One user's jobs are one FIFO group: each is received once the one before it is gone.
    const jobs: Awaited<ReturnType<typeof helpers.receiveJobs>> = [];
    for (let i = 0; i < 2; i++) jobs.push(...(await receiveAndDelete(user.userId)));
    assert.deepEqual(jobs.map((j) => j.message.syncConfigId).sort(), [...user.configIds].sort());
    for (const { message, groupId } of jobs) {
      assert.equal(message.batchKey, key);
      assert.equal(groupId, user.userId);
      assert.ok(reply.body.jobIds.includes(message.jobId));
    }
  });

  it("answers a replay of the key with the same jobs and queues none twice; the key on another body is 422", async () => {
    const user = await newUser();
    const body = { connectionId: user.device, records: [workout("HK-9")] };
    const queuedBefore = await helpers.queued();
    const first = await upload(user.userId, body, "up-2");
    const replay = await upload(user.userId, body, "up-2");
    assert.equal(first.status, 202);
    assert.deepEqual(replay, first);
    assert.equal(await helpers.queued(), queuedBefore + 1, "SQS deduplicated the replay's send");
    const other = await upload(user.userId, { ...body, records: [workout("HK-10")] }, "up-2");
    assert.equal(other.status, 422);
  });

  it("refuses a record failing its schema with 422 naming its index and field, and stores nothing", async () => {
    const user = await newUser();
    const records = [workout("a"), workout("b"), workout("c"), workout("d", { startTime: "yesterday" })];
    const reply = await upload(user.userId, { connectionId: user.device, records }, "bad-1");
    assert.equal(reply.status, 422);
    assert.equal(reply.body.field, "records[3].startTime");
    assert.match(reply.body.detail, /^records\[3\]\.startTime: /);
    assert.deepEqual(await objects(user.userId), []);
  });

  it("refuses a body over the limit with 413 before parsing it, and stores nothing", async () => {
    const user = await newUser();
    const huge = `{"connectionId":"${user.device}","records":[${'{"id":"x"},'.repeat(120_000)}]}`;
    const reply = await upload(user.userId, huge, "big-1");
    assert.equal(reply.status, 413);
    assert.deepEqual(await objects(user.userId), []);
  });

  it("answers 404 for another user's connection, a partner's connection or an unknown id; 400 without a key; 409 with no config", async () => {
    const owner = await newUser();
    const intruder = await newUser();
    const body = { connectionId: owner.device, records: [workout("HK-1")] };
    assert.equal((await upload(intruder.userId, body, "k-1")).status, 404);
    assert.equal((await upload(owner.userId, { ...body, connectionId: `${owner.userId}-strava-0` }, "k-2")).status, 404);
    assert.equal((await upload(owner.userId, { ...body, connectionId: "nope" }, "k-3")).status, 404);
    assert.equal((await upload(owner.userId, body)).status, 400);
    assert.equal((await upload(owner.userId, body, "ä")).status, 400);
    const lonely = await newUser(0);
    assert.equal((await upload(lonely.userId, { ...body, connectionId: lonely.device }, "k-4")).status, 409);
    assert.deepEqual([...(await objects(owner.userId)), ...(await objects(lonely.userId))], []);
  });
});
