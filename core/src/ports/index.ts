export type {
  AccessVerdict,
  ChangeResult,
  DataProvider,
  DestinationCapabilities,
  ListingContext,
  OAuthClient,
  ProviderCredentials,
  PushRecord,
  PushResult,
  RecordChange,
  SourceListing,
  TimeRange,
  TokenGrant,
} from "./DataProvider.ts";
export * from "./JobQueue.ts";
export type { JobClaim, JobPatch, Recall, SyncLogBatch, SyncStateStore, UserState, WatermarkResult } from "./SyncStateStore.ts";
