import { randomUUID } from "node:crypto";
import { type Message, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  Counter,
  type JobMessage,
  type Logger,
  type MetadataStore,
  type Redis,
  type Registry,
  type SyncConfig,
  type WebhookEvent,
  WebhookQueueMessageSchema,
} from "@syncwell/core";

type Store = Pick<MetadataStore, "findConnectionsByOwner" | "findConfigsBySource" | "setConnectionStatus">;

/** Compare-and-delete: closes a window only if it is still the one this flush belongs to. */
const CLOSE_WINDOW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface CoalescerOptions {
  webhookQueueUrl: string;
  hotPathQueueUrl: string;
  windowSeconds: number;
}

export function createCoalescerMetrics(registry: Registry) {
  return {
    jobsProduced: new Counter({
      name: "syncwell_webhook_jobs_produced_total",
      help: "Sync jobs produced from webhook events",
      registers: [registry],
    }),
    eventsCoalesced: new Counter({
      name: "syncwell_webhook_events_coalesced_total",
      help: "Webhook events folded into a window that was already open",
      registers: [registry],
    }),
    eventsDropped: new Counter({
      name: "syncwell_webhook_events_dropped_total",
      help: "Webhook events that lead to no job, by reason",
      labelNames: ["reason"],
      registers: [registry],
    }),
    connectionsRevoked: new Counter({
      name: "syncwell_connections_revoked_total",
      help: "Connections revoked by a partner's deauthorisation event",
      labelNames: ["provider"],
      registers: [registry],
    }),
  };
}
export type CoalescerMetrics = ReturnType<typeof createCoalescerMetrics>;

/**
 * Turns bursts of webhook events into one job per sync config. The first event of a config opens
 * a window (a Redis key) and schedules a delayed flush on the webhook queue; events inside the
 * window are folded in. The flush closes the window *before* it sends the job, so every event is
 * covered by a job sent (and so started) after the event was received: an event that arrives
 * while a sync runs opens the next window and gets its own follow-up job. Without Redis every
 * event gets a job at once: more jobs, never a lost event.
 */
export class Coalescer {
  constructor(
    private readonly deps: { sqs: SQSClient; store: Store; redis: Redis; metrics: CoalescerMetrics; logger: Logger },
    private readonly options: CoalescerOptions,
  ) {}

  async handle(message: Message): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(message.Body ?? "");
    } catch {
      json = undefined;
    }
    const parsed = WebhookQueueMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.deps.metrics.eventsDropped.inc({ reason: "invalid_message" });
      this.deps.logger.warn({ messageId: message.MessageId }, "dropping a message that is no webhook event");
      return;
    }
    const body = parsed.data;
    if (body.type === "flush") await this.#flush(body.syncConfigId, body.userId, body.windowId);
    else await this.#event(body);
  }

  async #event(event: WebhookEvent): Promise<void> {
    const connections = await this.deps.store.findConnectionsByOwner(event.provider, event.ownerId);
    if (connections.length === 0) return void this.deps.metrics.eventsDropped.inc({ reason: "unknown_owner" });
    if (event.kind === "deauthorized") {
      for (const c of connections) {
        await this.deps.store.setConnectionStatus(c.userId, c.connectionId, "revoked");
        this.deps.metrics.connectionsRevoked.inc({ provider: event.provider });
      }
      return;
    }
    const configs: SyncConfig[] = [];
    for (const c of connections.filter((c) => c.status === "active"))
      configs.push(...(await this.deps.store.findConfigsBySource(c.connectionId)).filter((cfg) => cfg.enabled));
    if (configs.length === 0) return void this.deps.metrics.eventsDropped.inc({ reason: "no_sync_config" });
    for (const config of configs) await this.#open(config);
  }

  async #open(config: SyncConfig): Promise<void> {
    const windowId = randomUUID();
    let opened: boolean;
    try {
      opened =
        (await this.deps.redis.set(`coalesce:${config.syncConfigId}`, windowId, "PX", (this.options.windowSeconds + 300) * 1000, "NX")) ===
        "OK";
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, "redis unavailable: one job per event");
      return this.#sendJob(config.syncConfigId, config.userId, windowId);
    }
    if (!opened) return void this.deps.metrics.eventsCoalesced.inc();
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.options.webhookQueueUrl,
        DelaySeconds: this.options.windowSeconds,
        MessageBody: JSON.stringify({ type: "flush", syncConfigId: config.syncConfigId, userId: config.userId, windowId }),
      }),
    );
  }

  async #flush(syncConfigId: string, userId: string, windowId: string): Promise<void> {
    // Close first, then send: an event landing in between opens the next window.
    await this.deps.redis.eval(CLOSE_WINDOW, 1, `coalesce:${syncConfigId}`, windowId).catch(() => 0);
    await this.#sendJob(syncConfigId, userId, windowId);
  }

  async #sendJob(syncConfigId: string, userId: string, windowId: string): Promise<void> {
    const job: JobMessage = {
      jobId: `wh-${windowId}`,
      userId,
      syncConfigId,
      trigger: "webhook",
      requestedAt: new Date().toISOString(),
      coalescingKey: windowId,
    };
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.options.hotPathQueueUrl,
        MessageBody: JSON.stringify(job),
        MessageGroupId: userId,
        MessageDeduplicationId: `webhook-${windowId}`,
      }),
    );
    this.deps.metrics.jobsProduced.inc();
  }
}
