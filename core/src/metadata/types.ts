import type { JobStatus } from "../contracts/domain.ts";
import type { Connection, SyncConfig, Trigger } from "../contracts/index.ts";

/** A connection with its OAuth tokens (plaintext in memory, encrypted in the table). */
export interface ConnectionRecord extends Connection {
  accessToken: string;
  refreshToken: string;
  /** ISO time the access token expires. */
  tokenExpiresAt: string;
  /** Incremented by every token refresh: the compare-and-set guard of single-flight refresh. */
  tokenVersion: number;
}

export type ErrorCategory = "transient" | "rate_limited" | "auth" | "permanent" | "invalid_message" | "unknown";

/** The status item of one job, readable through `GET /v1/sync-jobs/{jobId}`. */
export interface JobRecord {
  jobId: string;
  userId: string;
  syncConfigId: string;
  trigger: Trigger;
  status: JobStatus;
  /** Failed attempts so far (rate-limit waits do not count). */
  attempts: number;
  /** Times the job waited out a partner's rate limit (each one a receive that is not a failure). */
  rateLimitWaits?: number;
  recordsWritten?: number;
  errorCategory?: ErrorCategory;
  errorMessage?: string;
  /** When the first attempt failed (the playbook's 24 h contact deadline counts from it). */
  firstFailedAt?: string;
  createdAt: string;
  updatedAt: string;
  /** The request the job answers (its message's `requestedAt`): tells a replay of a mobile sync from a redelivery. */
  requestedAt?: string;
}

/** An idempotency record: one per (user, Idempotency-Key), kept 24 h. */
export interface IdempotencyRecord {
  jobId: string;
  fingerprint: string;
}

/** What the ledger remembers of a source record SyncWell wrote. */
export interface LedgerEntry {
  sourceId: string;
  sourceUpdatedAt: string;
  destinationId?: string | undefined;
  /** True when SyncWell wrote the record at the destination (false or absent: decided, e.g. kept the destination's). */
  written?: boolean | undefined;
  /** The times the destination's copy was written with, so an edit that moves them still finds it. */
  startTime?: string | undefined;
  endTime?: string | undefined;
  /** When SyncWell last wrote or changed the copy (an edit under dest_wins keeps a copy the user changed since). */
  writtenAt?: string | undefined;
  /**
   * A digest of the source record's name, type, privacy and times as last handled: how an edit is
   * seen at partners whose modification time does not move (Strava, Garmin and Oura report the end).
   */
  fingerprint?: string | undefined;
  /**
   * An edit is replacing the copy (delete, then upload): saved before the push, so a failure or crash
   * in between finds the copy gone for this reason, not because the user deleted it.
   */
  replacing?: boolean | undefined;
  /**
   * A push of this record was about to start (saved first where the destination drops external ids):
   * a retry that finds the same activity there knows it may be SyncWell's own copy.
   */
  pushing?: boolean | undefined;
  /**
   * The times the `pushing` push carried: a record deleted at its source before that job's ledger
   * write finds the copy the push may have left by them (the destination kept no external id).
   */
  pushedStart?: string | undefined;
  pushedEnd?: string | undefined;
  /** The source record was deleted and the copy deleted (or kept, where the destination cannot delete). */
  deleted?: boolean | undefined;
}

export type { SyncConfig };

/** The poll schedule of one config whose source has no webhooks. */
export interface PollSchedule {
  syncConfigId: string;
  userId: string;
  sourceConnectionId: string;
  provider: string;
  /** The adaptive base interval. */
  intervalSeconds: number;
  /** The slot: when the next poll is due (ISO). */
  nextPollAt: string;
  /** How often new data was found per UTC hour. */
  activityHours: number[];
  lastPolledAt?: string;
  lastResult?: "new_data" | "no_data" | "error";
}
