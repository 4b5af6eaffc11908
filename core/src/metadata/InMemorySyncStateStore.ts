import type { SyncLogEntry } from "../contracts/domain.ts";
import type { JobMessage } from "../contracts/jobMessage.ts";
import type {
  DestinationMarks,
  JobClaim,
  JobPatch,
  Recall,
  SyncLogBatch,
  SyncStateStore,
  UserState,
  WatermarkResult,
} from "../ports/SyncStateStore.ts";
import type { ConnectionRecord, JobRecord, LedgerEntry, SyncConfig } from "./types.ts";

const clone = <T>(value: T): T => structuredClone(value);

/** The {@link SyncStateStore} fake for unit tests: the same rules as the table, in memory. */
export class InMemorySyncStateStore implements SyncStateStore {
  readonly configs = new Map<string, SyncConfig>();
  readonly connections = new Map<string, ConnectionRecord>();
  readonly jobs = new Map<string, JobRecord>();
  readonly ledgers = new Map<string, Map<string, LedgerEntry>>();
  /** Records SyncWell wrote, by connection. */
  readonly wrote = new Map<string, Set<string>>();
  readonly standIns = new Map<string, Set<string>>();
  /** The sync log by config, oldest first. */
  readonly syncLog = new Map<string, SyncLogEntry[]>();
  /** Every call made, by name: what a cost test counts. */
  readonly calls: Record<string, number> = {};

  constructor(private readonly options: { now?: () => number } = {}) {}

  #count(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }

