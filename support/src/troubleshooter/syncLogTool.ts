import { tool } from "@langchain/core/tools";
import { type MetadataStore, PROVIDERS, type Provider, type SyncLogEntry, type SyncLogPosition } from "@syncwell/core";
import { z } from "zod";

/**
 * What the sync-log tool may be asked: which of the user's syncs and which time span. Never whose:
 * the user is bound when the tool is made, and a config that is not theirs answers nothing.
 */
export const SyncLogQuerySchema = z
  .object({
    syncConfigId: z.string().min(1).max(128).optional().describe("One of the user's sync configs (default: all of them)"),
    source: z.enum(PROVIDERS).optional().describe("Only syncs from this partner"),
    destination: z.enum(PROVIDERS).optional().describe("Only syncs to this partner"),
    since: z.iso.datetime().optional().describe("Only decisions at or after this time (ISO-8601)"),
    until: z.iso.datetime().optional().describe("Only decisions at or before this time (ISO-8601)"),
    limit: z.number().int().min(1).max(100).optional().describe("At most this many entries, newest first (default 50)"),
  })
  .strict();
export type SyncLogQuery = z.infer<typeof SyncLogQuerySchema>;

/** One decision of the sync log with the sync it belongs to: ids, partners, outcome, reason and time only. */
export interface SyncLogLine extends SyncLogEntry {
  syncConfigId: string;
  source: Provider;
  destination: Provider;
}

/**
 * The store calls the tool makes: the user's partition (configs and connections, one Query on the
 * table; the connections' tokens are dropped at once) and the configs' logs.
 */
export type SyncLogStore = Pick<MetadataStore, "loadUser" | "listSyncLog">;

/** Log entries read per call, and the most calls per config: the log is read newest first down to `since`. */
const PAGE_SIZE = 100;
const MAX_PAGES = 5;

/**
 * The user's sync-log entries matching `query`, newest first. Only configs in the user's own
 * partition are read (and kept only if their user is `userId`), so no id the caller passes can reach
 * another user's log.
 */
export async function readSyncLog(store: SyncLogStore, userId: string, query: SyncLogQuery = {}): Promise<SyncLogLine[]> {
  const since = query.since ? Date.parse(query.since) : Number.NEGATIVE_INFINITY;
  const until = query.until ? Date.parse(query.until) : Number.POSITIVE_INFINITY;
  const user = await store.loadUser(userId);
  const providerOf = new Map(user.connections.map((c) => [c.connectionId, c.provider as Provider]));
  const configs = user.configs
    .filter((c) => c.userId === userId && (!query.syncConfigId || c.syncConfigId === query.syncConfigId))
    .map((c) => ({
      syncConfigId: c.syncConfigId,
      source: providerOf.get(c.sourceConnectionId),
      destination: providerOf.get(c.destinationConnectionId),
    }))
    .filter(
      (c): c is { syncConfigId: string; source: Provider; destination: Provider } =>
        c.source !== undefined &&
        c.destination !== undefined &&
        (!query.source || c.source === query.source) &&
        (!query.destination || c.destination === query.destination),
    );
  const perConfig = await Promise.all(
    configs.map(async (config) => {
      const lines: SyncLogLine[] = [];
      let from: SyncLogPosition | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const { items, next } = await store.listSyncLog(config.syncConfigId, PAGE_SIZE, from);
        for (const entry of items) {
          const at = Date.parse(entry.at);
          if (at < since) return lines;
          if (at <= until) lines.push({ ...config, ...entry });
        }
        if (!next) break;
        from = next;
      }
      return lines;
    }),
  );
  return perConfig
    .flat()
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, query.limit ?? 50);
}

/**
 * The troubleshooter's `sync_log` tool, bound to one user (from the caller's verified token, never
 * from the model): what SyncWell decided about each of the user's records and why.
 */
export function syncLogTool(deps: { store: SyncLogStore }, userId: string) {
  return tool(async (query: SyncLogQuery) => JSON.stringify(await readSyncLog(deps.store, userId, query)), {
    name: "sync_log",
    description:
      "What SyncWell decided about each of the user's workouts (written, updated, deleted, skipped or failed) and the reason code, newest first. Ids, partners, outcomes, reasons and times only.",
    schema: SyncLogQuerySchema,
  });
}
