import type { ActivityMetadata, ActivityType } from "../contracts/activity.ts";
import type { DataProvider, OAuthClient } from "../ports/DataProvider.ts";
import { type AdapterOptions, notADestination, SOURCE_ONLY, typeFrom } from "./adapterSupport.ts";
import { createOuraRecords } from "./ouraRecords.ts";
import { PartnerHttp } from "./PartnerHttp.ts";
import { offsetOf, type RecordProviders } from "./recordSupport.ts";
import { verifyAccess } from "./verifyAccess.ts";

const TYPES: Record<ActivityType, string> = {
  run: "running",
  ride: "cycling",
  swim: "swimming",
  walk: "walking",
  hike: "hiking",
  workout: "strengthTraining",
  other: "other",
};

interface Workout {
  id: string;
  activity: string;
  label: string | null;
  start_datetime: string;
  end_datetime: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export { offsetOf } from "./recordSupport.ts";

/**
 * Oura's authentication docs revoke an access token at `/oauth/revoke?access_token=…` (a GET there, no
 * body), and the user's grant to SyncWell with it.
 */
const revokeToken =
  (http: PartnerHttp): NonNullable<OAuthClient["revoke"]> =>
  async ({ accessToken }) => {
    await http.request("oauth_token", "/oauth/revoke", { method: "GET", query: { access_token: accessToken } });
  };

/**
 * Oura API v2: a source only; workouts by day (read with a lookback), heart rate as the payload.
 * Workout datetimes are local with their offset. Oura has no privacy at all — its data is the
 * user's own — so its records are not private. Webhooks name created, updated and deleted workouts.
 * Sleep and daily activity come from `records` (ouraRecords.ts), on the same HTTP client.
 */
export function createOuraAdapter(options: AdapterOptions): {
  dataProvider: DataProvider;
  oauth: OAuthClient;
  records: RecordProviders;
} {
  const now = options.now ?? Date.now;
  const http = new PartnerHttp(
    { provider: "oura", observe: options.observe, now },
    { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 10_000 },
  );
  const lookback = options.lookbackSeconds ?? 2 * 86400;
  const initial = options.initialWindowSeconds ?? 30 * 86400;

  const toMetadata = (w: Workout): ActivityMetadata => {
    const offset = offsetOf(w.start_datetime);
    return {
      id: w.id,
      startTime: new Date(w.start_datetime).toISOString(),
      endTime: new Date(w.end_datetime).toISOString(),
      type: typeFrom(TYPES, w.activity),
      name: w.label ?? w.activity,
      updatedAt: new Date(w.end_datetime).toISOString(),
      private: false,
      ...(offset === undefined ? {} : { utcOffsetSeconds: offset }),
    };
  };

  const list = async (token: string, fromMs: number, maxPages = Number.POSITIVE_INFINITY) => {
    const out: ActivityMetadata[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const reply = await http.request("list_metadata", "/v2/usercollection/workout", {
        token,
        query: { start_date: day(fromMs), end_date: day(now() + 86400_000), next_token: next ?? undefined },
      });
      const body = reply.json<{ data: Workout[]; next_token: string | null }>();
      out.push(...body.data.map(toMetadata));
      next = body.next_token;
      pages += 1;
    } while (next && pages < maxPages);
    return out;
  };

  const dataProvider: DataProvider = {
    provider: "oura",
    capabilities: SOURCE_ONLY,
    async fetchMetadata({ accessToken }, since) {
      return { records: await list(accessToken, since ? Date.parse(since) - lookback * 1000 : now() - initial * 1000) };
    },
    async fetchRecords({ accessToken }, ids) {
      const found: ActivityMetadata[] = [];
      for (const id of ids) {
        const reply = await http.request("list_metadata", `/v2/usercollection/workout/${encodeURIComponent(id)}`, {
          token: accessToken,
          accept: [404],
        });
        if (reply.status !== 404) found.push(toMetadata(reply.json<Workout>()));
      }
      return found;
    },
    fetchOverlapping: async () => notADestination("oura"),
    async fetchPayloads({ accessToken }, records) {
      const payloads = [];
      for (const record of records) {
        const reply = await http.request("get_payload", "/v2/usercollection/heartrate", {
          token: accessToken,
          query: { start_datetime: record.startTime, end_datetime: record.endTime },
        });
        const start = Date.parse(record.startTime);
        const { sourceRef: _ref, ...metadata } = record;
        const points = reply.json<{ data: { bpm: number; timestamp: string }[] }>().data;
        payloads.push({
          ...metadata,
          samples: points.map((p) => ({ offsetSeconds: Math.round((Date.parse(p.timestamp) - start) / 1000), heartRate: p.bpm })),
        });
      }
      return payloads;
    },
    pushData: async () => notADestination("oura"),
    async hasNewData({ accessToken }, since) {
      return (await list(accessToken, since ? Date.parse(since) : now() - initial * 1000, 1)).some(
        (r) => !since || Date.parse(r.endTime) > Date.parse(since),
      );
    },
  };

  const grant = async (form: Record<string, string>) =>
    (
      await http.request("oauth_token", "/oauth/token", {
        form: { ...form, client_id: options.clientId, client_secret: options.clientSecret },
      })
    ).json<{
      access_token: string;
      refresh_token: string;
      expires_in: number;
    }>();
  const oauth: OAuthClient = {
    async exchangeCode(code) {
      const body = await grant({ grant_type: "authorization_code", code });
      const info = (await http.request("list_metadata", "/v2/usercollection/personal_info", { token: body.access_token })).json<{
        id: string;
      }>();
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: new Date(now() + body.expires_in * 1000).toISOString(),
        providerUserId: info.id,
      };
    },
    async refresh(refreshToken) {
      const body = await grant({ grant_type: "refresh_token", refresh_token: refreshToken });
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: new Date(now() + body.expires_in * 1000).toISOString(),
      };
    },
    verifyAccess: ({ accessToken }) => verifyAccess(http, "/v2/usercollection/personal_info", accessToken),
    revoke: revokeToken(http),
  };
  return { dataProvider, oauth, records: createOuraRecords({ http, now }, { lookbackSeconds: lookback, initialWindowSeconds: initial }) };
}
