export { InMemorySyncStateStore } from "./InMemorySyncStateStore.ts";
export { MetadataStore } from "./MetadataStore.ts";
export { SYNC_LOG_TTL_SECONDS, type SyncLogBatch, type SyncLogPage, type SyncLogPosition } from "./SyncLogItems.ts";
export * from "./types.ts";
