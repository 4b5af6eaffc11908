import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  createLogger,
  createMetricsRegistry,
  createPartnerAdapters,
  createRedis,
  type MetadataStore,
  type PlatformQueues,
  SqsJobQueue,
  TokenManager,
} from "@syncwell/core";
import { createPollerMetrics, Poller } from "@syncwell/poller";
import { startTestMock } from "../../providers-mock/test/helpers.ts";
import { type EmbeddedStack, startEmbeddedStack } from "./helpers/embeddedStack.ts";

describe("two pollers and one due config", () => {
  let stack: EmbeddedStack;
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let store: MetadataStore;
  let queues: PlatformQueues;
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
    keyPrefix: `poller-test-${randomBytes(3).toString("hex")}-`,
  });
  const logger = createLogger("poller-test", "silent");

  before(async () => {
    stack = await startEmbeddedStack("poll-");
    mock = await startTestMock();
    store = stack.store;
    queues = stack.queues;
  });
  after(async () => {
    redis.disconnect();
    await mock.close();
    await stack.stop();
  });

  const poller = () => {
    const adapters = createPartnerAdapters({
      strava: { baseUrl: `${mock.url}/strava`, clientId: "syncwell-strava", clientSecret: "dev-strava-secret" },
      garmin: { baseUrl: `${mock.url}/garmin`, clientId: "syncwell-garmin", clientSecret: "dev-garmin-secret" },
      polar: { baseUrl: `${mock.url}/polar`, clientId: "syncwell-polar", clientSecret: "dev-polar-secret" },
      oura: { baseUrl: `${mock.url}/oura`, clientId: "syncwell-oura", clientSecret: "dev-oura-secret" },
      withings: { baseUrl: `${mock.url}/withings`, clientId: "syncwell-withings", clientSecret: "dev-withings-secret" },
    });
    return new Poller(
      {
        store,
        adapters,
        tokens: new TokenManager({ store, adapters, redis, logger }),
        jobs: new SqsJobQueue({ sqs: stack.sqs }, { queueUrl: queues.hotPathQueueUrl, dlqUrl: queues.hotPathDlqUrl }),
        redis,
        metrics: createPollerMetrics(createMetricsRegistry("poller")),
        logger,
      },
      { bounds: { minSeconds: 60, maxSeconds: 3600 }, budgetPerMinute: 100, batchSize: 10 },
    );
  };

  it("poll it once per slot, with one pre-flight call, and move it to its next slot", async () => {
    const user = await mock.api.newUser("polar");
    const adapters = createPartnerAdapters({
      polar: { baseUrl: `${mock.url}/polar`, clientId: "syncwell-polar", clientSecret: "dev-polar-secret" },
    } as never);
    const grant = await adapters.oauth("polar").exchangeCode(user.authorizationCode);
    await store.putConnection({
      connectionId: "src",
      userId: "u1",
      provider: "polar",
      providerUserId: grant.providerUserId,
      status: "active",
      createdAt: new Date().toISOString(),
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      tokenExpiresAt: grant.expiresAt,
      tokenVersion: 1,
    });
    await store.putConfig(
      {
        syncConfigId: "cfg",
        userId: "u1",
        sourceConnectionId: "src",
        destinationConnectionId: "dst",
        dataType: "workouts",
        conflictResolutionStrategy: "source_wins",
        enabled: true,
        version: 1,
      },
      "polar",
    );
    const slot = new Date(Date.now() - 1000).toISOString();
    await store.putPollSchedule({
      syncConfigId: "cfg",
      userId: "u1",
      sourceConnectionId: "src",
      provider: "polar",
      intervalSeconds: 900,
      nextPollAt: slot,
      activityHours: Array(24).fill(0),
    });
    await mock.api.call("POST", "/_admin/stats/reset");

    const [a, b, c] = [poller(), poller(), poller()];
    const polled = await Promise.all([a.tick(), b.tick(), c.tick()]);
    assert.equal(
      polled.reduce((x, y) => x + y, 0),
      1,
      "exactly one poller polled the slot",
    );
    assert.deepEqual((await mock.api.call("GET", "/_admin/stats")).body, { polar: { preflight: { calls: 1, bytes: 0 } } });
    const next = await store.getPollSchedule("cfg");
    assert.equal(next?.lastResult, "no_data");
    assert.ok(Date.parse(next?.nextPollAt ?? "") > Date.now(), "moved to a future slot");
    assert.equal(next?.intervalSeconds, 1350, "an empty poll grows the interval by half");
    assert.equal(
      (await Promise.all([a.tick(), b.tick()])).reduce((x, y) => x + y, 0),
      0,
      "nothing is due any more",
    );
  });
});
