export type {
  AccessVerdict,
  DataProvider,
  DestinationCapabilities,
  OAuthClient,
  ProviderCredentials,
  PushRecord,
  PushResult,
  SourceListing,
  TimeRange,
  TokenGrant,
} from "./DataProvider.ts";
export * from "./JobQueue.ts";
export type { JobClaim, JobPatch, Recall, SyncStateStore, UserState, WatermarkResult } from "./SyncStateStore.ts";
