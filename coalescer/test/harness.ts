import { randomBytes } from "node:crypto";
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  createLogger,
  createMetricsRegistry,
  createRedis,
  type DataType,
  type JobMessage,
  type Logger,
  type Provider,
  type Redis,
  type WebhookEvent,
} from "@syncwell/core";
import { type EmbeddedStack, startEmbeddedStack } from "../../platform/test/helpers/embeddedStack.ts";
import { Coalescer, type CoalescerDeps, createCoalescerMetrics } from "../src/Coalescer.ts";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A job the coalescer sent to HotPathSyncQueue, with when SQS got it. */
export interface SentJob {
  job: JobMessage;
  sentAt: number;
}

/**
 * One coalescer world: fauxqs and dynalite in this process, a live Redis under a key prefix of its
 * own, one Strava athlete with one sync config, and a pump that plays the coalescer's SQS consumer
 * (a handled message is deleted; a failed one comes back after its 1 s visibility timeout).
 */
export class CoalescerHarness {
  readonly athlete = `athlete-${randomBytes(3).toString("hex")}`;
  readonly syncConfigId = `cfg-${randomBytes(3).toString("hex")}`;
  readonly userId = "u1";
  readonly jobs: SentJob[] = [];
  readonly logger: Logger = createLogger("coalescer-test", process.env.TEST_LOG_LEVEL ?? "silent");
  readonly metrics = createCoalescerMetrics(createMetricsRegistry("coalescer"));

  private constructor(
    readonly stack: EmbeddedStack,
    readonly redis: Redis,
  ) {}

  static async start(): Promise<CoalescerHarness> {
    const stack = await startEmbeddedStack(`coal${randomBytes(3).toString("hex")}-`);
    const redis = createRedis(REDIS_URL, { keyPrefix: `coalescer-test-${randomBytes(4).toString("hex")}-` });
    const h = new CoalescerHarness(stack, redis);
    const connection = (connectionId: string, provider: "strava" | "garmin", providerUserId: string) => ({
      connectionId,
      userId: h.userId,
      provider,
      providerUserId,
      status: "active" as const,
      createdAt: new Date().toISOString(),
      accessToken: "access",
      refreshToken: "refresh",
      tokenExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
      tokenVersion: 1,
    });
    await stack.store.putConnection(connection("src", "strava", h.athlete));
    await stack.store.putConnection(connection("dst", "garmin", `g-${h.athlete}`));
    await stack.store.putConfig(
      {
        syncConfigId: h.syncConfigId,
        userId: h.userId,
        sourceConnectionId: "src",
        destinationConnectionId: "dst",
        dataType: "workouts",
        conflictResolutionStrategy: "source_wins",
        enabled: true,
        version: 1,
      },
      "strava",
    );
    return h;
  }

  async stop(): Promise<void> {
    const keys = await this.redis.keys("*").catch(() => []);
    const prefix = this.redis.options.keyPrefix ?? "";
    // `keys` answers full names; `del` prefixes again, so strip the prefix first.
    if (keys.length > 0) await this.redis.del(...keys.map((k) => k.slice(prefix.length))).catch(() => 0);
    this.redis.disconnect();
    await this.stack.stop();
  }

  coalescer(overrides: Partial<CoalescerDeps> = {}): Coalescer {
    return new Coalescer(
      {
        sqs: this.stack.sqs,
        store: this.stack.store,
        redis: this.redis,
        access: { accessRevoked: () => Promise.reject(new Error("this test sends no deauthorisation")) },
        metrics: this.metrics,
        logger: this.logger,
        ...overrides,
      },
      { webhookQueueUrl: this.stack.queues.webhookQueueUrl, hotPathQueueUrl: this.stack.queues.hotPathQueueUrl, windowSeconds: 1 },
    );
  }

