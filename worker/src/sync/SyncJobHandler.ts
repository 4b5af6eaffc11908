import {
  type ActivityMetadata,
  type ConnectionRecord,
  externalIdFor,
  type JobMessage,
  type Logger,
  type MetadataStore,
  type PartnerAdapters,
  PartnerError,
  type ProviderCredentials,
  type PushRecord,
  type TokenManager,
  writtenBySyncWell,
} from "@syncwell/core";
import type { ConfidenceCache } from "../confidence/ConfidenceCache.ts";
import type { WorkerMetrics } from "../metrics.ts";
import { confidenceUpdate, destinationFetchDecision } from "./confidence.ts";
import { resolveConflicts } from "./conflicts.ts";
import type { JobOutcome } from "./outcome.ts";

type Store = Pick<MetadataStore, "getConfig" | "getConnection" | "advanceWatermark" | "getLedger" | "markWritten">;

export interface SyncJobOptions {
  syncConfidenceThreshold: number;
  conflictOverlapSeconds: number;
  ledgerTtlSeconds: number;
}

/** A failure that is not a partner's: the destination rejected some records. */
export class PushIncompleteError extends Error {
  override name = "PushIncompleteError";
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * The worker's algorithm (SPEC §4): read the config, list the source's metadata, decide on
 * metadata, hydrate only what is written, push with deterministic external ids, and move the
 * watermark only after full success. Partner failures propagate as {@link PartnerError}s.
 */
export class SyncJobHandler {
  constructor(
    private readonly deps: {
      store: Store;
      adapters: PartnerAdapters;
      tokens: TokenManager;
      confidence: ConfidenceCache;
      metrics: WorkerMetrics;
      logger: Logger;
      now?: () => number;
    },
    private readonly options: SyncJobOptions,
  ) {}

