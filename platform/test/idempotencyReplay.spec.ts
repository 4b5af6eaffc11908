import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import {
  createLogger,
  createPartnerAdapters,
  createRedis,
  DEV_JWT_SECRET,
  Hs256Verifier,
  type PlatformQueues,
  signJwt,
} from "@syncwell/core";
import { createGateway, createGatewayMetrics } from "@syncwell/gateway-shim";
import { type EmbeddedStack, startEmbeddedStack } from "./helpers/embeddedStack.ts";

/**
 * SQS deduplicates for 5 minutes only; the gateway's idempotency record must cover the 24 h the
 * contract promises. The gateway's clock (its metadata store's) is moved forward; SQS is real.
 */
describe("Idempotency-Key replays after SQS's 5-minute window (gateway on a fake clock)", () => {
  const run = randomBytes(3).toString("hex");
  let stack: EmbeddedStack;
  let server: Server;
  let url: string;
  let queues: PlatformQueues;
  let clock = Date.now();
  const metrics = createGatewayMetrics();
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: `replay-${run}:` });
  const token = signJwt(DEV_JWT_SECRET, "replay-user", 3600);

  before(async () => {
    stack = await startEmbeddedStack(`replay-${run}-`, { now: () => clock });
    const { sqs, store } = stack;
    queues = stack.queues;
    await store.putConfig(
      {
        syncConfigId: "cfg-1",
        userId: "replay-user",
        sourceConnectionId: "c1",
        destinationConnectionId: "c2",
        dataType: "workouts",
        conflictResolutionStrategy: "source_wins",
        enabled: true,
        version: 1,
      },
      "strava",
    );
    const app = createGateway(
      {
        store,
        adapters: createPartnerAdapters({} as never),
        sqs,
        queues,
        dynamoDb: stack.dynamoDb,
        tableName: stack.names.table,
        redis,
        metrics,
        logger: createLogger("replay", "silent"),
      },
      {
        // Connects no partner that subscribes per user: nothing calls this URL.
        publicUrl: "http://127.0.0.1:9",
        webhooks: {} as never,
        initialPollIntervalSeconds: 900,
        verifier: new Hs256Verifier(DEV_JWT_SECRET),
        idempotencyTtlSeconds: 86400,
        rateLimitPerMinute: 1000,
      },
    );
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

  const sync = async (key: string) => {
    const res = await fetch(`${url}/v1/sync-configs/cfg-1/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "idempotency-key": key },
    });
    return { status: res.status, jobId: ((await res.json()) as { jobId?: string }).jobId };
  };
  const enqueued = async () => (await metrics.jobsEnqueued.get()).values.reduce((sum, v) => sum + v.value, 0);

  it("answers replays at +6 min and +23 h with the same job and sends nothing to SQS; at +25 h the key is new again", async () => {
    const first = await sync("replay-key");
    assert.equal(first.status, 202);
    assert.equal(await enqueued(), 1);
    for (const later of [6 * 60_000, 23 * 3600_000]) {
      clock = Date.now() + later;
      const replay = await sync("replay-key");
      assert.deepEqual(replay, first, `replay at +${later / 60_000} min`);
      assert.equal(await enqueued(), 1, `no job enqueued at +${later / 60_000} min`);
    }
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.hotPathQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    assert.equal(Messages.length, 1, "one message on the queue");
    clock = Date.now() + 25 * 3600_000;
    const expired = await sync("replay-key");
    assert.equal(expired.status, 202);
    // The job id is a function of user and key (the production template's), so the new job has the same id.
    assert.deepEqual(expired, first);
    assert.equal(await enqueued(), 2, "after 24 h the key starts a new job (the test can fail)");
  });
});
