import {
  type ActivityMetadata,
  type ActivityPayload,
  CONFLICT_RULES,
  type ConnectionRecord,
  type DataProvider,
  externalIdFor,
  isPrivate,
  type JobMessage,
  type LedgerEntry,
  type Logger,
  type PartnerAdapters,
  PartnerError,
  type ProviderCredentials,
  type PushRecord,
  type RecordChange,
  type SyncConfig,
  type SyncStateStore,
  type TokenManager,
  writtenBySyncWell,
} from "@syncwell/core";
import type { ConfidenceCache } from "../confidence/ConfidenceCache.ts";
import type { WorkerMetrics } from "../metrics.ts";
import { Bookkeeping, type Change, judge, type Push, writtenSpan } from "./bookkeeping.ts";
import { classify } from "./classify.ts";
import { confidenceUpdate, destinationFetchDecision } from "./confidence.ts";
import { resolveConflicts } from "./conflicts.ts";
import type { JobOutcome } from "./outcome.ts";
import { changedFields, copiesToDelete, decideEdit, pushedSpan, type Triage, triage } from "./triage.ts";

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
    const sourceApi = this.deps.adapters.dataProvider(sourceConn.provider, config.dataType);

    // Step 3: metadata only, all pages, plus the records a webhook named (whatever the lookback).
    const listing = await this.#withAuth(sourceConn, (c) => sourceApi.fetchMetadata(c, config.lastSyncTime, { batchKey: job.batchKey }));
    const read = await this.#withNamed(job, sourceConn, sourceApi, listing.records);
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
      const result = await this.#syncPair(job, pair, sourceConn, sourceApi, read, payloads, startedAt);
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

  /**
   * Adds the records a webhook named that the listing did not return (uploaded long after they were
   * recorded), and answers the named ids the source no longer has (deleted there, or never this user's)
   * and those it cannot read by id at all (a source without that call: only its listing shows records).
   */
  async #withNamed(
    job: JobMessage,
    conn: ConnectionRecord,
    api: DataProvider,
    listed: ActivityMetadata[],
  ): Promise<{ records: ActivityMetadata[]; gone: string[]; unread: string[] }> {
    const missing = (job.recordIds ?? []).filter((id) => !listed.some((r) => r.id === id));
    if (missing.length === 0) return { records: listed, gone: [], unread: [] };
    if (!api.fetchRecords) return { records: listed, gone: [], unread: missing };
    const named = await this.#withAuth(conn, (c) => (api.fetchRecords as NonNullable<DataProvider["fetchRecords"]>)(c, missing));
    const gone = missing.filter((id) => !named.some((r) => r.id === id));
    if (gone.length > 0)
      this.deps.logger.info(
        { jobId: job.jobId, count: gone.length },
        "records a webhook named are not at the source: deleted there, or not this user's",
      );
    return { records: [...listed, ...named], gone, unread: [] };
  }

  /** Steps 4–12 for one sync pair; answers what it wrote and whether records are left for the next run. */
  async #syncPair(
    job: JobMessage,
    { config, dest }: Pair,
    source: ConnectionRecord,
    sourceApi: DataProvider,
    read: { records: readonly ActivityMetadata[]; gone: readonly string[]; unread: readonly string[] },
    payloads: Map<string, ActivityPayload>,
    startedAt: string,
  ): Promise<{ written: number; more: boolean }> {
    const { store } = this.deps;
    // Never sync back what SyncWell wrote: by external id, and by our own record of writes where the partner drops it.
    const unmarked = read.records.filter((r) => !writtenBySyncWell(r));
    const asked = [...unmarked.map((r) => r.id), ...read.gone];
    const { ledger, ours } =
      asked.length === 0
        ? { ledger: new Map<string, LedgerEntry>(), ours: new Set<string>() }
        : await store.recall(config.syncConfigId, source.connectionId, asked);
    const resync = new Set(job.resync ? (job.recordIds ?? []) : []);
    const destApi = this.deps.adapters.dataProvider(dest.provider, config.dataType);
    const canKeepPrivate = destApi.capabilities.updatable.includes("private");
    const salt = config.syncConfigId;
    const records = unmarked.filter((r) => !ours.has(r.id));
    const pending = triage({ records, gone: read.gone, ledger, config, resync, canKeepPrivate, salt });
    const unread = read.unread.filter((id) => resync.has(id));

    // Step 4: nothing new costs exactly the listing.
    if (pending.length === 0 && unread.length === 0) {
      await store.advanceWatermark(job.userId, config.syncConfigId, startedAt, config);
      return { written: 0, more: false };
    }
    // A fair share per job, and no more than the destination's app-wide window has room for: the
    // rest is the job's next turn, behind other users' jobs, instead of a 429 part-way.
    const budget = destApi.pushBudget?.();
    const room = budget ? Math.max(1, Math.floor(budget.remainingCalls / budget.callsPerRecord)) : Number.POSITIVE_INFINITY;
    const candidates = pending.slice(0, Math.min(this.options.maxRecordsPerJob ?? 50, room));
    const book = new Bookkeeping(job.jobId, startedAt, ledger, salt);
    for (const id of unread) book.unread(id);
    let written: number;
    try {
      written = await this.#write({ job, config, dest, destApi, source, sourceApi, candidates, ledger, payloads, book, resync });
    } finally {
      // Every decision is saved before the job waits, fails or ends: a retry neither re-reads nor
      // re-pushes what is done, and the sync log says what happened (one batch write per pair).
      if (book.hasAny)
        await store.markWritten(config.syncConfigId, book.entries, this.options.ledgerTtlSeconds, dest.connectionId, book.log());
    }
    if (pending.length > candidates.length) return { written, more: true };
    // Step 11: only on full success; never backwards, never twice from the same value.
    await store.advanceWatermark(job.userId, config.syncConfigId, startedAt, config);
    return { written, more: false };
  }

  /** Steps 5–10 for the pair's candidates: decide, read what is needed, write, and judge the results. */
  async #write(w: {
    job: JobMessage;
    config: SyncConfig;
    dest: ConnectionRecord;
    destApi: DataProvider;
    source: ConnectionRecord;
    sourceApi: DataProvider;
    candidates: readonly Triage[];
    ledger: ReadonlyMap<string, LedgerEntry>;
    payloads: Map<string, ActivityPayload>;
    book: Bookkeeping;
    resync: ReadonlySet<string>;
  }): Promise<number> {
    const { config, dest, destApi, source, sourceApi, candidates, book } = w;
    const caps = destApi.capabilities;
    const strategy = config.conflictResolutionStrategy;
    for (const c of candidates) if (c.kind === "skip") book.skip(c.record, c.reason);
    const fresh = candidates.flatMap((c) => (c.kind === "new" ? [c.record] : []));
    const edits = candidates.flatMap((c) => (c.kind === "edit" ? [c] : []));
    const deletes = candidates.flatMap((c) => (c.kind === "delete" ? [c] : []));
    try {
      // Steps 5-6: fetch the destination when a decision needs it and may not skip it (an edit always needs its copy).
      const confidence =
        caps.reportsConflicts && fresh.length > 0 ? await this.deps.confidence.get(w.job.userId, dest.provider) : undefined;
      const decision = destinationFetchDecision({
        strategy,
        capabilities: caps,
        confidence,
        threshold: this.options.syncConfidenceThreshold,
      });
      const overlap = this.options.conflictOverlapSeconds;
      const overlapSeconds = typeof overlap === "function" ? overlap() : overlap;
      // A delete whose push was cut short looks for the copy it may have left.
      const located = deletes.flatMap((d) => pushedSpan(d.entry));
      const spans = [...fresh, ...edits.flatMap((e) => [e.record, ...writtenSpan(e.entry)]), ...located];
      let destination: ActivityMetadata[] | undefined;
      if (spans.length > 0 && (edits.length > 0 || located.length > 0 || decision.fetch)) {
        const pad = overlapSeconds * 1000;
        const from = new Date(Math.min(...spans.map((r) => Date.parse(r.startTime))) - pad).toISOString();
        const to = new Date(Math.max(...spans.map((r) => Date.parse(r.endTime))) + pad).toISOString();
        destination = await this.#withAuth(dest, (c) => destApi.fetchOverlapping(c, { from, to }));
      } else if (fresh.length > 0 && !decision.fetch) {
        this.deps.metrics.destinationFetchesSkipped.inc({ reason: decision.reason });
      }

      // Step 7: decide on metadata. Records SyncWell wrote at the destination are copies of source
      // records, not the user's own: never a conflict (two source records never replace each other).
      // Nor is a user's record replaced that stands for a source record already (its identical twin).
      const marks =
        destination && destination.length > 0
          ? await this.deps.store.marksAt(
              dest.connectionId,
              destination.map((d) => d.id),
            )
          : { written: new Set<string>(), standIns: new Set<string>() };
      const oursThere = marks.written;
      const comparable = sourceApi.capabilities.reportsModificationTime && caps.reportsModificationTime;
      // Updates and deletes need the partner's change call; without one the destination can do neither.
      const canChange = destApi.applyChanges !== undefined;
      const pushes: Push[] = [];
      const changes: Change[] = [];
      const decide = (e: { record: ActivityMetadata; entry: LedgerEntry }) => {
        const d = decideEdit({
          sourceProvider: source.provider,
          record: e.record,
          entry: e.entry,
          destination: destination ?? [],
          strategy,
          capabilities: canChange ? caps : { ...caps, updatable: [] },
          comparableModificationTimes: comparable,
          resync: w.resync.has(e.record.id),
        });
        if (d.kind === "skip") book.skip(e.record, d.reason, { destinationId: d.destinationId, entry: e.entry });
        else if (d.kind === "write")
          fresh.push(e.record); // its copy is gone: written as new, conflicts decided as for any
        else if (d.kind === "update") {
          const change: RecordChange = { kind: "update", destinationId: d.destinationId, record: e.record, fields: d.fields };
          changes.push({ change, sourceId: e.record.id, entry: e.entry, unapplied: d.unapplied });
        } else pushes.push({ record: e.record, replacesId: d.destinationId, onConflict: "report", why: "changed_at_source" });
      };
      for (const e of edits) decide(e);
      const plan = resolveConflicts({
        sourceProvider: source.provider,
        source: fresh,
        destination,
        writtenBySyncWell: oursThere,
        standIns: marks.standIns,
        ledger: w.ledger,
        strategy,
        overlapSeconds,
        canReplace: caps.canDelete,
        rule: CONFLICT_RULES[config.dataType],
        comparableModificationTimes: comparable,
      });
      const byId = new Map(fresh.map((r) => [r.id, r]));
      for (const s of plan.skipped) {
        const record = byId.get(s.sourceId) as ActivityMetadata;
        // SyncWell's copy found there after a cut-short run shows the record as it was then: an edit
        // since is applied now, as any edit.
        const copy = s.ours ? destination?.find((d) => d.id === s.destinationId) : undefined;
        if (copy && changedFields(record, copy).length > 0) {
          const entry = { sourceId: record.id, sourceUpdatedAt: record.updatedAt, destinationId: copy.id, written: true };
          decide({ record, entry: { ...entry, startTime: copy.startTime, endTime: copy.endTime } });
        } else book.skip(record, s.reason, { destinationId: s.destinationId, ours: s.ours, copy });
      }
      pushes.push(...plan.writes.map((p): Push => ({ record: byId.get(p.sourceId) as ActivityMetadata, ...p, why: "new" })));
      for (const d of deletes) {
        const copies = copiesToDelete(d.entry, destination ?? [], new Set([...oursThere, ...marks.standIns]));
        if (copies.length === 0) book.forget(d.sourceId, d.entry);
        else if (!caps.canDelete || !canChange) book.keepDeleted(d.sourceId, d.entry);
        else
          for (const destinationId of copies)
            changes.push({ change: { kind: "delete", destinationId }, sourceId: d.sourceId, entry: { ...d.entry, destinationId } });
      }

      // Steps 8-9: hydrate only what is written (once per job, whatever the number of pairs), push with deterministic external ids.
      const missing = pushes.map((p) => p.record).filter((r) => !w.payloads.has(r.id));
      if (missing.length > 0)
        for (const p of await this.#withAuth(source, (c) => sourceApi.fetchPayloads(c, missing))) w.payloads.set(p.id, p);
      const records: PushRecord[] = pushes.map((p) => ({
        // A private record stays private; one whose privacy the source did not report counts as private.
        payload: { ...(w.payloads.get(p.record.id) as ActivityPayload), private: isPrivate(p.record) },
        externalId: externalIdFor(source.provider, p.record.id),
        replacesId: p.replacesId,
        onConflict: p.onConflict,
      }));
      // Marked before the push: a replacement (delete, then upload), and any push where the destination
      // drops external ids — a crash before the ledger write then finds SyncWell's copy, not the user's.
      const intents = book.intents(pushes, !caps.keepsExternalIds);
      if (intents.length > 0) await this.deps.store.markWritten(w.config.syncConfigId, intents, this.options.ledgerTtlSeconds);
      const results = records.length === 0 ? [] : await this.#withAuth(dest, (c) => destApi.pushData(c, records));
      book.pushed(pushes, results);
      const changed =
        changes.length === 0 || !destApi.applyChanges
          ? []
          : await this.#withAuth(dest, (c) =>
              (destApi.applyChanges as NonNullable<DataProvider["applyChanges"]>)(
                c,
                changes.map((c) => c.change),
              ),
            );
      book.changed(changes, changed);
      const written = results.filter((r) => r.status === "written").length;
      if (written > 0) this.deps.metrics.recordsWritten.inc({ destination: dest.provider, data_type: w.config.dataType }, written);

      // Step 12 (before failing: a conflict at push time is exactly what must reset the counter).
      if (caps.reportsConflicts && fresh.length > 0) {
        const pushConflict = results.some((r) => r.status === "conflict");
        const update = confidenceUpdate({ fetched: destination !== undefined, destinationEmpty: destination?.length === 0, pushConflict });
        if (update === "reset") await this.deps.confidence.reset(w.job.userId, dest.provider);
        if (update === "increment") await this.deps.confidence.increment(w.job.userId, dest.provider);
      }
      // Step 10: any record not written fails the job, with the category of what stopped it.
      judge(dest.provider, records.length + changes.length, [...results, ...changed]);
      return written + changed.filter((c) => c.status === "done").length;
    } catch (error) {
      book.failRest(candidates, classify(error).category, error instanceof PartnerError);
      throw error;
    }
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
