import { type ActivityMetadata, type ActivityPayload, type ActivityType, isPrivate } from "../contracts/activity.ts";
import type { ChangeResult, DataProvider, OAuthClient, PushRecord, PushResult, RecordChange } from "../ports/DataProvider.ts";
import {
  type AdapterOptions,
  adapterLogger,
  applyEach,
  cannotChange,
  gpxFor,
  iso,
  nativeTypeOf,
  overlapsRange,
  pushEach,
  utcOffset,
} from "./adapterSupport.ts";
import { PartnerHttp } from "./PartnerHttp.ts";
import { verifyAccess } from "./verifyAccess.ts";

/** Strava's sport types (SportType in the API reference) as SyncWell's types; anything else is `other`. */
const TYPES: Record<string, ActivityType> = {
  Run: "run",
  TrailRun: "run",
  VirtualRun: "run",
  Ride: "ride",
  MountainBikeRide: "ride",
  GravelRide: "ride",
  EBikeRide: "ride",
  EMountainBikeRide: "ride",
  VirtualRide: "ride",
  Swim: "swim",
  Walk: "walk",
  Hike: "hike",
  Workout: "workout",
  WeightTraining: "workout",
  Crossfit: "workout",
  HighIntensityIntervalTraining: "workout",
  Yoga: "workout",
  Pilates: "workout",
};
/** What SyncWell writes; `other` has no Strava sport type, so it goes as Strava's generic Workout (and is logged). */
const SPORT: Partial<Record<ActivityType, string>> = {
  run: "Run",
  ride: "Ride",
  swim: "Swim",
  walk: "Walk",
  hike: "Hike",
  workout: "Workout",
};
const GENERIC_SPORT = "Workout";
const PAGE = 100;

interface SummaryActivity {
  id: number;
  name: string;
  sport_type: string;
  start_date: string;
  elapsed_time: number;
  external_id: string | null;
  utc_offset?: number;
  manual?: boolean;
  private?: boolean;
  visibility?: "everyone" | "followers_only" | "only_me";
}

/** A record's local wall time with its offset, e.g. `2026-03-01T08:00:00+02:00` (UTC when the offset is unknown). */
function localTimeOf(startTime: string, offsetSeconds: number | undefined): string {
  const offset = offsetSeconds ?? 0;
  const local = new Date(Date.parse(startTime) + offset * 1000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, "0");
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, "0");
  return `${local}${offset < 0 ? "-" : "+"}${hh}:${mm}`;
}

interface Upload {
  id: number;
  error: string | null;
  activity_id: number | null;
}

/**
 * Strava's `POST /oauth/deauthorize` (Authentication → Deauthorization, `access_token` parameter): the
 * athlete's grant to SyncWell ends with every token of it, and Strava sends its deauthorisation event.
 */
const deauthorize =
  (http: PartnerHttp): NonNullable<OAuthClient["revoke"]> =>
  async ({ accessToken }) => {
    await http.request("oauth_token", "/oauth/deauthorize", { token: accessToken, form: { access_token: accessToken } });
  };

/**
 * Strava API v3. Strava lists by *start* time and has no modification time, so listings read
 * `lookbackSeconds` before the watermark (late uploads) and `updatedAt` is the activity's end.
 * Uploads are processed asynchronously; a re-upload is reported as "duplicate of activity N".
 *
 * Privacy (API reference, webhooks docs): activities report `private` / `visibility` ("Only You" is
 * private); SyncWell's grant includes `activity:read_all`, without which Only You activities are
 * invisible. No write call takes privacy — not the upload (createUpload: file, name, description,
 * trainer, commute, data_type, external_id), not createActivity, not UpdatableActivity — and apps
 * cannot delete (the delete endpoint was removed on 2017-01-17). So Strava can update a record's
 * name and type only, and it never takes a private record: the adapter refuses one rather than
 * publish it with the athlete's default visibility.
 */