  #now(): string {
    return new Date(this.options.now?.() ?? Date.now()).toISOString();
  }

  putConfig(config: SyncConfig): void {
    this.configs.set(config.syncConfigId, clone(config));
  }

  putConnection(connection: ConnectionRecord): void {
    this.connections.set(connection.connectionId, clone(connection));
  }

  async loadUser(userId: string): Promise<UserState> {
    this.#count("loadUser");
    return {
      configs: [...this.configs.values()].filter((c) => c.userId === userId).map(clone),
      connections: [...this.connections.values()].filter((c) => c.userId === userId).map(clone),
    };
  }

  async recall(syncConfigId: string, sourceConnectionId: string, sourceIds: readonly string[]): Promise<Recall> {
    this.#count("recall");
    const ledger = this.ledgers.get(syncConfigId);
    const wrote = this.wrote.get(sourceConnectionId);
    return {
      ledger: new Map(sourceIds.filter((id) => ledger?.has(id)).map((id) => [id, clone(ledger?.get(id) as LedgerEntry)])),
      ours: new Set(sourceIds.filter((id) => wrote?.has(id))),
    };
  }

  async getConfig(userId: string, syncConfigId: string): Promise<SyncConfig | undefined> {
    this.#count("getConfig");
    const found = this.configs.get(syncConfigId);
    return found?.userId === userId ? clone(found) : undefined;
  }

  async findConfigsBySource(connectionId: string): Promise<SyncConfig[]> {
    this.#count("findConfigsBySource");
    return [...this.configs.values()].filter((c) => c.sourceConnectionId === connectionId).map(clone);
  }

  async getConnection(userId: string, connectionId: string): Promise<ConnectionRecord | undefined> {
    this.#count("getConnection");
    const found = this.connections.get(connectionId);
    return found?.userId === userId ? clone(found) : undefined;
  }

  async advanceWatermark(userId: string, syncConfigId: string, to: string, _seen?: SyncConfig): Promise<WatermarkResult> {
    this.#count("advanceWatermark");
    const config = this.configs.get(syncConfigId);
    if (!config || config.userId !== userId) return "already_past";
    if (config.lastSyncTime !== undefined && Date.parse(config.lastSyncTime) >= Date.parse(to)) return "already_past";
    this.configs.set(syncConfigId, { ...config, lastSyncTime: to, version: config.version + 1 });
    return "advanced";
  }

  async getLedger(syncConfigId: string, sourceIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    this.#count("getLedger");
    const ledger = this.ledgers.get(syncConfigId) ?? new Map<string, LedgerEntry>();
    return new Map(sourceIds.filter((id) => ledger.has(id)).map((id) => [id, clone(ledger.get(id) as LedgerEntry)]));
  }

  async markWritten(
    syncConfigId: string,
    entries: readonly LedgerEntry[],
    _ttlSeconds: number,
    destinationConnectionId?: string,
    log?: SyncLogBatch,
  ): Promise<void> {
    this.#count("markWritten");
    if (log && log.entries.length > 0)
      this.syncLog.set(syncConfigId, [
        ...(this.syncLog.get(syncConfigId) ?? []),
        ...log.entries.map((e) => ({ ...e, jobId: log.jobId, at: log.at })),
      ]);
    const ledger = this.ledgers.get(syncConfigId) ?? new Map<string, LedgerEntry>();
    for (const entry of entries) ledger.set(entry.sourceId, clone(entry));
    this.ledgers.set(syncConfigId, ledger);
    if (!destinationConnectionId) return;
    const wrote = this.wrote.get(destinationConnectionId) ?? new Set<string>();
    const standIns = this.standIns.get(destinationConnectionId) ?? new Set<string>();
    for (const e of entries) {
      if (!e.destinationId) continue;
      if (e.written) wrote.add(e.destinationId);
      else if (!e.deleted) standIns.add(e.destinationId);
    }
    this.wrote.set(destinationConnectionId, wrote);
    this.standIns.set(destinationConnectionId, standIns);
  }

  async marksAt(connectionId: string, recordIds: readonly string[]): Promise<DestinationMarks> {
    this.#count("marksAt");
    const wrote = this.wrote.get(connectionId);
    const standIns = this.standIns.get(connectionId);
    return {
      written: new Set(recordIds.filter((id) => wrote?.has(id))),
      standIns: new Set(recordIds.filter((id) => standIns?.has(id) && !wrote?.has(id))),
    };
  }

  async claimJob(job: JobMessage, _ttlSeconds: number, replayWindowMs: number): Promise<JobClaim> {
    this.#count("claimJob");
    const now = this.#now();
    const found = this.jobs.get(job.jobId);
    const base = {
      jobId: job.jobId,
      userId: job.userId,
      syncConfigId: job.syncConfigId,
      trigger: job.trigger,
      requestedAt: job.requestedAt,
    };
    if (!found || found.requestedAt === job.requestedAt) {
      this.jobs.set(job.jobId, { attempts: 0, createdAt: now, ...found, ...base, status: "in_progress", updatedAt: now });
      return "run";
    }
    if (Date.parse(this.#now()) - Date.parse(found.createdAt) < replayWindowMs) return "replay";
    this.jobs.set(job.jobId, { ...base, status: "in_progress", attempts: 0, createdAt: now, updatedAt: now });
    return "run";
  }

  async recordJob(job: JobMessage, patch: JobPatch, _ttlSeconds: number, increment?: "attempts" | "rateLimitWaits"): Promise<JobRecord> {
    this.#count("recordJob");
    const now = this.#now();
    const found = this.jobs.get(job.jobId);
    const next: JobRecord = {
      jobId: job.jobId,
      userId: job.userId,
      syncConfigId: job.syncConfigId,
      trigger: job.trigger,
      requestedAt: job.requestedAt,
      status: "queued",
      attempts: 0,
      createdAt: now,
      ...found,
      updatedAt: now,
    };
    for (const [field, value] of Object.entries(patch)) if (value !== undefined) Object.assign(next, { [field]: value });
    if (increment === "attempts") {
      next.attempts = (found?.attempts ?? 0) + 1;
      next.firstFailedAt ??= now;
    }
    if (increment === "rateLimitWaits") next.rateLimitWaits = (found?.rateLimitWaits ?? 0) + 1;
    this.jobs.set(job.jobId, next);
    return clone(next);
  }

  async getJob(jobId: string): Promise<JobRecord | undefined> {
    this.#count("getJob");
    const found = this.jobs.get(jobId);
    return found ? clone(found) : undefined;
  }

  async putJob(job: JobRecord): Promise<void> {
    this.#count("putJob");
    this.jobs.set(job.jobId, clone(job));
  }

  async updateJob(
    jobId: string,
    patch: Partial<Omit<JobRecord, "jobId" | "attempts" | "rateLimitWaits">>,
    increment?: "attempts" | "rateLimitWaits",
  ): Promise<JobRecord | undefined> {
    this.#count("updateJob");
    const found = this.jobs.get(jobId);
    if (!found) return undefined;
    const now = this.#now();
    const next: JobRecord = { ...found, updatedAt: now };
    for (const [field, value] of Object.entries(patch))
      if (value !== undefined && field !== "updatedAt") Object.assign(next, { [field]: value });
    if (increment === "attempts") {
      next.attempts = (found.attempts ?? 0) + 1;
      next.firstFailedAt ??= now;
    }
    if (increment === "rateLimitWaits") next.rateLimitWaits = (found.rateLimitWaits ?? 0) + 1;
    this.jobs.set(jobId, next);
    return clone(next);
  }
}
