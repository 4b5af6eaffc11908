import type { ActivityMetadata, ActivityPayload, EditableField } from "../contracts/activity.ts";
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
  /** Destination record this one replaces, when conflict resolution saw it. */
  replacesId?: string | undefined;
  /** What to do when the destination reports an overlap the engine did not see: replace it or report a conflict. */
  onConflict: "replace" | "report";
}

/** What the job tells a source about its read: a device source reads the batch the job carries (SPEC §18). */
export interface ListingContext {
  /** The object key of the uploaded batch (claim-check: the queue message stays small). */
  batchKey?: string | undefined;
}

/** A source listing; `commit` (where the partner has one, e.g. Polar transactions) runs only after the job succeeded. */
export interface SourceListing {
  records: ActivityMetadata[];
  commit?: () => Promise<void>;
}

/**
 * The per-record outcome of a push; a push never throws for one bad record. After a rate limit
 * the records not yet pushed come back `deferred`, so what was pushed before it is kept.
 */
export type PushResult =
  | { externalId: string; status: "deferred"; retryAfterSeconds?: number | undefined; message: string }
  | { externalId: string; status: "written"; destinationId: string }
  | { externalId: string; status: "duplicate"; destinationId?: string }
  | { externalId: string; status: "conflict"; message: string }
  /** `mayHaveLanded`: the partner may still create it (an upload still processing); absent: it did not. */
  | { externalId: string; status: "failed"; message: string; retryable: boolean; mayHaveLanded?: boolean };

/**
 * A change to a record SyncWell wrote at the destination, after the source record was edited or
 * deleted (SPEC §15). An update sends the source record's current metadata; the adapter writes the
 * fields in `fields` (all within its capabilities' `updatable`).
 */
export type RecordChange =
  | { kind: "update"; destinationId: string; record: ActivityMetadata; fields: readonly EditableField[] }
  | { kind: "delete"; destinationId: string };

/**
 * The outcome of one change; a change never throws for one record. `gone`: the destination no
 * longer has the record (the user deleted it there). After a rate limit the changes not yet made
 * come back `deferred`.
 */
export type ChangeResult =
  | { destinationId: string; status: "done" | "gone" }
  | { destinationId: string; status: "deferred"; retryAfterSeconds?: number | undefined; message: string }
  | { destinationId: string; status: "failed"; message: string; retryable: boolean };

/** The access a provider adapter needs for one call: a token the caller keeps fresh. */
export interface ProviderCredentials {
  accessToken: string;
  providerUserId: string;
}

/** What a partner can do as a destination; decisions that rely on one consult it (SPEC §14). */
export interface DestinationCapabilities {
  /** Whether a push that overlaps an existing record is rejected as a conflict (what the sync-confidence skip relies on). */
  reportsConflicts: boolean;
  /** Whether SyncWell can delete a record there (what replacing a conflicting record needs). */
  canDelete: boolean;
  /** What an update of a record SyncWell wrote there can change (empty: no updates; an edit then replaces the record where it can delete). */
  updatable: readonly EditableField[];
  /** Whether `updatedAt` is a real modification (or upload) time; else it is the activity's end. */
  reportsModificationTime: boolean;
  /**
   * Whether its listings show the external id a record was written with (Strava); where not
   * (Garmin), SyncWell marks a push before it starts, so a crash cannot turn its copy into the user's.
   * @defaultValue false
   */
  keepsExternalIds?: boolean;
}

/**
 * The port to one partner platform. Every adapter maps the partner's native format to and
 * from the normalised activity model, and raises {@link PartnerError} for failed calls.
 */
export interface DataProvider {
  readonly provider: Provider;
  readonly capabilities: DestinationCapabilities;
  /** Metadata of every record modified since the watermark (all pages; adapters add their lookback). */
  fetchMetadata(credentials: ProviderCredentials, since: string | undefined, context?: ListingContext): Promise<SourceListing>;
  /**
   * Metadata of named records (a webhook's ids), whatever their age; records that do not exist
   * or are not this user's are left out. Absent where the partner has no such call.
   */
  fetchRecords?(credentials: ProviderCredentials, ids: readonly string[]): Promise<ActivityMetadata[]>;
  /** Metadata of the records overlapping a time range, for conflict resolution at the destination. */
  fetchOverlapping(credentials: ProviderCredentials, range: TimeRange): Promise<ActivityMetadata[]>;
  /** The heavy payloads, only for the records that will be written. */
  fetchPayloads(credentials: ProviderCredentials, records: readonly ActivityMetadata[]): Promise<ActivityPayload[]>;
  /** Writes records; duplicates of earlier writes are reported, not re-created. */
  pushData(credentials: ProviderCredentials, records: readonly PushRecord[]): Promise<PushResult[]>;
  /**
   * Updates or deletes records SyncWell wrote there, within {@link DestinationCapabilities}; absent
   * where the partner can do neither.
   */
  applyChanges?(credentials: ProviderCredentials, changes: readonly RecordChange[]): Promise<ChangeResult[]>;
  /**
   * Calls left in the partner's app-wide rate-limit window, as its last answer reported, and what
   * one pushed record costs in calls; absent where the partner reports no budget.
   */
  pushBudget?(): { remainingCalls: number; callsPerRecord: number } | undefined;
  /** The partner's cheap "anything new since T?" call. */
  hasNewData(credentials: ProviderCredentials, since: string | undefined): Promise<boolean>;
}

/** Tokens from a partner's OAuth token endpoint. */
export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  providerUserId: string;
}

/** The partner's OAuth2 token endpoint. */
export interface OAuthClient {
  exchangeCode(code: string): Promise<TokenGrant>;
  refresh(refreshToken: string): Promise<Omit<TokenGrant, "providerUserId">>;
  /**
   * Asks the partner whether this access token still works (its identity call, e.g. Strava's
   * `GET /athlete`): `revoked` when the partner refuses it (401/403). Other failures throw. How a
   * deauthorisation event is confirmed before a connection is revoked: events are unsigned hints.
   */
  verifyAccess(credentials: ProviderCredentials): Promise<AccessVerdict>;
  /**
   * Withdraws SyncWell's access at the partner (the user disconnected), with the call the partner
   * documents for it; absent where it has none. Resolves once the partner confirms; failures throw
   * classified, a token the partner no longer honours as `auth` (the caller refreshes and retries).
   */
  revoke?(credentials: ProviderCredentials): Promise<void>;
  /**
   * Subscribes the user to the partner's notifications at `callbackUrl`, for a partner that notifies
   * only the callbacks an app subscribed per user (Withings' Notify - Subscribe, one per category);
   * absent where the partner's webhooks are set up once per app. Resolves once every subscription is
   * registered; failures throw classified.
   */
  subscribeNotifications?(credentials: ProviderCredentials, callbackUrl: string): Promise<void>;
}

/** Whether a partner still honours an access token. */
export type AccessVerdict = "authorized" | "revoked";
