import { BatchGetCommand, BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { isExpired, keys } from "../aws/tableDesign.ts";
import { TableItems } from "./TableItems.ts";
import type { LedgerEntry } from "./types.ts";

/** The ledger of source records a config already wrote (`LEDGER#config`, with a TTL). */
export class LedgerItems extends TableItems {
  /** Which of these source records were already written for the config (and at which source version). */
  async getLedger(syncConfigId: string, sourceIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    const found = new Map<string, LedgerEntry>();
    const unique = [...new Set(sourceIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.options.table]: { Keys: unique.slice(i, i + 100).map((id) => ({ pk: keys.ledger(syncConfigId), sk: id })) },
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
          found.set(String(item.sk), {
            sourceId: String(item.sk),
            sourceUpdatedAt: String(item.sourceUpdatedAt),
            destinationId: item.destinationId as string | undefined,
          });
        }
        request = UnprocessedKeys as typeof request;
      }
    }
    return found;
  }

  async markWritten(syncConfigId: string, entries: readonly LedgerEntry[], ttlSeconds: number): Promise<void> {
    const expiresAt = Math.floor(this.now() / 1000) + ttlSeconds;
    for (let i = 0; i < entries.length; i += 25) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [this.options.table]: entries
          .slice(i, i + 25)
          .map((e) => ({ PutRequest: { Item: { pk: keys.ledger(syncConfigId), sk: e.sourceId, type: "ledger", ...e, expiresAt } } })),
      };
      while (request && Object.keys(request).length > 0) {
        const { UnprocessedItems } = await this.deps.db.send(new BatchWriteCommand({ RequestItems: request }));
        request = UnprocessedItems as typeof request;
      }
    }
  }
}
