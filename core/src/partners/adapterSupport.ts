import type { ActivityMetadata, ActivityPayload, ActivityType } from "../contracts/activity.ts";
import type { DataType } from "../contracts/healthData.ts";
import type { Provider } from "../contracts/providers.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import { fromGpx, toGpx } from "../gpx.ts";
import { createLogger, type Logger } from "../logging/logger.ts";
import type { ChangeResult, DataProvider, OAuthClient, PushRecord, PushResult, RecordChange } from "../ports/DataProvider.ts";
import type { PartnerCallObserver } from "./PartnerHttp.ts";

/** What a partner's factory builds: its workouts adapter, its OAuth client, and its adapters for the other types it serves. */
export interface BuiltPartner {
  dataProvider: DataProvider;
  oauth: OAuthClient;
  records?: Partial<Record<Exclude<DataType, "workouts">, DataProvider>>;
}

/** What every adapter is built from. */
export interface AdapterOptions {
  /** The partner's API root, e.g. `https://www.strava.com` or `http://127.0.0.1:9090/strava`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** How far before the watermark a listing starts, for partners that filter on start time. */
  lookbackSeconds?: number;
  /** How far back the first sync of a config reads. */
  initialWindowSeconds?: number;
  observe?: PartnerCallObserver;
  now?: () => number;
  /**
   * Where an adapter notes what it decided for a record on its own (an activity type written as the
   * partner's generic one). Ids and types only, never names or samples.
   * @defaultValue a logger named after the partner
   */
  logger?: Logger;
  /**
   * How long a push polls an asynchronous upload (Strava) before it gives up and reports a retryable
   * failure; the job's retry then finds the upload as a duplicate.
   * @defaultValue 10000
   */
  uploadPollBudgetMs?: number;
  /**
   * Pause between two polls of an asynchronous upload.
   * @defaultValue 250
   */
  uploadPollIntervalMs?: number;
}

export const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/** The record as a GPX upload: the deterministic external id travels inside the file. */
export function gpxFor(record: PushRecord): string {
  const p = record.payload;
  return toGpx({
    name: p.name,
    type: p.type,
    startTime: p.startTime,
    endTime: p.endTime,
    externalId: record.externalId,
    samples: p.samples,
  });
}

/** Samples from a partner's GPX, on top of metadata the engine already has. */
export function payloadFromGpx(metadata: ActivityMetadata, gpx: string): ActivityPayload {
  const { sourceRef: _ref, ...rest } = metadata;
  return { ...rest, samples: fromGpx(gpx).samples };
}

export function overlapsRange(a: { startTime: string; endTime: string }, from: string, to: string): boolean {
  return Date.parse(a.startTime) < Date.parse(to) && Date.parse(a.endTime) > Date.parse(from);
}

export function notADestination(provider: Provider): never {
  throw new PartnerError("permanent", `${provider} is a source only: SyncWell cannot write to it`, { provider, operation: "create" });
}

/** Reverse lookup of a type table, defaulting to `other`. */
export function typeFrom(table: Record<ActivityType, string>, native: string): ActivityType {
  const found = (Object.entries(table) as [ActivityType, string][]).find(([, v]) => v === native);
  return found?.[0] ?? "other";
}

/**
 * The partner's type for a record's type: its own where it has one, else its closest generic type —
 * written, never dropped, and logged so that nobody wonders why a yoga session became a workout.
 */
export function nativeTypeOf(
  table: Partial<Record<ActivityType, string>>,
  generic: string,
  context: { provider: Provider; logger: Logger },
  record: { id: string; type: ActivityType },
): string {
  const native = table[record.type];
  if (native !== undefined) return native;
  context.logger.info(
    { provider: context.provider, sourceRecordId: record.id, type: record.type, writtenAs: generic },
    `activity type "${record.type}" has no ${context.provider} equivalent: written as ${generic}`,
  );
  return generic;
}

/** The adapter's logger: the one it was given, else its own. */
export function adapterLogger(provider: Provider, options: AdapterOptions): Logger {
  return options.logger ?? createLogger(`partner-${provider}`);
}

/** A partner-neutral offset in seconds, if it is one ActivityMetadata can carry (±14 h, whole seconds). */
export function utcOffset(seconds: number | null | undefined): number | undefined {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return undefined;
  const whole = Math.round(seconds);
  return Math.abs(whole) <= 14 * 3600 ? whole : undefined;
}

/** A source-only partner: it cannot take, update or delete records. */
export const SOURCE_ONLY = { reportsConflicts: false, canDelete: false, updatable: [], reportsModificationTime: false } as const;

/**
 * Pushes records one by one: a record the partner rejects becomes a `failed` result. A rate limit
 * stops the push and defers the rest, so the records pushed before it are kept and saved; an auth
 * error (and a bug) aborts it, since every later record would fail too.
 */
export async function pushEach(records: readonly PushRecord[], push: (record: PushRecord) => Promise<PushResult>): Promise<PushResult[]> {
  const results: PushResult[] = [];
  for (const [index, record] of records.entries()) {
    try {
      results.push(await push(record));
    } catch (error) {
      if (error instanceof PartnerError && error.category === "rate_limited") {
        for (const rest of records.slice(index))
          results.push({
            externalId: rest.externalId,
            status: "deferred",
            retryAfterSeconds: error.retryAfterSeconds,
            message: error.message,
          });
        return results;
      }
      if (!(error instanceof PartnerError) || error.category === "auth") {
        if (results.length === 0) throw error;
        // Keep what was pushed: the caller saves it, then the failure takes its course.
        for (const rest of records.slice(index))
          results.push({ externalId: rest.externalId, status: "failed", message: (error as Error).message, retryable: true });
        return results;
      }
      results.push({ externalId: record.externalId, status: "failed", message: error.message, retryable: error.category === "transient" });
    }
  }
  return results;
}

/**
 * Applies changes one by one, as {@link pushEach} pushes: a change the partner refuses becomes a
 * `failed` result; a rate limit defers this change and the rest; an auth error (and a bug) aborts,
 * after the changes already made are reported.
 */
export async function applyEach(
  changes: readonly RecordChange[],
  apply: (change: RecordChange) => Promise<ChangeResult>,
): Promise<ChangeResult[]> {
  const results: ChangeResult[] = [];
  for (const [index, change] of changes.entries()) {
    try {
      results.push(await apply(change));
    } catch (error) {
      if (error instanceof PartnerError && error.category === "rate_limited") {
        for (const rest of changes.slice(index))
          results.push({
            destinationId: rest.destinationId,
            status: "deferred",
            retryAfterSeconds: error.retryAfterSeconds,
            message: error.message,
          });
        return results;
      }
      if (!(error instanceof PartnerError) || error.category === "auth") {
        if (results.length === 0) throw error;
        for (const rest of changes.slice(index))
          results.push({ destinationId: rest.destinationId, status: "failed", message: (error as Error).message, retryable: true });
        return results;
      }
      results.push({
        destinationId: change.destinationId,
        status: "failed",
        message: error.message,
        retryable: error.category === "transient",
      });
    }
  }
  return results;
}

/** A change the partner cannot make at all (outside its capabilities): failed, and retrying will not help. */
export function cannotChange(change: RecordChange, provider: Provider, what: string): ChangeResult {
  return { destinationId: change.destinationId, status: "failed", message: `${provider} cannot ${what}`, retryable: false };
}
