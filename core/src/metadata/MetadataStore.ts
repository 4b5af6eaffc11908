import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { GSI1, keys } from "../aws/tableDesign.ts";
import type { SyncConfig } from "../contracts/domain.ts";
import type { JobMessage } from "../contracts/jobMessage.ts";
import type { TokenCipher } from "../crypto/tokenCipher.ts";
import type { DestinationMarks, Recall, SyncStateStore, UserState, WatermarkResult } from "../ports/SyncStateStore.ts";
import { ConnectionItems, type ConnectionStatus } from "./ConnectionItems.ts";
import { IdempotencyItems } from "./IdempotencyItems.ts";
import { type JobClaim, JobItems, type JobPatch } from "./JobItems.ts";
import { LedgerItems } from "./LedgerItems.ts";
import { PollScheduleItems } from "./PollScheduleItems.ts";
import { type SyncLogBatch, SyncLogItems, type SyncLogPage, type SyncLogPosition } from "./SyncLogItems.ts";
import { isConditionFailure } from "./TableItems.ts";
import type { ConnectionRecord, IdempotencyRecord, JobRecord, LedgerEntry, PollSchedule } from "./types.ts";

export type { WatermarkResult };

/**
 * The DynamoDB adapter of `SyncWellMetadata` (item types in tableDesign.ts). Single-item
 * conditional writes only: no transactions, so it runs on dynalite as on DynamoDB.
 */
export class MetadataStore implements SyncStateStore {
  constructor(
    private readonly deps: { db: DynamoDBDocumentClient; cipher: TokenCipher; now?: () => number },
    private readonly options: { table: string },
  ) {
    this.#connections = new ConnectionItems(deps, options);
    this.#idempotency = new IdempotencyItems(deps, options);
    this.#ledger = new LedgerItems(deps, options);
    this.#polls = new PollScheduleItems(deps, options);
    this.#jobs = new JobItems(deps, options);
    this.#syncLog = new SyncLogItems(deps, options);
  }

  readonly #connections: ConnectionItems;
  readonly #idempotency: IdempotencyItems;
  readonly #ledger: LedgerItems;
  readonly #polls: PollScheduleItems;
  readonly #jobs: JobItems;
  readonly #syncLog: SyncLogItems;

  get #table(): string {
    return this.options.table;
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  // ── connections (ConnectionItems.ts) ─────────────────────────────────────────
  putConnection(c: ConnectionRecord): Promise<void> {
    return this.#connections.putConnection(c);
  }

  getConnection(userId: string, connectionId: string): Promise<ConnectionRecord | undefined> {
    return this.#connections.getConnection(userId, connectionId);
  }

  listConnections(userId: string): Promise<Array<Omit<ConnectionRecord, "accessToken" | "refreshToken">>> {
    return this.#connections.listConnections(userId);
  }

  findConnectionsByOwner(provider: string, providerUserId: string): Promise<ConnectionRecord[]> {
    return this.#connections.findConnectionsByOwner(provider, providerUserId);
  }

  updateTokens(
    userId: string,
    connectionId: string,
    expectedVersion: number,
    tokens: { accessToken: string; refreshToken: string; tokenExpiresAt: string },
  ): Promise<boolean> {
    return this.#connections.updateTokens(userId, connectionId, expectedVersion, tokens);
  }

  /** The user disconnected: tokens deleted, status `revoked`, the item kept; false when there is none. */
  disconnectConnection(userId: string, connectionId: string): Promise<boolean> {
    return this.#connections.disconnect(userId, connectionId);
  }

  setConnectionStatus(userId: string, connectionId: string, status: ConnectionStatus): Promise<void> {
    return this.#connections.setConnectionStatus(userId, connectionId, status);
  }

  setConnectionStatusIf(
    userId: string,
    connectionId: string,
    status: ConnectionStatus,
    expected: { tokenVersion: number; status?: ConnectionStatus },
  ): Promise<boolean> {
    return this.#connections.setConnectionStatusIf(userId, connectionId, status, expected);
  }

