import type { ConnectionRecord, JobRecord, LedgerEntry, SyncConfig } from "../metadata/types.ts";

/** Whether a watermark update moved it. */
export type WatermarkResult = "advanced" | "already_past";

/**
 * The worker's port to its state in DynamoDB: the calls the hot path makes, nothing else.
 * {@link MetadataStore} is the adapter, {@link InMemorySyncStateStore} the fake; one contract
 * suite holds both (and runs on dynalite and on Amazon's DynamoDB Local).
 */
export interface SyncStateStore {
  getConfig(userId: string, syncConfigId: string): Promise<SyncConfig | undefined>;
  /** Every config reading from a source connection (fan-out). */
  findConfigsBySource(connectionId: string): Promise<SyncConfig[]>;
  getConnection(userId: string, connectionId: string): Promise<ConnectionRecord | undefined>;
  /** Moves lastSyncTime forward only: never backwards, and of two racing jobs only one moves it. */
  advanceWatermark(userId: string, syncConfigId: string, to: string): Promise<WatermarkResult>;
  /** Which of these source records the config already handled (and at which source version). */
  getLedger(syncConfigId: string, sourceIds: readonly string[]): Promise<Map<string, LedgerEntry>>;
  /** Saves handled records; those `written` at `destinationConnectionId` are remembered there too (no echo). */
  markWritten(syncConfigId: string, entries: readonly LedgerEntry[], ttlSeconds: number, destinationConnectionId?: string): Promise<void>;
  /** Which of these records at a connection SyncWell itself wrote there. */
  writtenBySyncWellAt(connectionId: string, recordIds: readonly string[]): Promise<Set<string>>;
  getJob(jobId: string): Promise<JobRecord | undefined>;
  putJob(job: JobRecord, ttlSeconds: number): Promise<void>;
  /** Sets fields of an existing job and answers it (undefined: no such job); `increment` adds one to a counter. */
  updateJob(
    jobId: string,
    patch: Partial<Omit<JobRecord, "jobId" | "attempts" | "rateLimitWaits">>,
    increment?: "attempts" | "rateLimitWaits",
  ): Promise<JobRecord | undefined>;
}
