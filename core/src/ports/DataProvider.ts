import type { ActivityMetadata, ActivityPayload } from "../contracts/activity.ts";
import type { Provider } from "../contracts/providers.ts";

/** A half-open time range `[from, to)` in ISO-8601. */
export interface TimeRange {
  from: string;
  to: string;
}

/** What the engine asks a partner to store: the payload plus the deterministic external id. */
export interface PushRecord {
  payload: ActivityPayload;
  externalId: string;
  /** Destination record this one replaces (source_wins over an overlapping record). */
  replacesId?: string;
}

/** The per-record outcome of a push; a push never throws for one bad record. */
export type PushResult =
  | { externalId: string; status: "written"; destinationId: string }
  | { externalId: string; status: "duplicate"; destinationId?: string }
  | { externalId: string; status: "conflict"; message: string }
  | { externalId: string; status: "failed"; message: string; retryable: boolean };

/** The access a provider adapter needs for one call: a token the caller keeps fresh. */
export interface ProviderCredentials {
  accessToken: string;
  providerUserId: string;
}

/**
 * The port to one partner platform. Every adapter maps the partner's native format to and
 * from the normalised activity model, and raises {@link PartnerError} for failed calls.
 */
export interface DataProvider {
  readonly provider: Provider;
  /** Metadata of every record modified since the watermark (all pages; adapters add their lookback). */
  fetchMetadata(credentials: ProviderCredentials, since: string | undefined): Promise<ActivityMetadata[]>;
  /** Metadata of the records overlapping a time range, for conflict resolution at the destination. */
  fetchOverlapping(credentials: ProviderCredentials, range: TimeRange): Promise<ActivityMetadata[]>;
  /** The heavy payloads, only for the records that will be written. */
  fetchPayloads(credentials: ProviderCredentials, ids: readonly string[]): Promise<ActivityPayload[]>;
  /** Writes records; duplicates of earlier writes are reported, not re-created. */
  pushData(credentials: ProviderCredentials, records: readonly PushRecord[]): Promise<PushResult[]>;
  /** The partner's cheap "anything new since T?" call. */
  hasNewData(credentials: ProviderCredentials, since: string | undefined): Promise<boolean>;
}
