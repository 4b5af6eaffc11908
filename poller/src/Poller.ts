import { randomUUID } from "node:crypto";
import {
  Counter,
  Histogram,
  type JobMessage,
  type JobQueue,
  jobsEnqueuedCounter,
  type Logger,
  type MetadataStore,
  type PartnerAdapters,
  type PollSchedule,
  type Redis,
  type Registry,
  type TokenManager,
} from "@syncwell/core";
import { nextBaseInterval, nextPollDelay, recordActivity, type ScheduleBounds } from "./schedule.ts";

type Store = Pick<
  MetadataStore,
  "duePollSchedules" | "leasePollSlot" | "completePollSlot" | "getConfig" | "getConnection" | "deletePollSchedule"
>;

export interface PollerOptions {
  bounds: ScheduleBounds;
  budgetPerMinute: number;
  batchSize: number;
}

export function createPollerMetrics(registry: Registry) {
  return {
    polls: new Counter({
      name: "syncwell_polls_total",
      help: "Pre-flight polls by provider and result",
      labelNames: ["provider", "result"],
      registers: [registry],
    }),
    interval: new Histogram({
      name: "syncwell_poll_interval_seconds",
      help: "The interval chosen after each poll",
      labelNames: ["provider"],
      buckets: [60, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200],
      registers: [registry],
    }),
    jobsEnqueued: jobsEnqueuedCounter(registry),
  };
}
export type PollerMetrics = ReturnType<typeof createPollerMetrics>;

/**
 * Polls the configs whose source has no webhooks. Each due slot is leased first (one poller per
 * slot), costs one cheap pre-flight call within the partner's budget, and enqueues a job only
 * when there is new data; the next slot follows the adaptive schedule.
 */
export class Poller {
  readonly #id = randomUUID();

  constructor(
    private readonly deps: {
      store: Store;
      adapters: PartnerAdapters;
      tokens: TokenManager;
      /** The hot-path queue: the poller only sends to it. */
      jobs: Pick<JobQueue, "send">;
      redis: Redis;
      metrics: PollerMetrics;
      logger: Logger;
      now?: () => number;
    },
    private readonly options: PollerOptions,
  ) {}

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** One scan: polls every due schedule this poller can lease. Answers how many it polled. */
  async tick(): Promise<number> {
    const due = await this.deps.store.duePollSchedules(new Date(this.#now()).toISOString(), this.options.batchSize);
    let polled = 0;
    for (const schedule of due) {
      if (!(await this.deps.store.leasePollSlot(schedule.syncConfigId, schedule.nextPollAt, this.#id, 120))) continue;
      if (!(await this.#withinBudget(schedule.provider))) {
        this.deps.metrics.polls.inc({ provider: schedule.provider, result: "over_budget" });
        await this.#reschedule(schedule, schedule.intervalSeconds, 60);
        continue;
      }
      await this.#poll(schedule);
      polled += 1;
    }
    return polled;
  }

  async #poll(schedule: PollSchedule): Promise<void> {
    const log = this.deps.logger.child({ syncConfigId: schedule.syncConfigId, userId: schedule.userId });
    const config = await this.deps.store.getConfig(schedule.userId, schedule.syncConfigId);
    if (!config) {
      await this.deps.store.deletePollSchedule(schedule.syncConfigId);
      return;
    }
    const connection = await this.deps.store.getConnection(schedule.userId, schedule.sourceConnectionId);
    if (!config.enabled || connection?.status !== "active") {
      await this.#reschedule(schedule, this.options.bounds.maxSeconds);
      return;
    }
    const since = config.lastSyncTime ?? schedule.lastPolledAt;
    let hadData: boolean;
    try {
      hadData = await this.deps.adapters
        .dataProvider(connection.provider, config.dataType)
        .hasNewData(await this.deps.tokens.credentials(connection), since);
    } catch (error) {
      log.warn({ err: (error as Error).message }, "pre-flight failed");
      this.deps.metrics.polls.inc({ provider: schedule.provider, result: "error" });
      await this.#reschedule({ ...schedule, lastResult: "error" }, schedule.intervalSeconds);
      return;
    }
    this.deps.metrics.polls.inc({ provider: schedule.provider, result: hadData ? "new_data" : "no_data" });
    if (hadData) {
      const slot = schedule.nextPollAt;
      const job: JobMessage = {
        jobId: `poll-${schedule.syncConfigId}-${Date.parse(slot)}`,
        userId: schedule.userId,
        syncConfigId: schedule.syncConfigId,
        trigger: "poll",
        requestedAt: new Date(this.#now()).toISOString(),
      };
      await this.deps.jobs.send({ body: JSON.stringify(job), groupId: job.userId, deduplicationId: job.jobId });
      this.deps.metrics.jobsEnqueued.inc({ trigger: "poll" });
    }
    const base = nextBaseInterval(schedule.intervalSeconds, hadData, this.options.bounds);
    const activityHours = hadData ? recordActivity(schedule.activityHours, this.#now()) : schedule.activityHours;
    await this.#reschedule(
      { ...schedule, activityHours, lastResult: hadData ? "new_data" : "no_data", lastPolledAt: new Date(this.#now()).toISOString() },
      base,
    );
  }

  async #reschedule(schedule: PollSchedule, baseSeconds: number, fixedDelaySeconds?: number): Promise<void> {
    const delay = fixedDelaySeconds ?? nextPollDelay(baseSeconds, schedule.activityHours, this.#now(), this.options.bounds);
    this.deps.metrics.interval.observe({ provider: schedule.provider }, delay);
    await this.deps.store.completePollSlot(this.#id, {
      ...schedule,
      intervalSeconds: baseSeconds,
      nextPollAt: new Date(this.#now() + delay * 1000).toISOString(),
    });
  }

  /** A shared per-partner, per-minute budget in Redis; without Redis the poll goes ahead. */
  async #withinBudget(provider: string): Promise<boolean> {
    const key = `poll:budget:${provider}:${Math.floor(this.#now() / 60_000)}`;
    try {
      const [[, used] = []] = ((await this.deps.redis.multi().incr(key).expire(key, 120).exec()) ?? []) as [unknown, number][];
      return Number(used) <= this.options.budgetPerMinute;
    } catch {
      return true;
    }
  }
}
