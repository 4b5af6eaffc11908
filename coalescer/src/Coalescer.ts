import { randomUUID } from "node:crypto";
import { type Message, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  type ConnectionRecord,
  Counter,
  type JobMessage,
  type JobQueue,
  type Logger,
  type MetadataStore,
  type Redis,
  type Registry,
  SqsJobQueue,
  type SyncConfig,
  type WebhookEvent,
  WebhookQueueMessageSchema,
} from "@syncwell/core";

type Store = Pick<MetadataStore, "findConnectionsByOwner" | "findConfigsBySource" | "setConnectionStatus">;

/** Asks the partner whether SyncWell's access to a connection is really gone ({@link TokenManager} does). */
export interface AccessCheck {
  accessRevoked(connection: ConnectionRecord): Promise<boolean>;
}

/**
 * Closes the window this flush belongs to: if it is still open, delete it, remember it was closed
 * (so a retried flush whose job send failed still sends the job) and move the records its events
 * named to the window's own set, so that every delivery of this flush reads the same ids and a
 * later event's record joins the next window's. Answers 1 when this flush owns a window, 0 when
 * its window is not open: its event was folded into another window, it crashed before opening
 * it, or it has not opened it yet (a stall between its two writes), which the mark '0' tells
 * {@link OPEN_WINDOW}.
 */
const CLOSE_WINDOW = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  redis.call('set', KEYS[2], '1', 'PX', ARGV[2])
  if redis.call('exists', KEYS[3]) == 1 then redis.call('rename', KEYS[3], KEYS[4]) end
  return 1
