import {
  type ActivityMetadata,
  type ActivityPayload,
  type ConnectionRecord,
  type DataProvider,
  externalIdFor,
  type JobMessage,
  type LedgerEntry,
  type Logger,
  type PartnerAdapters,
  PartnerError,
  type ProviderCredentials,
  PushIncompleteError,
  type PushRecord,
  type SyncConfig,
  type SyncStateStore,
  type TokenManager,
  writtenBySyncWell,
} from "@syncwell/core";
import type { ConfidenceCache } from "../confidence/ConfidenceCache.ts";
import type { WorkerMetrics } from "../metrics.ts";
import { confidenceUpdate, destinationFetchDecision } from "./confidence.ts";
import { resolveConflicts } from "./conflicts.ts";
import type { JobOutcome } from "./outcome.ts";

export interface SyncJobOptions {
  syncConfidenceThreshold: number;
  /** A number, or a provider read once per sync pair of every job (the worker's SettingsSource: AppConfig in production). */
  conflictOverlapSeconds: number | (() => number);
  ledgerTtlSeconds: number;
  /**
   * Records one job writes to a destination before it hands the rest to its next run, so one
   * user's backlog never holds the partner's app-wide quota for long (a fair share per user).
   * @defaultValue 50
   */
  maxRecordsPerJob?: number;
}

type Tokens = Pick<TokenManager, "credentials" | "refreshed">;

/** One sync pair of the job, ready to run. */
interface Pair {
  config: SyncConfig;
  dest: ConnectionRecord;
}

/**
 * The worker's algorithm (SPEC §4, §14): read the config, list the source's metadata, decide on
 * metadata, hydrate only what is written, push with deterministic external ids, save every
 * finished record before judging the rest, and move the watermark only after full success.
 * Where reading the source is destructive (Polar transactions), one read serves every config on
 * that source connection, and the read is committed only when all of them succeeded.
 */
export class SyncJobHandler {
  constructor(
    private readonly deps: {
      store: SyncStateStore;
      adapters: Pick<PartnerAdapters, "dataProvider">;
      tokens: Tokens;
      confidence: ConfidenceCache;
      metrics: WorkerMetrics;
      logger: Logger;
      now?: () => number;
    },
    private readonly options: SyncJobOptions,
  ) {}

  async run(job: JobMessage): Promise<JobOutcome> {
    const startedAt = new Date(this.deps.now?.() ?? Date.now()).toISOString();
    // Step 2: the config, both connections and the source's other configs, in one read.
    const user = await this.deps.store.loadUser(job.userId);
    const config = user.configs.find((c) => c.syncConfigId === job.syncConfigId);
    if (!config) return { kind: "cancelled", reason: "the sync config no longer exists" };
    if (!config.enabled) return { kind: "cancelled", reason: "the sync config is disabled" };
    const connection = (id: string) => user.connections.find((c) => c.connectionId === id);
    const source = connection(config.sourceConnectionId);
    const dest = connection(config.destinationConnectionId);
    const unusable = this.#unusable(source) ?? this.#unusable(dest);
    if (unusable) return { kind: "cancelled", reason: unusable };
    const sourceConn = source as ConnectionRecord;
    const sourceApi = this.deps.adapters.dataProvider(sourceConn.provider);

    // Step 3: metadata only, all pages, plus the records a webhook named (whatever the lookback).
    const listing = await this.#withAuth(sourceConn, (c) => sourceApi.fetchMetadata(c, config.lastSyncTime));
    const records = await this.#withNamed(job, sourceConn, sourceApi, listing.records);
    const pairs: Pair[] = [{ config, dest: dest as ConnectionRecord }];
    // Where the read is destructive, it serves every enabled config of the user on this source.
    if (listing.commit)
      for (const other of user.configs) {
        if (other.syncConfigId === config.syncConfigId || other.sourceConnectionId !== config.sourceConnectionId || !other.enabled)
          continue;
        const otherDest = connection(other.destinationConnectionId);
        if (!this.#unusable(otherDest)) pairs.push({ config: other, dest: otherDest as ConnectionRecord });
      }

    const payloads = new Map<string, ActivityPayload>();
    let written = 0;
    let more = false;
    for (const pair of pairs) {
      const result = await this.#syncPair(job, pair, sourceConn, sourceApi, records, payloads, startedAt);
      if (pair.config.syncConfigId === config.syncConfigId) written = result.written;
      more ||= result.more;
    }
    if (more) return { kind: "more", recordsWritten: written };
    await listing.commit?.();
    return { kind: "succeeded", recordsWritten: written };
  }

  #unusable(conn: ConnectionRecord | undefined): string | undefined {
    if (!conn) return "a connection of the sync config no longer exists";
    if (conn.status !== "active") return `the ${conn.provider} connection is ${conn.status}`;
    return undefined;
  }