export function createStravaAdapter(options: AdapterOptions): { dataProvider: DataProvider; oauth: OAuthClient } {
  const now = options.now ?? Date.now;
  const http = new PartnerHttp(
    { provider: "strava", observe: options.observe, now },
    { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 10_000 },
  );
  const lookback = options.lookbackSeconds ?? 7 * 86400;
  const initial = options.initialWindowSeconds ?? 30 * 86400;

  const logger = adapterLogger("strava", options);

  const toMetadata = (a: SummaryActivity): ActivityMetadata => {
    const start = Date.parse(a.start_date);
    const end = new Date(start + a.elapsed_time * 1000).toISOString();
    // `private` is Only You; an answer that says nothing of it leaves privacy unknown (treated as private).
    const hidden = a.private ?? (a.visibility === undefined ? undefined : a.visibility === "only_me");
    const offset = utcOffset(a.utc_offset);
    return {
      id: String(a.id),
      startTime: new Date(start).toISOString(),
      endTime: end,
      type: TYPES[a.sport_type] ?? "other",
      name: a.name,
      updatedAt: end,
      ...(a.external_id ? { externalId: a.external_id } : {}),
      ...(hidden === undefined ? {} : { private: hidden }),
      ...(offset === undefined ? {} : { utcOffsetSeconds: offset }),
    };
  };
  const sportOf = (record: { id: string; type: ActivityType }) =>
    nativeTypeOf(SPORT, GENERIC_SPORT, { provider: "strava", logger }, record);

  const list = async (token: string, after: number, before?: number, maxPages = Number.POSITIVE_INFINITY): Promise<ActivityMetadata[]> => {
    const out: ActivityMetadata[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const reply = await http.request("list_metadata", "/api/v3/athlete/activities", {
        token,
        query: { after, before, page, per_page: PAGE },
      });
      const batch = reply.json<SummaryActivity[]>();
      out.push(...batch.map(toMetadata));
      if (batch.length < PAGE) break;
    }
    return out;
  };

  const tokenGrant = (body: { access_token: string; refresh_token: string; expires_at: number; athlete?: { id: number } }) => ({
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: iso(body.expires_at),
    providerUserId: String(body.athlete?.id ?? ""),
  });

  const pollBudgetMs = options.uploadPollBudgetMs ?? 10_000;
  const pollIntervalMs = options.uploadPollIntervalMs ?? 250;
  if (!(pollBudgetMs >= 0 && pollIntervalMs > 0))
    throw new RangeError("uploadPollBudgetMs must be 0 or more and uploadPollIntervalMs more than 0 (milliseconds)");

  /** Polls an upload until Strava has processed it or the budget is spent (then it is still processing). */
  const awaitUpload = async (token: string, upload: Upload): Promise<Upload> => {
    const deadline = now() + pollBudgetMs;
    let current = upload;
    while (current.activity_id === null && current.error === null && now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollIntervalMs, Math.max(1, deadline - now()))));
      current = (await http.request("create", `/api/v3/uploads/${upload.id}`, { token })).json<Upload>();
    }
    return current;
  };

  /** A file upload (a record with samples): asynchronous, deduplicated by Strava on its external id. */
  const upload = async (token: string, record: PushRecord): Promise<PushResult> => {
    const form = new FormData();
    form.set("data_type", "gpx");
    form.set("external_id", record.externalId);
    form.set("name", record.payload.name);
    form.set("sport_type", sportOf(record.payload));
    form.set("file", new Blob([gpxFor(record)], { type: "application/gpx+xml" }), `${record.externalId}.gpx`);
    const done = await awaitUpload(token, (await http.request("create", "/api/v3/uploads", { token, body: form })).json<Upload>());
    const duplicate = done.error && /duplicate of activity (\d+)/.exec(done.error);
    if (duplicate) return { externalId: record.externalId, status: "duplicate", destinationId: duplicate[1] };
    if (done.error) return { externalId: record.externalId, status: "failed", message: done.error, retryable: false };
    // Not processed yet: nothing says it will become an activity. The job retries, and the re-upload
    // answers "duplicate of activity N" once Strava has made it one.
    if (done.activity_id === null)
      return { externalId: record.externalId, status: "failed", message: "upload still processing", retryable: true, mayHaveLanded: true };
    return { externalId: record.externalId, status: "written", destinationId: String(done.activity_id) };
  };

  /**
   * A manual activity (no samples, so no file to upload; docs/uploads require a time on every
   * trackpoint): createActivity. It takes no external id, so a retry first looks for the activity
   * an earlier attempt made — the same start, elapsed time and sport — and reports it as a duplicate.
   */
  const createManual = async (token: string, record: PushRecord): Promise<PushResult> => {
    const p = record.payload;
    const start = Math.floor(Date.parse(p.startTime) / 1000);
    const elapsed = Math.max(1, Math.round((Date.parse(p.endTime) - Date.parse(p.startTime)) / 1000));
    const sport = sportOf(p);
    const sameStart = await list(token, start - 1, start + 1, 1);
    const earlier = sameStart.find(
      (a) =>
        Date.parse(a.startTime) === start * 1000 &&
        Date.parse(a.endTime) === (start + elapsed) * 1000 &&
        a.type === (TYPES[sport] ?? "other"),
    );
    if (earlier) return { externalId: record.externalId, status: "duplicate", destinationId: earlier.id };
    const created = await http.request("create", "/api/v3/activities", {
      token,
      form: {
        name: p.name || sport,
        sport_type: sport,
        // The record's own local time with its offset, so Strava places it where it happened.
        start_date_local: localTimeOf(p.startTime, p.utcOffsetSeconds),
        elapsed_time: String(elapsed),
      },
    });
    return { externalId: record.externalId, status: "written", destinationId: String(created.json<SummaryActivity>().id) };
  };

  const change = async (token: string, c: RecordChange): Promise<ChangeResult> => {
    if (c.kind === "delete") return cannotChange(c, "strava", "delete activities for apps (no delete endpoint)");
    const refused = c.fields.filter((f) => f !== "name" && f !== "type");
    if (refused.length > 0) return cannotChange(c, "strava", `update ${refused.join(", ")} (not in UpdatableActivity)`);
    const body = {
      ...(c.fields.includes("name") ? { name: c.record.name } : {}),
      ...(c.fields.includes("type") ? { sport_type: sportOf(c.record) } : {}),
    };
    if (Object.keys(body).length === 0) return { destinationId: c.destinationId, status: "done" };
    if (!/^\d{1,20}$/.test(c.destinationId)) return { destinationId: c.destinationId, status: "gone" };
    const reply = await http.request("update", `/api/v3/activities/${c.destinationId}`, {
      token,
      method: "PUT",
      json: body,
      accept: [404],
    });
    return { destinationId: c.destinationId, status: reply.status === 404 ? "gone" : "done" };
  };

  const dataProvider: DataProvider = {
    provider: "strava",
    capabilities: {
      reportsConflicts: false,
      canDelete: false,
      updatable: ["name", "type"],
      reportsModificationTime: false,
      keepsExternalIds: true,
    },
    async fetchMetadata({ accessToken }, since) {
      const from = since ? Date.parse(since) / 1000 - lookback : now() / 1000 - initial;
      return { records: await list(accessToken, Math.floor(from)) };
    },
    async fetchRecords({ accessToken }, ids) {
      const found: ActivityMetadata[] = [];
      for (const id of ids) {
        if (!/^\d{1,20}$/.test(id)) continue;
        const reply = await http.request("list_metadata", `/api/v3/activities/${id}`, { token: accessToken, accept: [404] });
        if (reply.status !== 404) found.push(toMetadata(reply.json<SummaryActivity>()));
      }
      return found;
    },
    async fetchOverlapping({ accessToken }, range) {
      // Filtered on start time: anything overlapping started at most a day before the range.
      const records = await list(accessToken, Math.floor(Date.parse(range.from) / 1000 - 86400), Math.ceil(Date.parse(range.to) / 1000));
      return records.filter((r) => overlapsRange(r, range.from, range.to));
    },
    async fetchPayloads({ accessToken }, records) {
      const payloads: ActivityPayload[] = [];
      for (const record of records) {
        const streams = (
          await http.request("get_payload", `/api/v3/activities/${record.id}/streams`, {
            token: accessToken,
            query: { keys: "time,heartrate,latlng", key_by_type: "true" },
          })
        ).json<{ time?: { data: number[] }; heartrate?: { data: (number | null)[] }; latlng?: { data: ([number, number] | null)[] } }>();
        const { sourceRef: _ref, ...metadata } = record;
        payloads.push({
          ...metadata,
          samples: (streams.time?.data ?? []).map((t, i) => {
            const hr = streams.heartrate?.data[i];
            const pos = streams.latlng?.data[i];
            return { offsetSeconds: t, ...(hr != null ? { heartRate: hr } : {}), ...(pos ? { lat: pos[0], lon: pos[1] } : {}) };
          }),
        });
      }
      return payloads;
    },
    pushData: ({ accessToken }, records) =>
      pushEach(records, async (record): Promise<PushResult> => {
        // No Strava write call takes privacy: a private record would get the athlete's default visibility.
        if (isPrivate(record.payload))
          return {
            externalId: record.externalId,
            status: "failed",
            message: "strava cannot make an activity private through its API; a private record is not written there",
            retryable: false,
          };
        return record.payload.samples.length === 0 ? createManual(accessToken, record) : upload(accessToken, record);
      }),
    applyChanges: ({ accessToken }, changes) => applyEach(changes, (c) => change(accessToken, c)),
    // An upload costs its POST and at least one status poll; a manual activity its look-up and its POST.
    pushBudget: () => (http.remaining === undefined ? undefined : { remainingCalls: http.remaining, callsPerRecord: 2 }),
    async hasNewData({ accessToken }, since) {
      const after = Math.floor((since ? Date.parse(since) : now() - initial * 1000) / 1000);
      const reply = await http.request("preflight", "/api/v3/athlete/activities", { token: accessToken, query: { after, per_page: 1 } });
      return reply.json<unknown[]>().length > 0;
    },
  };

  const oauth: OAuthClient = {
    async exchangeCode(code) {
      const reply = await http.request("oauth_token", "/oauth/token", {
        form: { client_id: options.clientId, client_secret: options.clientSecret, code, grant_type: "authorization_code" },
      });
      return tokenGrant(reply.json());
    },
    async refresh(refreshToken) {
      const reply = await http.request("oauth_token", "/oauth/token", {
        form: {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          refresh_token: refreshToken,
          grant_type: "refresh_token",
        },
      });
      const { providerUserId: _id, ...grant } = tokenGrant(reply.json());
      return grant;
    },
    verifyAccess: ({ accessToken }) => verifyAccess(http, "/api/v3/athlete", accessToken),
    revoke: deauthorize(http),
  };
  return { dataProvider, oauth };
}