end
local closed = redis.call('get', KEYS[2])
if closed then return tonumber(closed) end
redis.call('set', KEYS[2], '0', 'PX', ARGV[2])
return 0`;

/**
 * Opens the window of an event whose flush was just sent, unless that flush came already (the
 * process stalled for longer than the window between its two writes): a window opened then would
 * fold events in with no flush to end it. Answers 1 (opened), 0 (another window is open: folded
 * in) or -1 (its flush came and went: the event needs its job now).
 */
const OPEN_WINDOW = `
if redis.call('exists', KEYS[2]) == 1 then return -1 end
if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
return 0`;

/** How long a closed window is remembered: longer than a flush message can be retried. */
const CLOSED_MEMORY_MS = 3600_000;

export interface CoalescerDeps {
  sqs: SQSClient;
  store: Store;
  redis: Redis;
  /** Confirms deauthorisation events with the partner: events are hints, never commands. */
  access: AccessCheck;
  metrics: CoalescerMetrics;
  logger: Logger;
}

export interface CoalescerOptions {
  webhookQueueUrl: string;
  hotPathQueueUrl: string;
  windowSeconds: number;
}

const windowKey = (syncConfigId: string) => `coalesce:${syncConfigId}`;
/** A window's flush came: '1' it closed the window, '0' the window was not open (see {@link CLOSE_WINDOW}). */
const closedKey = (syncConfigId: string, windowId: string) => `coalesce:${syncConfigId}:closed:${windowId}`;
/** The records the open window's events name (SPEC §14: a job reads them whatever its listing's lookback). */
const recordsKey = (syncConfigId: string) => `coalesce:records:${syncConfigId}`;
/** The records of a closed window, until its flush has sent them: the same ids for every delivery of the flush. */
const windowRecordsKey = (syncConfigId: string, windowId: string) => `coalesce:records:${syncConfigId}:${windowId}`;
const RECORDS_TTL_MS = 7 * 86400_000;
/** A job names at most this many records (the job message's limit): a window that named more sends more jobs. */
const MAX_RECORD_IDS = 100;

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
 * Turns bursts of webhook events into one job per sync config. The first event of a config schedules
 * a delayed flush on the webhook queue and then opens a window (a Redis key); events inside the
 * window are folded in. The flush closes the window *before* it sends the job, so every event is
 * covered by a job sent (and so started) after the event was received: an event that arrives
 * while a sync runs opens the next window and gets its own follow-up job. The records the events
 * name ride on the job of the window they joined: closing a window moves them to the window's own
 * set, which every delivery of its flush reads. Each of these steps is safe against a crash between
 * its writes. Without Redis every event gets a job at once: more jobs, never a lost event.
 */
export class Coalescer {
  /** The hot-path queue, through its port: the coalescer only sends jobs to it. */
  readonly #jobs: Pick<JobQueue, "send">;

  constructor(
    private readonly deps: CoalescerDeps,
    private readonly options: CoalescerOptions,
  ) {
    this.#jobs = new SqsJobQueue({ sqs: deps.sqs }, { queueUrl: options.hotPathQueueUrl });
  }

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
    if (event.kind === "deauthorized") return this.#deauthorized(event, connections);
    const configs: SyncConfig[] = [];
    for (const c of connections.filter((c) => c.status === "active"))
      configs.push(
        ...(await this.deps.store.findConfigsBySource(c.connectionId)).filter(
          // Only the configs of the type the event is about (a sleep event starts no workout sync).
          (cfg) => cfg.enabled && (event.dataType === undefined || cfg.dataType === event.dataType),
        ),
      );
    if (configs.length === 0) return void this.deps.metrics.eventsDropped.inc({ reason: "no_sync_config" });
    for (const config of configs) await this.#open(config, event.recordId);
  }

  /**
   * A deauthorisation event is a claim anyone could post (Strava's events are unsigned): a connection
   * is revoked only when the partner confirms that its tokens no longer work. A partner that cannot
   * answer fails the handling, so the event is retried.
   */
  async #deauthorized(event: WebhookEvent, connections: readonly ConnectionRecord[]): Promise<void> {
    let confirmed = 0;
    for (const c of connections.filter((c) => c.status !== "revoked")) {
      if (!(await this.deps.access.accessRevoked(c))) continue;
      await this.deps.store.setConnectionStatus(c.userId, c.connectionId, "revoked");
      this.deps.metrics.connectionsRevoked.inc({ provider: event.provider });
      confirmed += 1;
    }
    if (confirmed === 0 && connections.some((c) => c.status !== "revoked")) {
      this.deps.metrics.eventsDropped.inc({ reason: "deauthorization_not_confirmed" });
      this.deps.logger.warn(
        { provider: event.provider, eventId: event.eventId },
        "deauthorisation event not confirmed by the partner: the access still works, nothing revoked",
      );
    }
  }

  /**
   * Opening a window writes twice: the delayed flush, then the window key. The flush goes first, so an
   * open window always has a flush on its way; a failure or crash in between leaves at most a flush
   * for a window that never opened (dropped when it comes), and the event, not acknowledged, is
   * handled again. The other order would leave a window that folds events in and never ends. And
   * the window opens only if its flush has not come yet: a process that stalls between the two
   * writes for longer than the window (its flush came, found no window and was dropped) sends the
   * event's job itself instead of opening a window that nothing would close.
   */
  async #open(config: SyncConfig, recordId: string | undefined): Promise<void> {
    const key = windowKey(config.syncConfigId);
    try {
      // The record the event named joins the window's set first, so whichever flush covers this event carries it.
      const pipeline = this.deps.redis.multi();
      if (recordId) pipeline.sadd(recordsKey(config.syncConfigId), recordId).pexpire(recordsKey(config.syncConfigId), RECORDS_TTL_MS);
      const replies = await pipeline.exists(key).exec();
      // An open window's flush closes it and then sends its job, so that job starts after this event.
      if (replies?.at(-1)?.[1] === 1) return void this.deps.metrics.eventsCoalesced.inc();
    } catch (error) {
      return this.#withoutRedis(config, error, recordId);
    }
    const windowId = randomUUID();
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.options.webhookQueueUrl,
        DelaySeconds: this.options.windowSeconds,
        MessageBody: JSON.stringify({ type: "flush", syncConfigId: config.syncConfigId, userId: config.userId, windowId }),
      }),
    );
    let opened: unknown;
    try {
      opened = await this.deps.redis.eval(
        OPEN_WINDOW,
        2,
        key,
        closedKey(config.syncConfigId, windowId),
        windowId,
        (this.options.windowSeconds + 300) * 1000,
      );
    } catch (error) {
      return this.#withoutRedis(config, error, recordId);
    }
    // Another event opened a window in between: its flush covers this event, this one's is dropped.
    if (opened === 0) this.deps.metrics.eventsCoalesced.inc();
    // The flush came before the window opened (and was dropped): the window is over, its job goes now.
    if (opened === -1) await this.#sendJob(config.syncConfigId, config.userId, windowId, recordId ? [recordId] : []);
  }

  /** Without Redis every event gets a job at once: more jobs, never a lost event. */
  async #withoutRedis(config: SyncConfig, error: unknown, recordId: string | undefined): Promise<void> {
    this.deps.logger.warn({ err: (error as Error).message }, "redis unavailable: one job per event");
    await this.#sendJob(config.syncConfigId, config.userId, randomUUID(), recordId ? [recordId] : []);
  }

  /**
   * Closing the window moves its records to the window's own set, so a flush delivered twice (its
   * first delivery sent the job and died before the acknowledgement) reads the same ids again: its
   * second send is swallowed by SQS's deduplication, and no id named after the close rides on it.
   * The window's set is deleted only after its jobs are sent. A flush that cannot close its window
   * or read its records still sends a job at once (the events are covered, through the listing),
   * then fails: its retry closes the window and names the records in jobs of their own.
   */
  async #flush(syncConfigId: string, userId: string, windowId: string): Promise<void> {
    const records = windowRecordsKey(syncConfigId, windowId);
    let recordIds: string[];
    try {
      // Close first, then send: an event landing in between opens the next window.
      const owned = await this.deps.redis.eval(
        CLOSE_WINDOW,
        4,
        windowKey(syncConfigId),
        closedKey(syncConfigId, windowId),
        recordsKey(syncConfigId),
        records,
        windowId,
        CLOSED_MEMORY_MS,
      );
      // Not this flush's window: its event was folded into another window (counted then), or it never opened.
      if (owned !== 1) return;
      // Sorted, so that every delivery cuts the same jobs (and SQS deduplicates each one).
      recordIds = (await this.deps.redis.smembers(records)).sort();
    } catch (error) {
      await this.#sendJob(syncConfigId, userId, `${windowId}:unread`, []);
      throw new Error(`redis unavailable: the window's job went without its records, which its retry names: ${(error as Error).message}`);
    }
    for (let i = 0; i === 0 || i * MAX_RECORD_IDS < recordIds.length; i++)
      await this.#sendJob(
        syncConfigId,
        userId,
        i === 0 ? windowId : `${windowId}:${i}`,
        recordIds.slice(i * MAX_RECORD_IDS, (i + 1) * MAX_RECORD_IDS),
      );
    if (recordIds.length > 0) await this.deps.redis.del(records).catch(() => 0);
  }

  /** One job of a window (`key`: the window, or one of its parts); a retried flush sends it again under the same deduplication id. */
  async #sendJob(syncConfigId: string, userId: string, key: string, recordIds: readonly string[]): Promise<void> {
    const job: JobMessage = {
      jobId: `wh-${key}`,
      userId,
      syncConfigId,
      trigger: "webhook",
      requestedAt: new Date().toISOString(),
      coalescingKey: key,
      ...(recordIds.length > 0 ? { recordIds: [...recordIds] } : {}),
    };
    await this.#jobs.send({ body: JSON.stringify(job), groupId: userId, deduplicationId: `webhook-${key}` });
    this.deps.metrics.jobsProduced.inc();
  }
}
