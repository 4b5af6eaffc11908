import { BatchGetCommand, BatchWriteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { isExpired, keys } from "../aws/tableDesign.ts";
import type { DestinationMarks, Recall } from "../ports/SyncStateStore.ts";
import { type SyncLogBatch, syncLogItem } from "./SyncLogItems.ts";
import { TableItems } from "./TableItems.ts";
import type { LedgerEntry } from "./types.ts";

/** The key of a destination record that is the user's own and stands for a source record (its identical twin). */
const STAND_IN_PREFIX = "STANDIN#";
const standInKey = (destinationId: string) => `${STAND_IN_PREFIX}${destinationId}`;

/** The ledger of source records a config already wrote (`LEDGER#config`, with a TTL). */
export class LedgerItems extends TableItems {
  /** Which of these source records were already written for the config (and at which source version). */
  async getLedger(syncConfigId: string, sourceIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    return this.#batchGet(keys.ledger(syncConfigId), sourceIds);
  }

  /** One entry, read on its own (a resync's ownership check). */
  async getLedgerEntry(syncConfigId: string, sourceId: string): Promise<LedgerEntry | undefined> {
    const { Item } = await this.deps.db.send(
      new GetCommand({ TableName: this.options.table, Key: { pk: keys.ledger(syncConfigId), sk: sourceId } }),
    );
    return Item && !isExpired(Item, this.now()) ? toEntry(Item) : undefined;
  }

  /**
   * What SyncWell knows of these records at a connection: which it wrote there (never to be synced
   * back) and which stand for a source record already (never replaced). One partition, one read.
   */
  async marksAt(connectionId: string, recordIds: readonly string[]): Promise<DestinationMarks> {
    const pk = keys.wrote(connectionId);
    const ids = [...new Set(recordIds)];
    const found = await this.#batchGetKeys(
      ids.flatMap((id) => [
        { pk, sk: id },
        { pk, sk: standInKey(id) },
      ]),
    );
    const marks: DestinationMarks = { written: new Set(), standIns: new Set() };
    for (const [, sk] of found) {
      if (sk.startsWith(STAND_IN_PREFIX)) marks.standIns.add(sk.slice(STAND_IN_PREFIX.length));
      else marks.written.add(sk);
    }
    for (const id of marks.written) marks.standIns.delete(id);
    return marks;
  }

  /**
   * What a job must know of listed source records in one batch: which the config already handled
   * (its ledger) and which SyncWell itself wrote at the source connection (never synced back).
   */
  async recall(syncConfigId: string, sourceConnectionId: string, sourceIds: readonly string[]): Promise<Recall> {
    const unique = [...new Set(sourceIds)];
    const ledgerPk = keys.ledger(syncConfigId);
    const found = await this.#batchGetKeys([
      ...unique.map((id) => ({ pk: ledgerPk, sk: id })),
      ...unique.map((id) => ({ pk: keys.wrote(sourceConnectionId), sk: id })),
    ]);
    const ledger = new Map<string, LedgerEntry>();
    const ours = new Set<string>();
    for (const [pk, , entry] of found) {
      if (pk === ledgerPk) ledger.set(entry.sourceId, entry);
      else ours.add(entry.sourceId);
    }
    return { ledger, ours };
  }

  async #batchGet(pk: string, sourceIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    return new Map((await this.#batchGetKeys([...new Set(sourceIds)].map((sk) => ({ pk, sk })))).map(([, , e]) => [e.sourceId, e]));
  }

  /** BatchGetItem in chunks of 100 keys; answers each found, unexpired item as [pk, sk, entry keyed by its sk]. */
  async #batchGetKeys(all: { pk: string; sk: string }[]): Promise<[string, string, LedgerEntry][]> {
    const found: [string, string, LedgerEntry][] = [];
    for (let i = 0; i < all.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.options.table]: { Keys: all.slice(i, i + 100) },
      };
      while (request && Object.keys(request).length > 0) {
        const {
          Responses,
          UnprocessedKeys,
        }: {
          Responses?: Record<string, Record<string, unknown>[]>;
          UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
        } = await this.deps.db.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of Responses?.[this.options.table] ?? []) {
          if (isExpired(item, this.now())) continue;
          found.push([String(item.pk), String(item.sk), toEntry(item)]);
        }
        request = UnprocessedKeys as typeof request;
      }
    }
    return found;
  }

  /**
   * Remembers handled source records for the config and, where a record was written at
   * `destinationConnectionId`, the written record there too; the job's sync-log item rides in the
   * same batch (one BatchWriteItem of 25 items at a time).
   */
  async markWritten(
    syncConfigId: string,
    entries: readonly LedgerEntry[],
    ttlSeconds: number,
    destinationConnectionId?: string,
    log?: SyncLogBatch,
  ): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + ttlSeconds;
    // One item per record (BatchWriteItem refuses a key twice): the last word on a record wins.
    const last = [...new Map(entries.map((e) => [e.sourceId, e])).values()];
    const items: Record<string, unknown>[] = last.map((e) => ({
      pk: keys.ledger(syncConfigId),
      sk: e.sourceId,
      type: "ledger",
      ...e,
      expiresAt,
    }));
    if (destinationConnectionId) {
      // SyncWell's copies, and the user's records that stand for a source record (under their own
      // keys: a stand-in never hides a copy), once per batch (identical source records share one).
      const marks = new Map<string, Record<string, unknown>>();
      for (const e of last) {
        if (!e.destinationId || (!e.written && e.deleted)) continue;
        const sk = e.written ? e.destinationId : standInKey(e.destinationId);
        marks.set(sk, {
          pk: keys.wrote(destinationConnectionId),
          sk,
          type: e.written ? "wrote" : "standin",
          sourceId: e.sourceId,
          sourceUpdatedAt: e.sourceUpdatedAt,
          expiresAt,
        });
      }
      items.push(...marks.values());
    }
    if (log && log.entries.length > 0) items.push(syncLogItem(syncConfigId, log, this.now()));
    for (let i = 0; i < items.length; i += 25) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [this.options.table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && Object.keys(request).length > 0) {
        const { UnprocessedItems } = await this.deps.db.send(new BatchWriteCommand({ RequestItems: request }));
        request = UnprocessedItems as typeof request;
      }
    }
  }
}

/** A ledger (or our-write) item as the entry it stores, keyed by its sort key. */
function toEntry(item: Record<string, unknown>): LedgerEntry {
  return {
    sourceId: String(item.sk),
    sourceUpdatedAt: String(item.sourceUpdatedAt),
    destinationId: item.destinationId as string | undefined,
    ...(item.written === true ? { written: true } : {}),
    ...(item.deleted === true ? { deleted: true } : {}),
    ...(item.replacing === true ? { replacing: true } : {}),
    ...(item.pushing === true ? { pushing: true } : {}),
    ...(typeof item.startTime === "string" ? { startTime: item.startTime } : {}),
    ...(typeof item.endTime === "string" ? { endTime: item.endTime } : {}),
    ...(typeof item.writtenAt === "string" ? { writtenAt: item.writtenAt } : {}),
    ...(typeof item.pushedStart === "string" ? { pushedStart: item.pushedStart } : {}),
    ...(typeof item.pushedEnd === "string" ? { pushedEnd: item.pushedEnd } : {}),
    ...(typeof item.fingerprint === "string" ? { fingerprint: item.fingerprint } : {}),
  };
}
