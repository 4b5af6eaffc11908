import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createLogger,
  createPartnerAdapters,
  createRedis,
  DEV_JWT_SECRET,
  Hs256Verifier,
  type Partner,
  type PartnerAdapters,
  type Provider,
  signJwt,
} from "@syncwell/core";
import { type EmbeddedStack, startEmbeddedStack } from "../../platform/test/helpers/embeddedStack.ts";
import { CLIENTS, startTestMock } from "../../providers-mock/test/helpers.ts";
import { createGateway } from "../src/createGateway.ts";
import { createGatewayMetrics } from "../src/metrics.ts";
import type { Reply } from "./gatewayHarness.ts";

/**
 * The whole gateway on the real emulators (fauxqs, dynalite) with real partner adapters talking to
 * a providers-mock of its own (PostgreSQL schema dropped on stop): for routes that call partners.
 */
export class PartnerGatewayHarness {
  readonly run = randomBytes(3).toString("hex");
  stack!: EmbeddedStack;
  mock!: Awaited<ReturnType<typeof startTestMock>>;
  adapters!: PartnerAdapters;
  url = "";
  #server?: Server;
  readonly #redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: `gwp-${this.run}:` });

  async start(): Promise<this> {
    [this.stack, this.mock] = await Promise.all([startEmbeddedStack(`gwp-${this.run}-`), startTestMock()]);
    this.adapters = createPartnerAdapters(
      Object.fromEntries((Object.keys(CLIENTS) as Partner[]).map((p) => [p, { baseUrl: `${this.mock.url}/${p}`, ...CLIENTS[p] }])) as never,
    );
    // Listening first: the gateway's public URL (where the partners' per-user subscriptions point) is its own.
    this.#server = createServer();
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    const app = createGateway(
      {
        store: this.stack.store,
        adapters: this.adapters,
        sqs: this.stack.sqs,
        queues: this.stack.queues,
        dynamoDb: this.stack.dynamoDb,
        tableName: this.stack.names.table,
        redis: this.#redis,
        metrics: createGatewayMetrics(),
        logger: createLogger("gateway-test", process.env.TEST_LOG_LEVEL ?? "silent"),
      },
      {
        publicUrl: this.url,
        webhooks: {} as never,
        initialPollIntervalSeconds: 900,
        verifier: new Hs256Verifier(DEV_JWT_SECRET),
        idempotencyTtlSeconds: 86400,
        rateLimitPerMinute: 100_000,
      },
    );
    this.#server.on("request", app);
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
    this.#redis.disconnect();
    await Promise.all([this.stack?.stop(), this.mock?.close()]);
  }

  /** A request as `userId` (a signed token), JSON in and out. */
  async call(userId: string, method: string, path: string, json?: unknown): Promise<Reply & { headers: Headers }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${signJwt(DEV_JWT_SECRET, userId, 600)}`,
        ...(json === undefined ? {} : { "content-type": "application/json" }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get("content-type") ?? "",
      body: text ? JSON.parse(text) : undefined,
      headers: res.headers,
    };
  }

  /** A partner user who authorised SyncWell, connected through the gateway as `userId`. */
  async connect(userId: string, provider: Provider): Promise<{ connectionId: string; partnerUserId: string }> {
    const { partnerUserId, authorizationCode } = await this.mock.api.newUser(provider);
    const reply = await this.call(userId, "POST", "/v1/connections", { provider, authorizationCode });
    if (reply.status !== 201) throw new Error(`connect ${provider}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { connectionId: reply.body.connectionId, partnerUserId };
  }

  /** Calls per provider and operation at the mock since the last reset. */
  async partnerCalls(provider: Provider, operation: string): Promise<number> {
    return (await this.mock.api.call("GET", "/_admin/stats")).body[provider]?.[operation]?.calls ?? 0;
  }
}
