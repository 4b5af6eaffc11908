export { InMemorySyncStateStore } from "./InMemorySyncStateStore.ts";
export { MetadataStore } from "./MetadataStore.ts";
export * from "./types.ts";
