export type { BatchStore } from "./BatchStore.ts";
export { InMemoryBatchStore } from "./InMemoryBatchStore.ts";
export { S3BatchStore, type S3BatchStoreOptions } from "./S3BatchStore.ts";
