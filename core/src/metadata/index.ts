export { InMemorySyncStateStore } from "./InMemorySyncStateStore.ts";
export { MetadataStore, type WatermarkResult } from "./MetadataStore.ts";
export * from "./types.ts";
