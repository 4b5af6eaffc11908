import {
  type ConflictStrategy,
  type ConnectionRecord,
  createLogger,
  createMetricsRegistry,
  type DestinationCapabilities,
  type InMemoryPartner,
  InMemorySyncStateStore,
  type JobMessage,
  type Provider,
  type SyncConfig,
} from "@syncwell/core";
import type { ConfidenceCache } from "../confidence/ConfidenceCache.ts";
import { createWorkerMetrics } from "../metrics.ts";
import { SyncJobHandler, type SyncJobOptions } from "./SyncJobHandler.ts";

type Tokens = ConstructorParameters<typeof SyncJobHandler>[0]["tokens"];

/** Capabilities of the real partners as destinations (SPEC §14). */
export const GARMIN: DestinationCapabilities = {
  reportsConflicts: false,
  canDelete: true,
  updatable: ["name", "type", "private"],
  reportsModificationTime: false,
};
export const STRAVA: DestinationCapabilities = {
  reportsConflicts: false,
  canDelete: false,
  updatable: ["name", "type"],
  reportsModificationTime: false,
  keepsExternalIds: true,
};
/** A source only that reports upload times (Polar). */
export const SOURCE: DestinationCapabilities = { reportsConflicts: false, canDelete: false, updatable: [], reportsModificationTime: true };

/** An in-memory confidence cache (what Redis holds). */
export class MemoryConfidence implements ConfidenceCache {
  readonly values = new Map<string, number>();
  async get(userId: string, provider: string) {
    return this.values.get(`${userId}:${provider}`);
  }
  async increment(userId: string, provider: string) {
    this.values.set(`${userId}:${provider}`, (this.values.get(`${userId}:${provider}`) ?? 0) + 1);
  }
  async reset(userId: string, provider: string) {
    this.values.set(`${userId}:${provider}`, 0);
  }
}

/** A user, their partners (fakes), their configs and the real handler over in-memory ports: the hot path in milliseconds. */
export class HotPath {
  readonly store: InMemorySyncStateStore;
  readonly partners = new Map<Provider, InMemoryPartner>();
  readonly confidence: ConfidenceCache;
  handler: SyncJobHandler;
  clock = Date.parse("2026-11-20T12:00:00Z");
  #jobs = 0;
  readonly userId = "u1";

  readonly #options: SyncJobOptions;

  constructor(options: Partial<SyncJobOptions> = {}, confidence: ConfidenceCache = new MemoryConfidence()) {
    this.confidence = confidence;
    this.store = new InMemorySyncStateStore({ now: () => this.clock });
    this.#options = { syncConfidenceThreshold: 10, conflictOverlapSeconds: 60, ledgerTtlSeconds: 86400, ...options };
    this.handler = this.withTokens({});
  }

  /** A handler whose token manager does what `tokens` says (by default: the stored token, and a refresh that returns it). */
  withTokens(tokens: Partial<Tokens>): SyncJobHandler {
    return new SyncJobHandler(
      {
        store: this.store,
        adapters: { dataProvider: (p) => this.partner(p) },
        tokens: {
          credentials: async (c: ConnectionRecord) => ({ accessToken: c.accessToken, providerUserId: c.providerUserId }),
          refreshed: async (c: ConnectionRecord) => ({ accessToken: c.accessToken, providerUserId: c.providerUserId }),
          ...tokens,
        },
        confidence: this.confidence,
        metrics: createWorkerMetrics(createMetricsRegistry("worker-test")),
        logger: createLogger("worker-test", "silent"),
        now: () => this.clock,
      },
      this.#options,
    );
  }

  partner(provider: Provider): InMemoryPartner {
    const found = this.partners.get(provider);
    if (!found) throw new Error(`no fake for ${provider}`);
    return found;
  }

  /** Adds a partner (and the user's connection to it). */
  connect(partner: InMemoryPartner): InMemoryPartner {
    this.partners.set(partner.provider, partner);
    this.store.putConnection({
      connectionId: `conn-${partner.provider}`,
      userId: this.userId,
      provider: partner.provider,
      providerUserId: `pu-${partner.provider}`,
      status: "active",
      accessToken: "token",
      refreshToken: "refresh",
      tokenExpiresAt: "2099-01-01T00:00:00Z",
      tokenVersion: 1,
      createdAt: "2026-01-01T00:00:00Z",
    } as ConnectionRecord);
    return partner;
  }

  config(source: Provider, destination: Provider, strategy: ConflictStrategy = "source_wins", extra: Partial<SyncConfig> = {}): SyncConfig {
    const config = {
      syncConfigId: `cfg-${source}-${destination}`,
      userId: this.userId,
      sourceConnectionId: `conn-${source}`,
      destinationConnectionId: `conn-${destination}`,
      dataType: "workouts",
      conflictResolutionStrategy: strategy,
      enabled: true,
      version: 1,
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
      ...extra,
    } as SyncConfig;
    this.store.putConfig(config);
    return config;
  }

  job(config: SyncConfig, extra: Partial<JobMessage> = {}): JobMessage {
    return {
      jobId: `job-${++this.#jobs}`,
      userId: this.userId,
      syncConfigId: config.syncConfigId,
      trigger: "manual",
      requestedAt: new Date(this.clock).toISOString(),
      ...extra,
    };
  }

  /** Runs a job of the config now. */
  run(config: SyncConfig, extra: Partial<JobMessage> = {}) {
    return this.handler.run(this.job(config, extra));
  }

  /** A workout `minutes` long starting `startMinutes` after the test's start. */
  workout(startMinutes: number, minutes: number, name = "run") {
    return { startTime: this.at(startMinutes), endTime: this.at(startMinutes + minutes), type: "run" as const, name };
  }

  /** Minutes after the test's start, as ISO. */
  at(minutes: number): string {
    return new Date(Date.parse("2026-11-20T06:00:00Z") + minutes * 60_000).toISOString();
  }
}
