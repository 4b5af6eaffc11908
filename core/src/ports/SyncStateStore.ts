import type { JobMessage } from "../contracts/jobMessage.ts";
import type { JobClaim, JobPatch } from "../metadata/JobItems.ts";
import type { SyncLogBatch } from "../metadata/SyncLogItems.ts";
import type { ConnectionRecord, JobRecord, LedgerEntry, SyncConfig } from "../metadata/types.ts";

export type { JobClaim, JobPatch, SyncLogBatch };

/** A user's configs and connections, read together. */
export interface UserState {
  configs: SyncConfig[];
  connections: ConnectionRecord[];
}

/** What the store remembers of listed source records. */
/** What SyncWell knows of records at a destination. */
export interface DestinationMarks {
  /** Records SyncWell wrote there: copies of source records, never a conflict, never synced back. */
  written: Set<string>;
  /**
   * The user's own records that stand for a source record already (the identical record was there):
   * a conflict never replaces one, whichever job meets it.
   */
  standIns: Set<string>;
}

export interface Recall {
  /** Records the config already handled, with the source version it handled. */
  ledger: Map<string, LedgerEntry>;
  /** Records SyncWell itself wrote at the source connection (never synced back). */
  ours: Set<string>;
}

/** Whether a watermark update moved it. */
export type WatermarkResult = "advanced" | "already_past";

/**
 * The worker's port to its state in DynamoDB: the calls the hot path makes, nothing else.
 * {@link MetadataStore} is the adapter, {@link InMemorySyncStateStore} the fake; one contract
 * suite holds both (and runs on dynalite and on Amazon's DynamoDB Local).
 */
export interface SyncStateStore {
  /** A user's configs and connections in one read. */
  loadUser(userId: string): Promise<UserState>;
  /**
   * Moves lastSyncTime forward only: never backwards, and of two racing jobs only one moves it.
   * `seen`, the config as the caller read it, saves the read before the conditional write.
   */
  advanceWatermark(userId: string, syncConfigId: string, to: string, seen?: SyncConfig): Promise<WatermarkResult>;
  /** The ledger and the records SyncWell wrote at the source, for listed source records, in one batch. */
  recall(syncConfigId: string, sourceConnectionId: string, sourceIds: readonly string[]): Promise<Recall>;
  /** What SyncWell knows of these records at a connection, in one read (where a destination was listed). */
  marksAt(connectionId: string, recordIds: readonly string[]): Promise<DestinationMarks>;
  /**
   * Saves handled records; those `written` at `destinationConnectionId` are remembered there too (no
   * echo); `log`, the job's decisions, joins the sync log in the same write where the store allows.
   */
  markWritten(
    syncConfigId: string,
    entries: readonly LedgerEntry[],
    ttlSeconds: number,
    destinationConnectionId?: string,
    log?: SyncLogBatch,
  ): Promise<void>;
  /** Claims a manual job for its run (`in_progress`) in one write, or says it is a replay of its key within `replayWindowMs`. */
  claimJob(job: JobMessage, ttlSeconds: number, replayWindowMs: number): Promise<JobClaim>;
  /** Sets a job's status in one write, creating the item where missing; `increment` adds one to a counter. */
  recordJob(job: JobMessage, patch: JobPatch, ttlSeconds: number, increment?: "attempts" | "rateLimitWaits"): Promise<JobRecord>;
  getJob(jobId: string): Promise<JobRecord | undefined>;
}
