/**
 * Single-table design of `SyncWellMetadata`. Every item has `pk`/`sk`; two global indexes
 * serve the access patterns that are not by user. Items with a lifetime carry `expiresAt`
 * (epoch seconds, the table's TTL attribute); readers treat an expired item as absent,
 * because DynamoDB deletes lazily (and dynalite never does).
 *
 * | item            | pk                         | sk                    | gsi1pk / gsi1sk                               | gsi2pk / gsi2sk            |
 * |-----------------|----------------------------|-----------------------|-----------------------------------------------|----------------------------|
 * | connection      | USER#{userId}              | CONN#{connectionId}   | OWNER#{provider}#{providerUserId} / CONN#{id} |                            |
 * | sync config     | USER#{userId}              | CONFIG#{syncConfigId} | SRCCONN#{sourceConnectionId} / CONFIG#{id}    |                            |
 * | job status      | JOB#{jobId}                | JOB                   |                                               |                            |
 * | idempotency     | IDEMP#{userId}#{keyHash}   | IDEMP                 |                                               |                            |
 * | poll schedule   | POLL#{syncConfigId}        | SCHEDULE              |                                               | POLL#{shard} / {nextPollAt}|
 * | ledger entry    | LEDGER#{syncConfigId}      | {sourceRecordId}      |                                               |                            |
 * | our write       | WROTE#{connectionId}       | {partnerRecordId}     |                                               |                            |
 * | sync log        | SYNCLOG#{syncConfigId}     | {at}#{jobId}          |                                               |                            |
 *
 * The ledger remembers which source records a config already wrote (with TTL = the adapters'
 * lookback), so a re-listed record costs neither a payload fetch nor a push. A poll schedule's
 * `nextPollAt` is its slot; a poller leases the slot (`leaseOwner`, `leaseUntil`) with a
 * conditional write before polling, so two pollers never poll one config in the same slot.
 */
export const keys = {
  user: (userId: string) => `USER#${userId}`,
  connection: (connectionId: string) => `CONN#${connectionId}`,
  config: (syncConfigId: string) => `CONFIG#${syncConfigId}`,
  owner: (provider: string, providerUserId: string) => `OWNER#${provider}#${providerUserId}`,
  sourceConnection: (connectionId: string) => `SRCCONN#${connectionId}`,
  job: (jobId: string) => `JOB#${jobId}`,
  idempotency: (userId: string, keyHash: string) => `IDEMP#${userId}#${keyHash}`,
  pollShard: (shard: number) => `POLL#${shard}`,
  poll: (syncConfigId: string) => `POLL#${syncConfigId}`,
  ledger: (syncConfigId: string) => `LEDGER#${syncConfigId}`,
  /** A record SyncWell wrote at a connection: recognised there even where the partner drops external ids (no echo). */
  wrote: (connectionId: string) => `WROTE#${connectionId}`,
  /** One job's decisions about a config's records (SPEC §15), 90 days. */
  syncLog: (syncConfigId: string) => `SYNCLOG#${syncConfigId}`,
} as const;

export const GSI1 = "gsi1";
export const GSI2 = "gsi2";
export const TTL_ATTRIBUTE = "expiresAt";

/** True when an item with a TTL has passed it: treat it as absent. */
export function isExpired(item: { expiresAt?: unknown } | undefined, nowMs: number): boolean {
  return typeof item?.expiresAt === "number" && item.expiresAt * 1000 <= nowMs;
}
