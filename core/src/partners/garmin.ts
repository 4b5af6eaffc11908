import { type ActivityMetadata, type ActivityType, isPrivate } from "../contracts/activity.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import type { ChangeResult, DataProvider, OAuthClient, PushRecord, PushResult, RecordChange } from "../ports/DataProvider.ts";
import {
  type AdapterOptions,
  applyEach,
  cannotChange,
  gpxFor,
  iso,
  overlapsRange,
  payloadFromGpx,
  pushEach,
  typeFrom,
  utcOffset,
} from "./adapterSupport.ts";
import { createGarminRecordProviders } from "./garminRecords.ts";
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
/** Other Activity API types, read as the nearest of SyncWell's. */
const ALIASES: Record<string, ActivityType> = {
  TRAIL_RUNNING: "run",
  TREADMILL_RUNNING: "run",
  ROAD_BIKING: "ride",
  MOUNTAIN_BIKING: "ride",
  INDOOR_CYCLING: "ride",
  OPEN_WATER_SWIMMING: "swim",
  STRENGTH_TRAINING: "workout",
};
const MAX_WINDOW = 86400;

interface Summary {
  summaryId: string;
  activityName: string;
  activityType: string;
  startTimeInSeconds: number;
  startTimeOffsetInSeconds?: number;
  durationInSeconds: number;
}

interface ImportResult {
  detailedImportResult: {
    successes: { internalId: number }[];
    failures: { internalId: number; messages: { code: number; content: string }[] }[];
  };
}

/**
 * Garmin Health API's "Delete User Access Token": `DELETE /wellness-api/rest/user/registration` with
 * the user's token, 204. Garmin then sends a final deregistration notification and refuses the token.
 */
const deregister =
  (http: PartnerHttp): NonNullable<OAuthClient["revoke"]> =>
  async ({ accessToken }) => {
    await http.request("oauth_token", "/wellness-api/rest/user/registration", { method: "DELETE", token: accessToken });
  };

/**
 * Garmin Health/Activity API. Listings are by *upload* time (≤ 24 h a call), so a late upload
 * has a new upload time and needs no lookback beyond clock skew. Uploads answer 409 for a
 * duplicate (code 202) only; a different overlapping activity is accepted. `updatedAt` is the activity's end (no modification time).
 *
 * Summaries carry UTC seconds plus `startTimeOffsetInSeconds` and no visibility at all: the Activity
 * API hands an app the user's own data, so records read from it are not private. Writes go through
 * Garmin Connect's activity-service, which deletes activities and updates their name, type
 * (`activityTypeDTO`) and privacy (`accessControlRuleDTO`), but not their times: a changed time is a
 * replacement. An upload takes no privacy, so a private record is made private right after it.
 */