  /** The gateway's part: a verified partner event put on WebhookEventQueue. Answers when it was received. */
  async webhook(
    kind: WebhookEvent["kind"] = "data",
    from: { provider?: Provider; ownerId?: string; recordId?: string; dataType?: DataType } = {},
  ): Promise<number> {
    const receivedAt = Date.now();
    const event: WebhookEvent = {
      type: "event",
      eventId: `${kind}:${randomBytes(4).toString("hex")}:${receivedAt}`,
      provider: from.provider ?? "strava",
      ownerId: from.ownerId ?? this.athlete,
      kind,
      ...(from.recordId ? { recordId: from.recordId } : {}),
      ...(from.dataType ? { dataType: from.dataType } : {}),
      receivedAt: new Date(receivedAt).toISOString(),
    };
    await this.stack.sqs.send(new SendMessageCommand({ QueueUrl: this.stack.queues.webhookQueueUrl, MessageBody: JSON.stringify(event) }));
    return receivedAt;
  }

  /** Receives what is visible on WebhookEventQueue (waiting up to `waitSeconds`), hidden for `visibilitySeconds`. */
  async receive(waitSeconds = 1, visibilitySeconds = 1): Promise<Message[]> {
    const reply = await this.stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.stack.queues.webhookQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilitySeconds,
      }),
    );
    return reply.Messages ?? [];
  }

  /**
   * Receives from WebhookEventQueue until a message `which` picks is visible (at most `timeoutMs`) and
   * answers it; the others received meanwhile are left alone and come back after their 1 s timeout.
   */
  async receiveWhere(which: (body: Record<string, unknown>) => boolean, timeoutMs = 8000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.receive(1)).find((m) => which(JSON.parse(m.Body ?? "{}") as Record<string, unknown>));
      if (found) return found;
      if (Date.now() > deadline) throw new Error("the message never became visible on WebhookEventQueue");
    }
  }

  /** Handles messages as the coalescer's consumer does; answers how many handlers threw. */
  async handle(coalescer: Coalescer, messages: readonly Message[]): Promise<number> {
    let failed = 0;
    for (const message of messages) {
      try {
        await coalescer.handle(message);
        await this.stack.sqs.send(
          new DeleteMessageCommand({ QueueUrl: this.stack.queues.webhookQueueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      } catch {
        failed += 1;
      }
    }
    return failed;
  }

  /** Takes the jobs off HotPathSyncQueue, keeping those of this harness's config. */
  async collectJobs(): Promise<SentJob[]> {
    const reply = await this.stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.stack.queues.hotPathQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 300,
        MessageSystemAttributeNames: ["SentTimestamp"],
      }),
    );
    for (const m of reply.Messages ?? []) {
      const job = JSON.parse(m.Body ?? "{}") as JobMessage;
      if (job.syncConfigId === this.syncConfigId) this.jobs.push({ job, sentAt: Number(m.Attributes?.SentTimestamp ?? 0) });
      // Taken off the queue, or the FIFO group would hold back the next job.
      await this.stack.sqs.send(new DeleteMessageCommand({ QueueUrl: this.stack.queues.hotPathQueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    return this.jobs;
  }

  /** Handles everything on WebhookEventQueue, delayed flushes included, until it stays empty for 2 s (at most `timeoutMs`). */
  async drain(coalescer: Coalescer, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = await this.receive(2);
      if (messages.length === 0) break;
      if (Date.now() > deadline) throw new Error("WebhookEventQueue never ran empty");
      await this.handle(coalescer, messages);
    }
    await this.collectJobs();
  }

  /** Runs `coalescer` as the consumer until `done` holds or `timeoutMs` passes; answers whether it held. */
  async pump(coalescer: Coalescer, done: () => boolean, timeoutMs = 6000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.collectJobs();
      if (done()) return true;
      if (Date.now() > deadline) return false;
      await this.handle(coalescer, await this.receive(1));
    }
  }
}

/** A write the coalescer makes: a Redis write command or an SQS send. */
const REDIS_WRITES = new Set(["set", "del", "eval", "evalsha", "pexpire", "expire"]);

/**
 * Clients of a process that dies at its `crashAt`-th write (1-based): that write and every call after it
 * throw, as nothing runs after a crash. Real clients underneath, wrapped, not mocked.
 */
export function crashingClients(sqs: SQSClient, redis: Redis, crashAt: number): { sqs: SQSClient; redis: Redis; crashed(): boolean } {
  let writes = 0;
  let dead = false;
  const crash = (what: string) => {
    dead = true;
    return new Error(`crashed before ${what}`);
  };
  const wrappedSqs = new Proxy(sqs, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string } }, ...rest: unknown[]) => {
        if (dead) return Promise.reject(crash("an SQS call"));
        if (command.constructor.name === "SendMessageCommand" && ++writes >= crashAt) return Promise.reject(crash("SendMessage"));
        return (target.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      };
    },
  });
  const wrappedRedis = new Proxy(redis, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (dead) return Promise.reject(crash(`redis ${String(prop)}`));
        if (REDIS_WRITES.has(String(prop)) && ++writes >= crashAt) return Promise.reject(crash(`redis ${String(prop)}`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { sqs: wrappedSqs, redis: wrappedRedis, crashed: () => dead };
}

/**
 * Clients of a process killed (kill -9) right after the first call that `last` picks has gone
 * through: that call takes effect, every later call of the process throws, and whatever the
 * handler answers afterwards is never acknowledged (the caller does not delete the message).
 */
export function diesAfter(
  sqs: SQSClient,
  redis: Redis,
  last: (call: { sqsCommand?: string; input?: Record<string, unknown>; redisCommand?: string }) => boolean,
): { sqs: SQSClient; redis: Redis; died(): boolean } {
  let dead = false;
  const killed = () => Promise.reject(new Error("the process was killed"));
  const wrappedSqs = new Proxy(sqs, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return async (command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) => {
        if (dead) return killed();
        const reply = await (target.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
        if (last({ sqsCommand: command.constructor.name, input: command.input })) dead = true;
        return reply;
      };
    },
  });
  const wrappedRedis = new Proxy(redis, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (dead) return killed();
        const reply = (value as (...a: unknown[]) => unknown).apply(target, args);
        // Commands answer promises; `multi()` answers its pipeline at once (its exec is not watched).
        if (!(reply instanceof Promise)) return reply;
        return reply.then((answer) => {
          if (last({ redisCommand: String(prop) })) dead = true;
          return answer;
        });
      };
    },
  });
  return { sqs: wrappedSqs, redis: wrappedRedis, died: () => dead };
}

