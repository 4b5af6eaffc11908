export type { DataProvider, ProviderCredentials, PushRecord, PushResult, TimeRange } from "./DataProvider.ts";
