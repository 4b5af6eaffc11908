import type { ActivityMetadata, ActivityPayload, ActivityType } from "../contracts/activity.ts";
import type { Provider } from "../contracts/providers.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import { fromGpx, toGpx } from "../gpx.ts";
import type { PushRecord, PushResult } from "../ports/DataProvider.ts";
import type { PartnerCallObserver } from "./PartnerHttp.ts";

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