/** An SQS client whose first `times` sends matching `which` fail, as a send to an unreachable queue would. */
export function failingSends(sqs: SQSClient, which: (input: Record<string, unknown>) => boolean, times = 1): SQSClient {
  let left = times;
  return new Proxy(sqs, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) => {
        if (command.constructor.name === "SendMessageCommand" && left > 0 && which(command.input)) {
          left -= 1;
          return Promise.reject(Object.assign(new Error("injected: SendMessage failed"), { name: "ServiceUnavailable" }));
        }
        return (target.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      };
    },
  });
}

/** A Redis client whose first `times` calls of `command` fail, as a command that times out under load would. */
export function failingRedisCommands(redis: Redis, command: string, times = 1): Redis {
  let left = times;
  return new Proxy(redis, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== command || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return (...args: unknown[]) => {
        if (left > 0) {
          left -= 1;
          return Promise.reject(new Error(`injected: ${command} timed out`));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * Clients of a process that stalls (a GC pause, a starved CPU) right after it sent a delayed flush:
 * its next Redis call waits until `resume()`.
 */
export function stallsAfterFlushSend(sqs: SQSClient, redis: Redis): { sqs: SQSClient; redis: Redis; resume(): void } {
  let stalled = false;
  let resume = () => {};
  const resumed = new Promise<void>((resolve) => {
    resume = resolve;
  });
  const wrappedSqs = new Proxy(sqs, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return async (command: { input: Record<string, unknown> }, ...rest: unknown[]) => {
        const reply = await (target.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
        if (command.input.DelaySeconds !== undefined) stalled = true;
        return reply;
      };
    },
  });
  const wrappedRedis = new Proxy(redis, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (!stalled) return (value as (...a: unknown[]) => unknown).apply(target, args);
        return resumed.then(() => (value as (...a: unknown[]) => unknown).apply(target, args));
      };
    },
  });
  return { sqs: wrappedSqs, redis: wrappedRedis, resume };
}
