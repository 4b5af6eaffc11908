import { z } from "zod";
import { ActivityTypeSchema } from "./activity.ts";
import { DataTypeSchema } from "./healthData.ts";
import { ProviderSchema } from "./providers.ts";

export const CONNECTION_STATUSES = ["active", "reauth_required", "revoked"] as const;
export const ConnectionStatusSchema = z.enum(CONNECTION_STATUSES);

/** A user's authorised account at a provider. Tokens are stored encrypted (see the gateway). */
export const ConnectionSchema = z.object({
  connectionId: z.string().min(1),
  userId: z.string().min(1),
  provider: ProviderSchema,
  providerUserId: z.string().min(1),
  status: ConnectionStatusSchema,
  createdAt: z.iso.datetime(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

export const CONFLICT_STRATEGIES = ["source_wins", "dest_wins", "newest_wins"] as const;
export const ConflictStrategySchema = z.enum(CONFLICT_STRATEGIES);
export type ConflictStrategy = z.infer<typeof ConflictStrategySchema>;

/** Which source records a config syncs, decided on metadata before any payload is read (SPEC §15). */
export const SyncFiltersSchema = z
  .object({
    activityTypes: z.array(ActivityTypeSchema).min(1).max(7).optional(),
    /** Case-insensitive substrings of the name that exclude a record. */
    excludeNameContains: z.array(z.string().min(1).max(100)).min(1).max(20).optional(),
    minDurationSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .optional(),
  })
  .strict();
export type SyncFilters = z.infer<typeof SyncFiltersSchema>;

/** One sync pair: source connection → destination connection for one data type. */
export const SyncConfigSchema = z.object({
  syncConfigId: z.string().min(1),
  userId: z.string().min(1),
  sourceConnectionId: z.string().min(1),
  destinationConnectionId: z.string().min(1),
  dataType: DataTypeSchema,
  conflictResolutionStrategy: ConflictStrategySchema,
  enabled: z.boolean(),
  /** Whether private source records are synced (they stay private at the destination). Absent: false. */
  syncPrivate: z.boolean().optional(),
  filters: SyncFiltersSchema.optional(),
  /** Source-side watermark (modification/upload time); absent before the first sync. */
  lastSyncTime: z.iso.datetime().optional(),
  /** Optimistic-locking version, incremented by every write. */
  version: z.number().int().min(0),
});
export type SyncConfig = z.infer<typeof SyncConfigSchema>;

export const JOB_STATUSES = ["queued", "in_progress", "retrying", "succeeded", "dead_lettered", "cancelled"] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** What the worker decided about one source record (SPEC §15's sync log). */
export const SYNC_OUTCOMES = ["written", "updated", "deleted", "skipped", "failed"] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];

/**
 * The stable reason codes of the sync log. `failed` entries carry the error category
 * (`transient`, `rate_limited`, `auth`, `permanent`, `unknown`). Two codes beyond SPEC §15's list:
 * `destination_cannot_update` (an edit the destination can neither update nor replace) and
 * `deleted_at_destination` (the user deleted the copy there: never uploaded again).
 */
export const SYNC_REASONS = [
  "new",
  "changed_at_source",
  "deleted_at_source",
  "conflict_kept_destination",
  "older_than_destination",
  "already_at_destination",
  "filtered",
  "private",
  "destination_cannot_delete",
  "destination_cannot_update",
  "deleted_at_destination",
  "transient",
  "rate_limited",
  "auth",
  "permanent",
  "unknown",
] as const;
export type SyncReason = (typeof SYNC_REASONS)[number];

/** One line of the sync log: ids, outcome, reason and time only (no names, no samples). */
export interface SyncLogEntry {
  sourceId: string;
  destinationId?: string | undefined;
  outcome: SyncOutcome;
  reason: SyncReason;
  jobId: string;
  at: string;
}