export function createGarminAdapter(options: AdapterOptions): {
  dataProvider: DataProvider;
  oauth: OAuthClient;
  records: ReturnType<typeof createGarminRecordProviders>;
} {
  const now = options.now ?? Date.now;
  const http = new PartnerHttp(
    { provider: "garmin", observe: options.observe, now },
    { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 10_000 },
  );
  const skew = options.lookbackSeconds ?? 300;
  const initial = options.initialWindowSeconds ?? MAX_WINDOW;

  const toMetadata = (s: Summary): ActivityMetadata => {
    const offset = utcOffset(s.startTimeOffsetInSeconds);
    return {
      id: s.summaryId,
      startTime: iso(s.startTimeInSeconds),
      endTime: iso(s.startTimeInSeconds + s.durationInSeconds),
      type: ALIASES[s.activityType] ?? typeFrom(TYPES, s.activityType),
      name: s.activityName,
      updatedAt: iso(s.startTimeInSeconds + s.durationInSeconds),
      private: false,
      ...(offset === undefined ? {} : { utcOffsetSeconds: offset }),
    };
  };

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

  const activityPath = (id: string) => `/activity-service/activity/${encodeURIComponent(id)}`;
  /** Garmin Connect's update of one activity; false when it has no such activity (404). */
  const update = async (token: string, id: string, body: Record<string, unknown>): Promise<boolean> =>
    (await http.request("update", activityPath(id), { token, method: "PUT", json: { activityId: Number(id), ...body }, accept: [404] }))
      .status !== 404;
  // "private" is Only Me; a record that is not private goes to the user's connections ("subscribers"),
  // the least exposure that is not private: SyncWell does not know the user's Garmin default.
  const privacy = (hidden: boolean) => ({ accessControlRuleDTO: { typeKey: hidden ? "private" : "subscribers" } });

  /** Makes a just-uploaded activity private; if that fails it is deleted, never left public, and the push is retried. */
  const keepPrivate = async (token: string, id: string) => {
    try {
      await update(token, id, privacy(true));
    } catch (error) {
      await http.request("update", activityPath(id), { token, method: "DELETE", accept: [404] }).catch(() => undefined);
      throw error instanceof PartnerError
        ? error
        : new PartnerError("transient", String(error), { provider: "garmin", operation: "update" });
    }
  };

  const remove = (token: string, id: string) => http.request("update", activityPath(id), { token, method: "DELETE", accept: [404] });

  /**
   * Uploads first and deletes what the record replaces after: a failed upload never leaves the user
   * without the record it was to replace. An edit written anew carries its copy's own external id,
   * which Garmin refuses as a duplicate of that copy: then the copy goes first (the engine marked the
   * replacement before, so a cut-short one is written again).
   */
  const push = async (token: string, record: PushRecord): Promise<PushResult> => {
    // A record without samples (a manual activity) goes the same way: the file carries its start, end and external id.
    let reply = await upload(token, record);
    let result = reply.json<ImportResult>().detailedImportResult;
    const refused = result.failures[0];
    if (record.replacesId && refused?.messages[0]?.code === 202 && String(refused.internalId) === record.replacesId) {
      await remove(token, record.replacesId);
      reply = await upload(token, record);
      result = reply.json<ImportResult>().detailedImportResult;
    } else if (record.replacesId && reply.status !== 409 && result.successes[0]) await remove(token, record.replacesId);
    const success = result.successes[0];
    if (reply.status !== 409 && success) {
      if (isPrivate(record.payload)) await keepPrivate(token, String(success.internalId));
      return { externalId: record.externalId, status: "written", destinationId: String(success.internalId) };
    }
    const failure = result.failures[0];
    const code = failure?.messages[0]?.code;
    if (code === 202) return { externalId: record.externalId, status: "duplicate", destinationId: String(failure?.internalId) };
    // Garmin refuses only identical uploads (202); overlaps are accepted and the engine decides conflicts.
    return { externalId: record.externalId, status: "conflict", message: failure?.messages[0]?.content ?? "rejected" };
  };

  const change = async (token: string, c: RecordChange): Promise<ChangeResult> => {
    if (!/^\d{1,20}$/.test(c.destinationId)) return { destinationId: c.destinationId, status: "gone" };
    if (c.kind === "delete") {
      const reply = await http.request("update", activityPath(c.destinationId), { token, method: "DELETE", accept: [404] });
      return { destinationId: c.destinationId, status: reply.status === 404 ? "gone" : "done" };
    }
    if (c.fields.includes("times")) return cannotChange(c, "garmin", "update an activity's times (replace it instead)");
    const body = {
      ...(c.fields.includes("name") ? { activityName: c.record.name } : {}),
      ...(c.fields.includes("type") ? { activityTypeDTO: { typeKey: TYPES[c.record.type].toLowerCase() } } : {}),
      ...(c.fields.includes("private") ? privacy(isPrivate(c.record)) : {}),
    };
    if (Object.keys(body).length === 0) return { destinationId: c.destinationId, status: "done" };
    return { destinationId: c.destinationId, status: (await update(token, c.destinationId, body)) ? "done" : "gone" };
  };

  const dataProvider: DataProvider = {
    provider: "garmin",
    capabilities: { reportsConflicts: false, canDelete: true, updatable: ["name", "type", "private"], reportsModificationTime: false },
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
    applyChanges: ({ accessToken }, changes) => applyEach(changes, (c) => change(accessToken, c)),
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
    revoke: deregister(http),
  };
  // Sleep, daily activity and body (SPEC §18) share this client: one rate limit, one set of metrics.
  const records = createGarminRecordProviders(http, { now, skewSeconds: skew, initialWindowSeconds: initial });
  return { dataProvider, oauth, records };
}
