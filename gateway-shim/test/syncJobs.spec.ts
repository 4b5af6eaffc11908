import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { createLogger, createRedis, type MetadataStore, parseJobMessage, problemErrorHandler } from "@syncwell/core";
import express from "express";
import { type EmbeddedStack, startEmbeddedStack } from "../../platform/test/helpers/embeddedStack.ts";
import { ConfigCache } from "../src/configCache.ts";
import type { GatewayDeps, GatewayOptions } from "../src/deps.ts";
import { createGatewayMetrics } from "../src/metrics.ts";
import { syncJobRoutes } from "../src/routes/syncJobs.ts";

/**
 * The two direct-integration routes on the real emulators (fauxqs, dynalite), with the templates
 * the stack deploys. The caller is set by a header here: authentication is not what is tested.
 */
describe("POST …/sync and GET /v1/sync-jobs/{id} through the production templates", () => {
  const run = randomBytes(3).toString("hex");
  let stack: EmbeddedStack;
  let server: Server;
  let url: string;
  const metrics = createGatewayMetrics();
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: `syncjobs-${run}:` });
  /** Set to make the next claim of a key die right after it was written, as a crash before SendMessage would. */
  let crashAfterClaim = false;

  before(async () => {
    stack = await startEmbeddedStack(`syncjobs-${run}-`);
    const store = new Proxy(stack.store, {
      get(target, property, receiver) {
        if (property === "claimIdempotencyKey" && crashAfterClaim) {
          crashAfterClaim = false;
          return async (...args: Parameters<MetadataStore["claimIdempotencyKey"]>) => {
            await target.claimIdempotencyKey(...args);
            throw new Error("crashed between claiming the key and SendMessage");
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as MetadataStore;
    const deps = {
      store,
      sqs: stack.sqs,
      queues: stack.queues,
      dynamoDb: stack.dynamoDb,
      tableName: stack.names.table,
      redis,
      metrics,
      logger: createLogger("syncjobs", "silent"),
    } as unknown as GatewayDeps;
    const app = express();
    app.use(express.json());
    app.use((req, res, next) => {
      res.locals.subject = req.get("x-test-user");
      next();
    });
    app.use(syncJobRoutes(deps, { idempotencyTtlSeconds: 86400 } as GatewayOptions, new ConfigCache(store, 30)));
    app.use(problemErrorHandler(() => {}));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    redis.disconnect();
    await stack.stop();
  });

  const newUser = async () => {
    const userId = `u-${randomBytes(4).toString("hex")}`;
    await stack.store.putConfig(
      {
        syncConfigId: `cfg-${userId}`,
        userId,
        sourceConnectionId: "c1",
        destinationConnectionId: "c2",
        dataType: "workouts",
        conflictResolutionStrategy: "source_wins",
        enabled: true,
        version: 1,
      },
      "strava",
    );
    return userId;
  };
  const sync = async (userId: string, key: string | undefined, config = `cfg-${userId}`) => {
    const res = await fetch(`${url}/v1/sync-configs/${config}/sync`, {
      method: "POST",
      headers: { "x-test-user": userId, ...(key === undefined ? {} : { "idempotency-key": key }) },
    });
    return { status: res.status, type: res.headers.get("content-type") ?? "", body: (await res.json()) as Record<string, unknown> };
  };
  const job = async (userId: string, jobId: string) => {
    const res = await fetch(`${url}/v1/sync-jobs/${encodeURIComponent(jobId)}`, { headers: { "x-test-user": userId } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const queued = async () => {
    const { Attributes = {} } = await stack.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.queues.hotPathQueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  it("answers a crash between claiming the key and SendMessage with one job: the retry sends and gets the same job id", async () => {
    const user = await newUser();
    const before = await queued();
    crashAfterClaim = true;
    const crashed = await sync(user, "tap-crash");
    assert.equal(crashed.status, 500, "the request died after its claim");
    assert.equal(await queued(), before, "nothing was sent");
    const retry = await sync(user, "tap-crash");
    assert.equal(retry.status, 202, "not refused for 24 h: the retry finds its own claim and sends the same message");
    assert.equal(await queued(), before + 1, "one job");
    const again = await sync(user, "tap-crash");
    assert.deepEqual(again, retry, "a replay answers the same job");
    assert.equal(await queued(), before + 1, "SQS deduplicated the replay's send: still one job");
    assert.equal((await job(user, String(retry.body.jobId))).body.status, "queued", "the accepted job answers queued, not 404");
  });

  it("sends the job message of SPEC §3 as a JSON string, grouped by user, and answers its job id", async () => {
    const user = await newUser();
    const reply = await sync(user, `it's"tap"\\#2/`);
    assert.equal(reply.status, 202);
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.hotPathQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["MessageGroupId"],
      }),
    );
    const mine = Messages.map((m) => ({ m, parsed: parseJobMessage(m.Body ?? "") })).find(
      (x) => x.parsed.ok && x.parsed.message.userId === user,
    );
    assert.ok(mine?.parsed.ok, "the worker's parser accepts the mapped message");
    assert.equal(mine.parsed.message.jobId, reply.body.jobId);
    assert.equal(mine.parsed.message.idempotencyKey, `it's"tap"\\#2/`);
    assert.equal(mine.parsed.message.syncConfigId, `cfg-${user}`);
    assert.equal(mine.m.Attributes?.MessageGroupId, user);
  });

  it("gives two users' equal keys two jobs", async () => {
    const [a, b] = [await newUser(), await newUser()];
    const before = await queued();
    const [ra, rb] = [await sync(a, "same-key"), await sync(b, "same-key")];
    assert.equal(ra.status, 202);
    assert.equal(rb.status, 202);
    assert.notEqual(ra.body.jobId, rb.body.jobId);
    assert.equal(await queued(), before + 2);
  });

  it("refuses keys SQS could not carry, and foreign or unknown configs, with a problem and nothing queued", async () => {
    const [user, other] = [await newUser(), await newUser()];
    const before = await queued();
    for (const [key, config, status] of [
      [undefined, undefined, 400],
      ["k".repeat(65), undefined, 400],
      ["tap-é", undefined, 400],
      ["tap 1", undefined, 400],
      ["tap-1", `cfg-${other}`, 404],
      ["tap-1", "cfg-nope", 404],
      ["tap-1", "c".repeat(300), 404],
    ] as const) {
      const reply = await sync(user, key, config);
      assert.equal(reply.status, status, `${key?.slice(0, 10)} ${config?.slice(0, 10)}`);
      assert.match(reply.type, /application\/problem\+json/);
      assert.equal(reply.body.status, status);
    }
    assert.equal(await queued(), before);
  });

  it("reads the job's status item through the GetItem template: the owner's job, never another user's", async () => {
    const [user, other] = [await newUser(), await newUser()];
    const { body } = await sync(user, "tap-status");
    const jobId = String(body.jobId);
    assert.deepEqual((await job(user, jobId)).body, { jobId, status: "queued", attempts: 0 });
    const now = new Date().toISOString();
    await stack.store.putJob(
      {
        jobId,
        userId: user,
        syncConfigId: `cfg-${user}`,
        trigger: "manual",
        status: "retrying",
        attempts: 1,
        errorCategory: "transient",
        errorMessage: "Strava answered 503",
        createdAt: now,
        updatedAt: now,
      },
      3600,
    );
    assert.deepEqual((await job(user, jobId)).body, {
      jobId,
      status: "retrying",
      attempts: 1,
      error: { category: "transient", message: "Strava answered 503" },
    });
    assert.equal((await job(other, jobId)).status, 404);
    assert.equal(
      (await job(user, `${user}.bm9wZQ-x`)).status,
      200,
      "a well-formed id of the caller's own is queued until the worker sees it",
    );
    assert.equal((await job(user, "wh-unknown")).status, 404);
    assert.equal((await job(user, "j".repeat(1500))).status, 404);
  });
});