  /** Adds the records a webhook named that the listing did not return (uploaded long after they were recorded). */
  async #withNamed(job: JobMessage, conn: ConnectionRecord, api: DataProvider, listed: ActivityMetadata[]): Promise<ActivityMetadata[]> {
    const missing = (job.recordIds ?? []).filter((id) => !listed.some((r) => r.id === id));
    if (missing.length === 0 || !api.fetchRecords) return listed;
    const named = await this.#withAuth(conn, (c) => (api.fetchRecords as NonNullable<DataProvider["fetchRecords"]>)(c, missing));
    const unknown = missing.filter((id) => !named.some((r) => r.id === id));
    if (unknown.length > 0)
      this.deps.logger.info(
        { jobId: job.jobId, count: unknown.length },
        "records a webhook named do not exist for this user: nothing to sync for them",
      );
    return [...listed, ...named];
  }

  /** Steps 4–12 for one sync pair; answers what it wrote and whether records are left for the next run. */
  async #syncPair(
    job: JobMessage,
    { config, dest }: Pair,
    source: ConnectionRecord,
    sourceApi: DataProvider,
    listed: readonly ActivityMetadata[],
    payloads: Map<string, ActivityPayload>,
    startedAt: string,
  ): Promise<{ written: number; more: boolean }> {
    const { store, metrics } = this.deps;
    const destApi = this.deps.adapters.dataProvider(dest.provider);
    // Never sync back what SyncWell wrote: by external id, and by our own record of writes where the partner drops it.
    const unmarked = listed.filter((r) => !writtenBySyncWell(r));
    const { ledger, ours } =
      unmarked.length === 0
        ? { ledger: new Map<string, LedgerEntry>(), ours: new Set<string>() }
        : await store.recall(
            config.syncConfigId,
            source.connectionId,
            unmarked.map((r) => r.id),
          );
    const fresh = unmarked.filter((r) => !ours.has(r.id));
    const pending = fresh
      .filter((r) => {
        const entry = ledger.get(r.id);
        return !entry || Date.parse(entry.sourceUpdatedAt) < Date.parse(r.updatedAt);
      })
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));

    // Step 4: nothing new costs exactly the listing.
    if (pending.length === 0) {
      await store.advanceWatermark(job.userId, config.syncConfigId, startedAt, config);
      return { written: 0, more: false };
    }
    // A fair share per job, and no more than the destination's app-wide window has room for: the
    // rest is the job's next turn, behind other users' jobs, instead of a 429 part-way.
    const budget = destApi.pushBudget?.();
    const room = budget ? Math.max(1, Math.floor(budget.remainingCalls / budget.callsPerRecord)) : Number.POSITIVE_INFINITY;
    const limit = Math.min(this.options.maxRecordsPerJob ?? 50, room);
    const candidates = pending.slice(0, limit);

    // Steps 5-6: fetch the destination only when the decision needs it and may not skip it.
    const strategy = config.conflictResolutionStrategy;
    const caps = destApi.capabilities;
    const confidence = caps.reportsConflicts ? await this.deps.confidence.get(job.userId, dest.provider) : undefined;
    const decision = destinationFetchDecision({
      strategy,
      capabilities: caps,
      confidence,
      threshold: this.options.syncConfidenceThreshold,
    });
    const overlap = this.options.conflictOverlapSeconds;
    const conflictOverlapSeconds = typeof overlap === "function" ? overlap() : overlap;
    let destination: ActivityMetadata[] | undefined;
    if (decision.fetch) {
      const pad = conflictOverlapSeconds * 1000;
      const from = new Date(Math.min(...candidates.map((r) => Date.parse(r.startTime))) - pad).toISOString();
      const to = new Date(Math.max(...candidates.map((r) => Date.parse(r.endTime))) + pad).toISOString();
      destination = await this.#withAuth(dest, (c) => destApi.fetchOverlapping(c, { from, to }));
    } else {
      metrics.destinationFetchesSkipped.inc({ reason: decision.reason });
    }

    // Step 7: decide on metadata. Records SyncWell wrote at the destination are copies of source
    // records, not the user's own: never a conflict (two source records never replace each other).
    const oursThere =
      destination && destination.length > 0
        ? await store.writtenBySyncWellAt(
            dest.connectionId,
            destination.map((d) => d.id),
          )
        : new Set<string>();
    const plan = resolveConflicts({
      sourceProvider: source.provider,
      source: candidates,
      destination,
      writtenBySyncWell: oursThere,
      ledger,
      strategy,
      overlapSeconds: conflictOverlapSeconds,
      canReplace: caps.canDelete,
      comparableModificationTimes: sourceApi.capabilities.reportsModificationTime && caps.reportsModificationTime,
    });
    const byId = new Map(candidates.map((r) => [r.id, r]));
    const entries: LedgerEntry[] = plan.skipped.map((s) => ({
      sourceId: s.sourceId,
      sourceUpdatedAt: byId.get(s.sourceId)?.updatedAt ?? startedAt,
      destinationId: s.destinationId,
    }));

    // Steps 8-9: hydrate only what is written (once per job, whatever the number of pairs), push with deterministic external ids.
    const toWrite = plan.writes.map((w) => byId.get(w.sourceId) as ActivityMetadata);
    const missing = toWrite.filter((r) => !payloads.has(r.id));
    if (missing.length > 0) for (const p of await this.#withAuth(source, (c) => sourceApi.fetchPayloads(c, missing))) payloads.set(p.id, p);
    const planById = new Map(plan.writes.map((w) => [w.sourceId, w]));
    const records: PushRecord[] = toWrite.map((r) => ({
      payload: payloads.get(r.id) as ActivityPayload,
      externalId: externalIdFor(source.provider, r.id),
      replacesId: planById.get(r.id)?.replacesId,
      onConflict: planById.get(r.id)?.onConflict ?? "report",
    }));
    const results = records.length === 0 ? [] : await this.#withAuth(dest, (c) => destApi.pushData(c, records));

    // Save what is done before judging the rest, so a retry neither re-reads nor re-pushes it.
    const sourceIdOf = new Map(records.map((r) => [r.externalId, r.payload.id]));
    for (const r of results) {
      if (r.status !== "written" && r.status !== "duplicate") continue;
      const sourceId = sourceIdOf.get(r.externalId) ?? r.externalId;
      entries.push({
        sourceId,
        sourceUpdatedAt: byId.get(sourceId)?.updatedAt ?? startedAt,
        destinationId: r.destinationId,
        // Only a record this push created is SyncWell's: a duplicate may be the user's own (an
        // identical workout already there), which must still sync onwards from that partner.
        written: r.status === "written",
      });
    }
    if (entries.length > 0) await store.markWritten(config.syncConfigId, entries, this.options.ledgerTtlSeconds, dest.connectionId);
    const written = results.filter((r) => r.status === "written").length;
    if (written > 0) metrics.recordsWritten.inc({ destination: dest.provider }, written);

    // Step 12 (before failing: a conflict at push time is exactly what must reset the counter).
    if (caps.reportsConflicts) {
      const pushConflict = results.some((r) => r.status === "conflict");
      const update = confidenceUpdate({ fetched: destination !== undefined, destinationEmpty: destination?.length === 0, pushConflict });
      if (update === "reset") await this.deps.confidence.reset(job.userId, dest.provider);
      if (update === "increment") await this.deps.confidence.increment(job.userId, dest.provider);
    }

    // Step 10: any record not written fails the job, with the category of what stopped it.
    const deferred = results.filter((r) => r.status === "deferred");
    if (deferred.length > 0) {
      const wait = Math.max(0, ...deferred.map((r) => r.retryAfterSeconds ?? 0)) || undefined;
      throw new PushIncompleteError(
        `${deferred.length} of ${records.length} records wait for ${dest.provider}'s rate limit`,
        "rate_limited",
        wait,
      );
    }
    const failed = results.filter((r) => r.status === "failed" || r.status === "conflict");
    if (failed.length > 0 || results.length < records.length) {
      const retryable = failed.every((r) => r.status === "conflict" || (r.status === "failed" && r.retryable));
      const first = failed[0];
      throw new PushIncompleteError(
        `${failed.length} of ${records.length} records not written to ${dest.provider}${first && "message" in first ? `: ${first.message}` : ""}`,
        retryable ? "transient" : "permanent",
      );
    }
    if (pending.length > candidates.length) return { written, more: true };

    // Step 11: only on full success; never backwards, never twice from the same value.
    await store.advanceWatermark(job.userId, config.syncConfigId, startedAt, config);
    return { written, more: false };
  }

  /** Runs a partner call; on 401 refreshes once (single-flight) and tries again. */
  async #withAuth<T>(connection: ConnectionRecord, call: (credentials: ProviderCredentials) => Promise<T>): Promise<T> {
    const credentials = await this.deps.tokens.credentials(connection);
    try {
      return await call(credentials);
    } catch (error) {
      if (!(error instanceof PartnerError) || error.category !== "auth") throw error;
      this.deps.logger.info(
        { provider: connection.provider, connectionId: connection.connectionId },
        "partner answered 401: refreshing the token once",
      );
      return call(await this.deps.tokens.refreshed(connection));
    }
  }
}
