import type { ActivityMetadata, ActivityType } from "../contracts/activity.ts";
import type { DataProvider, OAuthClient, PushRecord, PushResult } from "../ports/DataProvider.ts";
import { type AdapterOptions, gpxFor, iso, overlapsRange, payloadFromGpx, pushEach, typeFrom } from "./adapterSupport.ts";
import { PartnerHttp } from "./PartnerHttp.ts";
import { verifyAccess } from "./verifyAccess.ts";

const TYPES: Record<ActivityType, string> = {
  run: "RUNNING",
  ride: "CYCLING",
  swim: "LAP_SWIMMING",
  walk: "WALKING",
  hike: "HIKING",
  workout: "FITNESS_EQUIPMENT",
  other: "OTHER",
};
const MAX_WINDOW = 86400;

interface Summary {
  summaryId: string;
  activityName: string;
  activityType: string;
  startTimeInSeconds: number;
  durationInSeconds: number;
}

interface ImportResult {
  detailedImportResult: {
    successes: { internalId: number }[];
    failures: { internalId: number; messages: { code: number; content: string }[] }[];
  };
}

/**
 * Garmin Health/Activity API. Listings are by *upload* time (≤ 24 h a call), so a late upload
 * has a new upload time and needs no lookback beyond clock skew. Uploads answer 409 for a
 * duplicate (code 202) only; a different overlapping activity is accepted. `updatedAt` is the activity's end (no modification time).
 */
export function createGarminAdapter(options: AdapterOptions): { dataProvider: DataProvider; oauth: OAuthClient } {
  const now = options.now ?? Date.now;
  const http = new PartnerHttp(
    { provider: "garmin", observe: options.observe, now },
    { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 10_000 },
  );
  const skew = options.lookbackSeconds ?? 300;
  const initial = options.initialWindowSeconds ?? MAX_WINDOW;

  const toMetadata = (s: Summary): ActivityMetadata => ({
    id: s.summaryId,
    startTime: iso(s.startTimeInSeconds),
    endTime: iso(s.startTimeInSeconds + s.durationInSeconds),
    type: typeFrom(TYPES, s.activityType),
    name: s.activityName,
    updatedAt: iso(s.startTimeInSeconds + s.durationInSeconds),
  });

  /** Pulls every upload window between `from` and now, one call per 24 h. */
  const pull = async (token: string, fromSeconds: number, limitWindows = Number.POSITIVE_INFINITY): Promise<ActivityMetadata[]> => {
    const out: ActivityMetadata[] = [];
    const end = Math.ceil(now() / 1000) + 1;
    for (let start = Math.floor(fromSeconds), n = 0; start < end && n < limitWindows; start += MAX_WINDOW, n++) {
      const reply = await http.request("list_metadata", "/wellness-api/rest/activities", {
        token,
        query: { uploadStartTimeInSeconds: start, uploadEndTimeInSeconds: Math.min(start + MAX_WINDOW, end) },
      });
      out.push(...reply.json<Summary[]>().map(toMetadata));
    }
    return out;
  };

  const upload = (token: string, record: PushRecord) => {
    const form = new FormData();
    form.set("file", new Blob([gpxFor(record)], { type: "application/gpx+xml" }), `${record.externalId}.gpx`);
    return http.request("create", "/upload-service/upload", { token, body: form, accept: [409] });
  };

  const push = async (token: string, record: PushRecord): Promise<PushResult> => {
    if (record.replacesId)
      await http.request("update", `/activity-service/activity/${record.replacesId}`, { token, method: "DELETE", accept: [404] });
    const reply = await upload(token, record);
    const result = reply.json<ImportResult>().detailedImportResult;
    const success = result.successes[0];
    if (reply.status !== 409 && success)
      return { externalId: record.externalId, status: "written", destinationId: String(success.internalId) };
    const failure = result.failures[0];
    const code = failure?.messages[0]?.code;
    if (code === 202) return { externalId: record.externalId, status: "duplicate", destinationId: String(failure?.internalId) };
    // Garmin refuses only identical uploads (202); overlaps are accepted and the engine decides conflicts.
    return { externalId: record.externalId, status: "conflict", message: failure?.messages[0]?.content ?? "rejected" };
  };

  const dataProvider: DataProvider = {
    provider: "garmin",
    capabilities: { reportsConflicts: false, canDelete: true, updatable: [], reportsModificationTime: false },
    async fetchMetadata({ accessToken }, since) {
      const from = since ? Date.parse(since) / 1000 - skew : now() / 1000 - initial;
      return { records: await pull(accessToken, from) };
    },
    async fetchOverlapping({ accessToken }, range) {
      // Anything overlapping the range was uploaded after it started, at most a day earlier.
      const records = await pull(accessToken, Date.parse(range.from) / 1000 - MAX_WINDOW);
      return records.filter((r) => overlapsRange(r, range.from, range.to));
    },
    async fetchPayloads({ accessToken }, records) {
      const payloads = [];
      for (const record of records) {
        const reply = await http.request("get_payload", "/wellness-api/rest/activityFile", {
          token: accessToken,
          query: { id: record.id },
        });
        payloads.push(payloadFromGpx(record, reply.text));
      }
      return payloads;
    },
    pushData: ({ accessToken }, records) => pushEach(records, (record) => push(accessToken, record)),
    async hasNewData({ accessToken }, since) {
      const from = since ? Date.parse(since) / 1000 : now() / 1000 - initial;
      return (await pull(accessToken, Math.max(from, Math.ceil(now() / 1000) + 1 - MAX_WINDOW), 1)).length > 0;
    },
  };

  const grant = async (form: Record<string, string>) =>
    http.request("oauth_token", "/di-oauth2-service/oauth/token", {
      form: { ...form, client_id: options.clientId, client_secret: options.clientSecret },
    });

  const oauth: OAuthClient = {
    async exchangeCode(code) {
      const body = (await grant({ grant_type: "authorization_code", code })).json<{
        access_token: string;
        refresh_token: string;
        expires_in: number;
      }>();
      const user = await http.request("list_metadata", "/wellness-api/rest/user/id", { token: body.access_token });
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: new Date(now() + body.expires_in * 1000).toISOString(),
        providerUserId: user.json<{ userId: string }>().userId,
      };
    },
    async refresh(refreshToken) {
      const body = (await grant({ grant_type: "refresh_token", refresh_token: refreshToken })).json<{
        access_token: string;
        refresh_token: string;
        expires_in: number;
      }>();
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: new Date(now() + body.expires_in * 1000).toISOString(),
      };
    },
    verifyAccess: ({ accessToken }) => verifyAccess(http, "/wellness-api/rest/user/id", accessToken),
  };
  return { dataProvider, oauth };
}
