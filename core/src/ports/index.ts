export type {
  DataProvider,
  OAuthClient,
  ProviderCredentials,
  PushRecord,
  PushResult,
  SourceListing,
  TimeRange,
  TokenGrant,
} from "./DataProvider.ts";