  // ── sync configs ─────────────────────────────────────────────────────────────
  async putConfig(c: SyncConfig, sourceProvider: string): Promise<void> {
    await this.deps.db.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          pk: keys.user(c.userId),
          sk: keys.config(c.syncConfigId),
          gsi1pk: keys.sourceConnection(c.sourceConnectionId),
          gsi1sk: keys.config(c.syncConfigId),
          type: "config",
          sourceProvider,
          ...c,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  /**
   * A user's configs and connections in one read (they share the partition `USER#{userId}`): what
   * a job needs of its config, both connections and the other configs on its source.
   */
  async loadUser(userId: string): Promise<UserState> {
    const state: UserState = { configs: [], connections: [] };
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.deps.db.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: "pk = :u",
          ExpressionAttributeValues: { ":u": keys.user(userId) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk.startsWith("CONFIG#")) state.configs.push(this.#config(item));
        else if (sk.startsWith("CONN#")) state.connections.push(this.#connections.fromItem(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return state;
  }

  async getConfig(userId: string, syncConfigId: string): Promise<SyncConfig | undefined> {
    const { Item } = await this.deps.db.send(
      new GetCommand({ TableName: this.#table, Key: { pk: keys.user(userId), sk: keys.config(syncConfigId) }, ConsistentRead: true }),
    );
    return Item ? this.#config(Item) : undefined;
  }

  /** A user's configs, in id order: their partition's config items only (no connection, no token is read). */
  async listConfigs(userId: string): Promise<SyncConfig[]> {
    const configs: SyncConfig[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.deps.db.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: "pk = :u AND begins_with(sk, :c)",
          ExpressionAttributeValues: { ":u": keys.user(userId), ":c": keys.config("") },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      configs.push(...(page.Items ?? []).map((i) => this.#config(i)));
      start = page.LastEvaluatedKey;
    } while (start);
    return configs;
  }

  /** Configs whose source is this connection (webhook → configs). */
  async findConfigsBySource(connectionId: string): Promise<SyncConfig[]> {
    const { Items = [] } = await this.deps.db.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: GSI1,
        KeyConditionExpression: "gsi1pk = :c",
        ExpressionAttributeValues: { ":c": keys.sourceConnection(connectionId) },
      }),
    );
    return Items.map((i) => this.#config(i));
  }

  /** Optimistic update: applies `patch` only at `expectedVersion`; answers the new config or undefined on a lost race. */
  async updateConfig(
    userId: string,
    syncConfigId: string,
    expectedVersion: number,
    patch: Partial<Pick<SyncConfig, "conflictResolutionStrategy" | "enabled" | "syncPrivate" | "filters">>,
  ): Promise<SyncConfig | undefined> {
    const names: Record<string, string> = { "#v": "version" };
    const values: Record<string, unknown> = { ":expected": expectedVersion, ":one": 1 };
    const sets: string[] = [];
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    try {
      const { Attributes } = await this.deps.db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: keys.user(userId), sk: keys.config(syncConfigId) },
          UpdateExpression: `SET ${[...sets, "#v = #v + :one"].join(", ")}`,
          ConditionExpression: "#v = :expected",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? this.#config(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Disables a config whatever its version (the user disconnected one of its connections); the
   * version moves on, so a concurrent optimistic update reads it again. Answers the disabled
   * config, or undefined when there is none.
   */
  async disableConfig(userId: string, syncConfigId: string): Promise<SyncConfig | undefined> {
    try {
      const { Attributes } = await this.deps.db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: keys.user(userId), sk: keys.config(syncConfigId) },
          UpdateExpression: "SET enabled = :off, #v = #v + :one",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#v": "version" },
          ExpressionAttributeValues: { ":off": false, ":one": 1 },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? this.#config(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async deleteConfig(userId: string, syncConfigId: string): Promise<boolean> {
    const { Attributes } = await this.deps.db.send(
      new DeleteCommand({ TableName: this.#table, Key: { pk: keys.user(userId), sk: keys.config(syncConfigId) }, ReturnValues: "ALL_OLD" }),
    );
    return Attributes !== undefined;
  }

  /**
   * Moves lastSyncTime forward to `to`. It never moves backwards, and of two jobs that read the
   * same version only one moves it (the other re-reads and tries again from the new value).
   */
  async advanceWatermark(userId: string, syncConfigId: string, to: string, seen?: SyncConfig): Promise<WatermarkResult> {
    for (let attempt = 0; attempt < 10; attempt++) {
      // The config the caller read is the first guess: the common case costs one write.
      const current = attempt === 0 && seen ? seen : await this.getConfig(userId, syncConfigId);
      if (!current) return "already_past";
      if (current.lastSyncTime !== undefined && Date.parse(current.lastSyncTime) >= Date.parse(to)) return "already_past";
      try {
        await this.deps.db.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: { pk: keys.user(userId), sk: keys.config(syncConfigId) },
            UpdateExpression: "SET lastSyncTime = :to, #v = #v + :one",
            ConditionExpression: "#v = :expected",
            ExpressionAttributeNames: { "#v": "version" },
            ExpressionAttributeValues: { ":to": to, ":expected": current.version, ":one": 1 },
          }),
        );
        return "advanced";
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`could not advance the watermark of ${syncConfigId}: too much contention`);
  }

  #config(item: Record<string, unknown>): SyncConfig {
    const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, sourceProvider: _s, ...rest } = item;
    return rest as unknown as SyncConfig;
  }

  // ── jobs (JobItems.ts) ───────────────────────────────────────────────────────
  putJob(job: JobRecord, ttlSeconds: number): Promise<void> {
    return this.#jobs.putJob(job, ttlSeconds);
  }

  getJob(jobId: string): Promise<JobRecord | undefined> {
    return this.#jobs.getJob(jobId);
  }

  updateJob(
    jobId: string,
    patch: Partial<Omit<JobRecord, "jobId" | "attempts" | "rateLimitWaits">>,
    increment?: "attempts" | "rateLimitWaits",
  ): Promise<JobRecord | undefined> {
    return this.#jobs.updateJob(jobId, patch, increment);
  }

  claimJob(job: JobMessage, ttlSeconds: number, replayWindowMs: number): Promise<JobClaim> {
    return this.#jobs.claimJob(job, ttlSeconds, replayWindowMs);
  }

  recordJob(job: JobMessage, patch: JobPatch, ttlSeconds: number, increment?: "attempts" | "rateLimitWaits"): Promise<JobRecord> {
    return this.#jobs.recordJob(job, patch, ttlSeconds, increment);
  }

  // ── idempotency, ledger and poll schedules (IdempotencyItems.ts, LedgerItems.ts, PollScheduleItems.ts) ──
  /** Claims a (user, key) for 24 h; answers the existing record when somebody holds it. */
  claimIdempotencyKey(
    userId: string,
    keyHash: string,
    record: IdempotencyRecord,
    ttlSeconds: number,
  ): Promise<{ claimed: true } | { claimed: false; existing: IdempotencyRecord }> {
    return this.#idempotency.claimIdempotencyKey(userId, keyHash, record, ttlSeconds);
  }

  releaseIdempotencyKey(userId: string, keyHash: string): Promise<void> {
    return this.#idempotency.releaseIdempotencyKey(userId, keyHash);
  }

  /** Which of these source records were already written for the config (and at which source version). */
  getLedger(syncConfigId: string, sourceIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    return this.#ledger.getLedger(syncConfigId, sourceIds);
  }

  markWritten(
    syncConfigId: string,
    entries: readonly LedgerEntry[],
    ttlSeconds: number,
    destinationConnectionId?: string,
    log?: SyncLogBatch,
  ): Promise<void> {
    return this.#ledger.markWritten(syncConfigId, entries, ttlSeconds, destinationConnectionId, log);
  }

  /** A page of a config's sync log, newest first (the caller checks the config is the user's). */
  listSyncLog(syncConfigId: string, limit: number, from?: SyncLogPosition): Promise<SyncLogPage> {
    return this.#syncLog.listSyncLog(syncConfigId, limit, from);
  }

  /** One ledger entry of a config: whether SyncWell has handled that source record (a resync's ownership check). */
  getLedgerEntry(syncConfigId: string, sourceId: string): Promise<LedgerEntry | undefined> {
    return this.#ledger.getLedgerEntry(syncConfigId, sourceId);
  }

  marksAt(connectionId: string, recordIds: readonly string[]): Promise<DestinationMarks> {
    return this.#ledger.marksAt(connectionId, recordIds);
  }

  recall(syncConfigId: string, sourceConnectionId: string, sourceIds: readonly string[]): Promise<Recall> {
    return this.#ledger.recall(syncConfigId, sourceConnectionId, sourceIds);
  }

  putPollSchedule(schedule: PollSchedule): Promise<void> {
    return this.#polls.putPollSchedule(schedule);
  }

  getPollSchedule(syncConfigId: string): Promise<PollSchedule | undefined> {
    return this.#polls.getPollSchedule(syncConfigId);
  }

  deletePollSchedule(syncConfigId: string): Promise<void> {
    return this.#polls.deletePollSchedule(syncConfigId);
  }

  /** Schedules whose slot is due, oldest first. */
  duePollSchedules(nowIso: string, limit: number): Promise<PollSchedule[]> {
    return this.#polls.duePollSchedules(nowIso, limit);
  }

  /** Takes the lease of one slot; false when the slot moved on or somebody holds a live lease. */
  leasePollSlot(syncConfigId: string, slot: string, owner: string, leaseSeconds: number): Promise<boolean> {
    return this.#polls.leasePollSlot(syncConfigId, slot, owner, leaseSeconds);
  }

  /** Moves the schedule to its next slot and releases the lease (only by the lease's owner). */
  completePollSlot(owner: string, next: PollSchedule): Promise<boolean> {
    return this.#polls.completePollSlot(owner, next);
  }
}
