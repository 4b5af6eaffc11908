import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import {
  createLogger,
  createPartnerAdapters,
  createRedis,
  DEV_JWT_SECRET,
  Hs256Verifier,
  type JobMessage,
  parseJobMessage,
  type SyncConfig,
  signJwt,
} from "@syncwell/core";
import { type EmbeddedStack, startEmbeddedStack } from "../../platform/test/helpers/embeddedStack.ts";
import { createGateway } from "../src/createGateway.ts";
import { createGatewayMetrics } from "../src/metrics.ts";

/** One reply as a test reads it. */
export interface Reply {
  status: number;
  type: string;
  body: any;
}

/**
 * The whole gateway (auth, id checks, every route) on the real emulators (fauxqs, dynalite), with
 * a store the test seeds directly. Each harness has its own table, queues and Redis prefix.
 */
export class GatewayHarness {
  readonly run = randomBytes(3).toString("hex");
  readonly metrics = createGatewayMetrics();
  readonly cursorSecret = randomBytes(32).toString("base64");
  stack!: EmbeddedStack;
  url = "";
  #server?: Server;
  /** Opened by start(): a harness used only for its helpers holds no connection open. */
  #redis?: ReturnType<typeof createRedis>;

  async start(): Promise<this> {
    this.stack = await startEmbeddedStack(`gw-${this.run}-`);
    this.#redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: `gw-${this.run}:` });
    const app = createGateway(
      {
        store: this.stack.store,
        adapters: createPartnerAdapters({} as never),
        sqs: this.stack.sqs,
        queues: this.stack.queues,
        dynamoDb: this.stack.dynamoDb,
        tableName: this.stack.names.table,
        redis: this.#redis,
        metrics: this.metrics,
        logger: createLogger("gateway-test", "silent"),
      },
      {
        // Connects no partner that subscribes per user: nothing calls this URL.
        publicUrl: "http://127.0.0.1:9",
        webhooks: {} as never,
        initialPollIntervalSeconds: 900,
        verifier: new Hs256Verifier(DEV_JWT_SECRET),
        idempotencyTtlSeconds: 86400,
        rateLimitPerMinute: 100_000,
        cursorSecret: this.cursorSecret,
      },
    );
    this.#server = createServer(app);
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
    this.#redis?.disconnect();
    await this.stack?.stop();
  }

  /** A request as `userId` (a signed token), JSON in and out. */
  async call(
    userId: string,
    method: string,
    path: string,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${signJwt(DEV_JWT_SECRET, userId, 600)}`,
        ...(options.json === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get("content-type") ?? "", body: text ? JSON.parse(text) : undefined };
  }

  /** A new user with a Strava and a Garmin connection and, unless told otherwise, a config between them. */
  async newUser(): Promise<{ userId: string; strava: string; garmin: string; configId: string }> {
    const userId = `u-${randomBytes(4).toString("hex")}`;
    const [strava, garmin] = [`${userId}-strava`, `${userId}-garmin`];
    for (const [connectionId, provider] of [
      [strava, "strava"],
      [garmin, "garmin"],
    ] as const)
      await this.stack.store.putConnection({
        connectionId,
        userId,
        provider,
        providerUserId: `${provider}-${userId}`,
        status: "active",
        createdAt: new Date().toISOString(),
        accessToken: "a",
        refreshToken: "r",
        tokenExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
        tokenVersion: 1,
      });
    const configId = `cfg-${userId}`;
    const config: SyncConfig = {
      syncConfigId: configId,
      userId,
      sourceConnectionId: strava,
      destinationConnectionId: garmin,
      dataType: "workouts",
      conflictResolutionStrategy: "source_wins",
      enabled: true,
      version: 1,
    };
    await this.stack.store.putConfig(config, "strava");
    return { userId, strava, garmin, configId };
  }

  /** Messages on the hot-path queue now (visible or in flight). */
  async queued(): Promise<number> {
    const { Attributes = {} } = await this.stack.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.stack.queues.hotPathQueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  }

  /** Receives the job messages on the hot-path queue that `match` picks (others stay hidden for a while). */
  async receiveJobs(match: (m: JobMessage) => boolean): Promise<{ message: JobMessage; groupId?: string | undefined }[]> {
    const { Messages = [] } = await this.stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.stack.queues.hotPathQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["MessageGroupId"],
      }),
    );
    return Messages.flatMap((m) => {
      const parsed = parseJobMessage(m.Body ?? "");
      return parsed.ok && match(parsed.message) ? [{ message: parsed.message, groupId: m.Attributes?.MessageGroupId }] : [];
    });
  }
}