  async run(job: JobMessage): Promise<JobOutcome> {
    const { store, adapters, metrics } = this.deps;
    const startedAt = new Date(this.deps.now?.() ?? Date.now()).toISOString();
    const config = await store.getConfig(job.userId, job.syncConfigId); // step 2
    if (!config) return { kind: "cancelled", reason: "the sync config no longer exists" };
    if (!config.enabled) return { kind: "cancelled", reason: "the sync config is disabled" };
    const [sourceConn, destConn] = await Promise.all([
      store.getConnection(job.userId, config.sourceConnectionId),
      store.getConnection(job.userId, config.destinationConnectionId),
    ]);
    for (const conn of [sourceConn, destConn]) {
      if (!conn) return { kind: "cancelled", reason: "a connection of the sync config no longer exists" };
      if (conn.status !== "active") return { kind: "cancelled", reason: `the ${conn.provider} connection is ${conn.status}` };
    }
    const source = sourceConn as ConnectionRecord;
    const dest = destConn as ConnectionRecord;
    const sourceApi = adapters.dataProvider(source.provider);
    const destApi = adapters.dataProvider(dest.provider);

    // Step 3: metadata only, all pages. Records SyncWell wrote itself are never synced back.
    const listing = await this.#withAuth(source, (c) => sourceApi.fetchMetadata(c, config.lastSyncTime));
    const listed = listing.records.filter((r) => !writtenBySyncWell(r));
    const ledger = await store.getLedger(
      config.syncConfigId,
      listed.map((r) => r.id),
    );
    const candidates = listed.filter((r) => {
      const entry = ledger.get(r.id);
      return !entry || Date.parse(entry.sourceUpdatedAt) < Date.parse(r.updatedAt);
    });

    // Step 4: nothing new costs exactly the listing.
    if (candidates.length === 0) {
      await store.advanceWatermark(job.userId, config.syncConfigId, startedAt);
      await listing.commit?.();
      return { kind: "succeeded", recordsWritten: 0 };
    }

    // Steps 5-6: fetch the destination only when the decision needs it.
    const strategy = config.conflictResolutionStrategy;
    const confidence = strategy === "source_wins" ? undefined : await this.deps.confidence.get(job.userId, dest.provider);
    const decision = destinationFetchDecision(strategy, confidence, this.options.syncConfidenceThreshold);
    let destination: ActivityMetadata[] | undefined;
    if (decision.fetch) {
      const pad = this.options.conflictOverlapSeconds * 1000;
      const from = new Date(Math.min(...candidates.map((r) => Date.parse(r.startTime))) - pad).toISOString();
      const to = new Date(Math.max(...candidates.map((r) => Date.parse(r.endTime))) + pad).toISOString();
      destination = await this.#withAuth(dest, (c) => destApi.fetchOverlapping(c, { from, to }));
    } else {
      metrics.destinationFetchesSkipped.inc({ reason: decision.reason });
    }

    // Step 7: decide on metadata.
    const plan = resolveConflicts({
      sourceProvider: source.provider,
      source: candidates,
      destination,
      strategy,
      overlapSeconds: this.options.conflictOverlapSeconds,
    });
    const byId = new Map(candidates.map((r) => [r.id, r]));
    const decided = plan.skipped.map((s) => ({
      sourceId: s.sourceId,
      sourceUpdatedAt: byId.get(s.sourceId)?.updatedAt ?? startedAt,
      destinationId: s.destinationId,
    }));

    // Steps 8-9: hydrate only what is written, push with deterministic external ids.
    const toWrite = plan.writes.map((w) => byId.get(w.sourceId) as ActivityMetadata);
    const payloads = toWrite.length === 0 ? [] : await this.#withAuth(source, (c) => sourceApi.fetchPayloads(c, toWrite));
    const planById = new Map(plan.writes.map((w) => [w.sourceId, w]));
    const records: PushRecord[] = payloads.map((payload) => ({
      payload,
      externalId: externalIdFor(source.provider, payload.id),
      replacesId: planById.get(payload.id)?.replacesId,
      onConflict: planById.get(payload.id)?.onConflict ?? "report",
    }));
    const results = records.length === 0 ? [] : await this.#withAuth(dest, (c) => destApi.pushData(c, records));

    // Remember what is done before judging the rest, so a retry neither re-reads nor re-pushes it.
    const done = results.filter((r) => r.status === "written" || r.status === "duplicate");
    const sourceIdOf = (externalId: string) => records.find((r) => r.externalId === externalId)?.payload.id ?? externalId;
    await store.markWritten(
      config.syncConfigId,
      [
        ...decided,
        ...done.map((r) => {
          const sourceId = sourceIdOf(r.externalId);
          return {
            sourceId,
            sourceUpdatedAt: byId.get(sourceId)?.updatedAt ?? startedAt,
            destinationId: "destinationId" in r ? r.destinationId : undefined,
          };
        }),
      ],
      this.options.ledgerTtlSeconds,
    );
    const written = results.filter((r) => r.status === "written").length;
    if (written > 0) metrics.recordsWritten.inc({ destination: dest.provider }, written);

    // Step 12 (before failing: a conflict at push time is exactly what must reset the counter).
    const pushConflict = results.some((r) => r.status === "conflict");
    const update = confidenceUpdate({ fetched: destination !== undefined, destinationEmpty: destination?.length === 0, pushConflict });
    if (update === "reset") await this.deps.confidence.reset(job.userId, dest.provider);
    if (update === "increment") await this.deps.confidence.increment(job.userId, dest.provider);

    // Step 10: any record not written fails the whole job.
    const failed = results.filter((r) => r.status === "failed" || r.status === "conflict");
    if (failed.length > 0 || results.length < records.length) {
      const retryable = failed.every((r) => r.status === "conflict" || (r.status === "failed" && r.retryable));
      const first = failed[0];
      throw new PushIncompleteError(
        `${failed.length} of ${records.length} records not written to ${dest.provider}${first && "message" in first ? `: ${first.message}` : ""}`,
        retryable,
      );
    }

    // Step 11: only on full success; never backwards, never twice from the same value.
    await store.advanceWatermark(job.userId, config.syncConfigId, startedAt);
    await listing.commit?.();
    return { kind: "succeeded", recordsWritten: written };
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
