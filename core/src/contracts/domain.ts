import { z } from "zod";
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

export const DATA_TYPES = ["workouts"] as const;
export const DataTypeSchema = z.enum(DATA_TYPES);

export const CONFLICT_STRATEGIES = ["source_wins", "dest_wins", "newest_wins"] as const;
export const ConflictStrategySchema = z.enum(CONFLICT_STRATEGIES);
export type ConflictStrategy = z.infer<typeof ConflictStrategySchema>;

/** One sync pair: source connection → destination connection for one data type. */
export const SyncConfigSchema = z.object({
  syncConfigId: z.string().min(1),
  userId: z.string().min(1),
  sourceConnectionId: z.string().min(1),
  destinationConnectionId: z.string().min(1),
  dataType: DataTypeSchema,
  conflictResolutionStrategy: ConflictStrategySchema,
  enabled: z.boolean(),
  /** Source-side watermark (modification/upload time); absent before the first sync. */
  lastSyncTime: z.iso.datetime().optional(),
  /** Optimistic-locking version, incremented by every write. */
  version: z.number().int().min(0),
});
export type SyncConfig = z.infer<typeof SyncConfigSchema>;

export const JOB_STATUSES = ["queued", "in_progress", "retrying", "succeeded", "dead_lettered", "cancelled"] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;
