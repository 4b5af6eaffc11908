import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { isExpired, keys } from "../aws/tableDesign.ts";
import type { SyncLogEntry } from "../contracts/domain.ts";
import { TableItems } from "./TableItems.ts";

/** How long the sync log keeps a decision (SPEC §15). */
export const SYNC_LOG_TTL_SECONDS = 90 * 86400;

/** One job's decisions about one config's records: the unit the log is written in (one item per job). */
export interface SyncLogBatch {
  jobId: string;
  /** When the job decided (ISO); every entry carries it. */
  at: string;
  entries: ReadonlyArray<Omit<SyncLogEntry, "jobId" | "at">>;
}

/** Where a page of the log ends: the item's sort key and how many of its entries were already served. */
export interface SyncLogPosition {
  sk: string;
  served: number;
}

/** A page of the sync log, newest first, and where the next one starts. */
export interface SyncLogPage {
  items: SyncLogEntry[];
  next?: SyncLogPosition | undefined;
}

/** The item a job's decisions are stored as (written in the ledger's batch, so usually at no extra call). */
export function syncLogItem(syncConfigId: string, batch: SyncLogBatch, nowMs: number): Record<string, unknown> {
  return {
    pk: keys.syncLog(syncConfigId),
    // Newest first by time; the job id keeps two jobs of one millisecond apart.
    sk: `${batch.at}#${batch.jobId}`,
    type: "synclog",
    jobId: batch.jobId,
    at: batch.at,
    // Newest first inside the item too: a job's last decision is its newest.
    entries: [...batch.entries].reverse().map((e) => ({
      s: e.sourceId,
      o: e.outcome,
      r: e.reason,
      ...(e.destinationId ? { d: e.destinationId } : {}),
    })),
    expiresAt: Math.floor(nowMs / 1000) + SYNC_LOG_TTL_SECONDS,
  };
}

/** The sync log of every config (`SYNCLOG#config`, one item per job, 90-day TTL), read newest first. */
export class SyncLogItems extends TableItems {
  /** Up to `limit` entries from `from` (the start when absent), newest first. */
  async listSyncLog(syncConfigId: string, limit: number, from?: SyncLogPosition): Promise<SyncLogPage> {
    const items: SyncLogEntry[] = [];
    const skip = from?.served ?? 0;
    let exclusiveStartKey: Record<string, unknown> | undefined;
    for (;;) {
      const page = await this.deps.db.send(
        new QueryCommand({
          TableName: this.options.table,
          KeyConditionExpression: from ? "pk = :pk AND sk <= :sk" : "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.syncLog(syncConfigId), ...(from ? { ":sk": from.sk } : {}) },
          ScanIndexForward: false,
          // An item holds at least one entry: this many items always fill a page.
          Limit: limit + 1,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (isExpired(item, this.now())) continue;
        const entries = (item.entries as { s: string; o: SyncLogEntry["outcome"]; r: SyncLogEntry["reason"]; d?: string }[]) ?? [];
        // The position's own item may have expired since: then the next older item starts at its first entry.
        for (let i = String(item.sk) === from?.sk ? skip : 0; i < entries.length; i++) {
          if (items.length === limit) return { items, next: { sk: String(item.sk), served: i } };
          const e = entries[i] as (typeof entries)[number];
          items.push({
            sourceId: e.s,
            ...(e.d ? { destinationId: e.d } : {}),
            outcome: e.o,
            reason: e.r,
            jobId: String(item.jobId),
            at: String(item.at),
          });
        }
      }
      exclusiveStartKey = page.LastEvaluatedKey;
      if (!exclusiveStartKey) return { items };
    }
  }
}
