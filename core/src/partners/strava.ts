import type { ActivityMetadata, ActivityPayload, ActivityType } from "../contracts/activity.ts";
import type { DataProvider, OAuthClient, PushResult } from "../ports/DataProvider.ts";
import { type AdapterOptions, gpxFor, iso, overlapsRange, pushEach } from "./adapterSupport.ts";
import { PartnerHttp } from "./PartnerHttp.ts";
import { verifyAccess } from "./verifyAccess.ts";

const TYPES: Record<string, ActivityType> = { Run: "run", Ride: "ride", Swim: "swim", Walk: "walk", Hike: "hike", Workout: "workout" };
const SPORT: Record<ActivityType, string> = {
  run: "Run",
  ride: "Ride",
  swim: "Swim",
  walk: "Walk",
  hike: "Hike",
  workout: "Workout",
  other: "Workout",
};
const PAGE = 100;

interface SummaryActivity {
  id: number;
  name: string;
  sport_type: string;
  start_date: string;
  elapsed_time: number;
  external_id: string | null;
}

interface Upload {
  id: number;
  error: string | null;
  activity_id: number | null;
}

/**
 * Strava API v3. Strava lists by *start* time and has no modification time, so listings read
 * `lookbackSeconds` before the watermark (late uploads) and `updatedAt` is the activity's end.
 * Uploads are processed asynchronously; a re-upload is reported as "duplicate of activity N".
 */
export function createStravaAdapter(options: AdapterOptions): { dataProvider: DataProvider; oauth: OAuthClient } {
  const now = options.now ?? Date.now;
  const http = new PartnerHttp(
    { provider: "strava", observe: options.observe, now },
    { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 10_000 },
  );
  const lookback = options.lookbackSeconds ?? 7 * 86400;
  const initial = options.initialWindowSeconds ?? 30 * 86400;

  const toMetadata = (a: SummaryActivity): ActivityMetadata => {
    const start = Date.parse(a.start_date);
    const end = new Date(start + a.elapsed_time * 1000).toISOString();
    return {
      id: String(a.id),
      startTime: new Date(start).toISOString(),
      endTime: end,
      type: TYPES[a.sport_type] ?? "other",
      name: a.name,
      updatedAt: end,
      ...(a.external_id ? { externalId: a.external_id } : {}),
    };
  };

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

  const dataProvider: DataProvider = {
    provider: "strava",
    capabilities: { reportsConflicts: false, canDelete: false, updatable: ["name", "type"], reportsModificationTime: false },
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
        const form = new FormData();
        form.set("data_type", "gpx");
        form.set("external_id", record.externalId);
        form.set("name", record.payload.name);
        form.set("sport_type", SPORT[record.payload.type]);
        form.set("file", new Blob([gpxFor(record)], { type: "application/gpx+xml" }), `${record.externalId}.gpx`);
        const upload = await awaitUpload(
          accessToken,
          (await http.request("create", "/api/v3/uploads", { token: accessToken, body: form })).json<Upload>(),
        );
        const duplicate = upload.error && /duplicate of activity (\d+)/.exec(upload.error);
        if (duplicate) return { externalId: record.externalId, status: "duplicate", destinationId: duplicate[1] };
        if (upload.error) return { externalId: record.externalId, status: "failed", message: upload.error, retryable: false };
        // Not processed yet: nothing says it will become an activity. The job retries, and the re-upload
        // answers "duplicate of activity N" once Strava has made it one.
        if (upload.activity_id === null)
          return { externalId: record.externalId, status: "failed", message: "upload still processing", retryable: true };
        return { externalId: record.externalId, status: "written", destinationId: String(upload.activity_id) };
      }),
    // An upload costs its POST and at least one status poll.
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
  };
  return { dataProvider, oauth };
}
