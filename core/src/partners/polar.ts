import type { ActivityMetadata, ActivityType } from "../contracts/activity.ts";
import type { DataProvider, OAuthClient } from "../ports/DataProvider.ts";
import { type AdapterOptions, notADestination, payloadFromGpx, SOURCE_ONLY, typeFrom, utcOffset } from "./adapterSupport.ts";
import { PartnerHttp } from "./PartnerHttp.ts";
import { createPolarRecords } from "./polarRecords.ts";
import type { RecordProviders } from "./recordSupport.ts";
import { verifyAccess } from "./verifyAccess.ts";

const TYPES: Record<ActivityType, string> = {
  run: "RUNNING",
  ride: "CYCLING",
  swim: "SWIMMING",
  walk: "WALKING",
  hike: "HIKING",
  workout: "OTHER_INDOOR",
  other: "OTHER_OUTDOOR",
};

interface Exercise {
  id: string;
  "upload-time": string;
  "start-time": string;
  "start-time-utc-offset": number;
  duration: string;
  sport: string;
}

/** Seconds of an ISO-8601 duration like PT1H2M3S. */
export function durationSeconds(value: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value);
  if (!m) return 0;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Math.round(Number(m[3] ?? 0));
}

/**
 * AccessLink's "Delete user" (`DELETE /v3/users/{user-id}`): de-registers the user, which revokes the
 * access token, 204. A user Polar no longer knows (404) has nothing left to revoke.
 */
const deregister =
  (http: PartnerHttp): NonNullable<OAuthClient["revoke"]> =>
  async ({ accessToken, providerUserId }) => {
    const path = `/v3/users/${encodeURIComponent(providerUserId)}`;
    await http.request("oauth_token", path, { method: "DELETE", token: accessToken, accept: [404] });
  };

/**
 * Polar AccessLink: a source only. New data comes through exercise transactions, which offer
 * only what was never committed; the transaction is committed after the job succeeded.
 * The pre-flight check is the pull-notification list.
 *
 * Times (AccessLink reference, "Training data"): "All time values are UTC except start-time.
 * Start-time is the time set on the training computer" — a local time — with its
 * `start-time-utc-offset` in minutes, which places it in UTC. Exercises carry no visibility:
 * AccessLink hands over the user's own training data, so its records are not private.
 * Sleep and daily activity come from `records` (polarRecords.ts), on the same HTTP client.
 */
export function createPolarAdapter(options: AdapterOptions): {
  dataProvider: DataProvider;
  oauth: OAuthClient;
  records: RecordProviders;
} {
  const now = options.now ?? Date.now;
  const http = new PartnerHttp(
    { provider: "polar", observe: options.observe, now },
    { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 10_000 },
  );
  const basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`;

  const toMetadata = (e: Exercise, url: string): ActivityMetadata => {
    const start = Date.parse(`${e["start-time"]}Z`) - e["start-time-utc-offset"] * 60_000;
    const offset = utcOffset(e["start-time-utc-offset"] * 60);
    return {
      id: e.id,
      startTime: new Date(start).toISOString(),
      endTime: new Date(start + durationSeconds(e.duration) * 1000).toISOString(),
      type: typeFrom(TYPES, e.sport),
      name: `${e.sport.charAt(0)}${e.sport.slice(1).toLowerCase().replace(/_/g, " ")}`,
      updatedAt: new Date(e["upload-time"]).toISOString(),
      sourceRef: url,
      private: false,
      ...(offset === undefined ? {} : { utcOffsetSeconds: offset }),
    };
  };

  const dataProvider: DataProvider = {
    provider: "polar",
    // Polar reports each exercise's upload time: a real modification time.
    capabilities: { ...SOURCE_ONLY, reportsModificationTime: true },
    async fetchMetadata({ accessToken, providerUserId }) {
      const base = `/v3/users/${providerUserId}/exercise-transactions`;
      const created = await http.request("list_metadata", base, { token: accessToken, method: "POST", accept: [204] });
      if (created.status === 204) return { records: [] };
      const transactionId = created.json<{ "transaction-id": number }>()["transaction-id"];
      const urls = (await http.request("list_metadata", `${base}/${transactionId}`, { token: accessToken })).json<{ exercises: string[] }>()
        .exercises;
      const records: ActivityMetadata[] = [];
      for (const url of urls)
        records.push(toMetadata((await http.request("list_metadata", url, { token: accessToken })).json<Exercise>(), url));
      return {
        records,
        commit: async () => {
          await http.request("list_metadata", `${base}/${transactionId}`, { token: accessToken, method: "PUT" });
        },
      };
    },
    fetchOverlapping: async () => notADestination("polar"),
    async fetchPayloads({ accessToken }, records) {
      const payloads = [];
      for (const record of records) {
        const reply = await http.request("get_payload", `${record.sourceRef}/gpx`, {
          token: accessToken,
          headers: { accept: "application/gpx+xml" },
        });
        payloads.push(payloadFromGpx(record, reply.text));
      }
      return payloads;
    },
    pushData: async () => notADestination("polar"),
    async hasNewData({ providerUserId }) {
      const reply = await http.request("preflight", "/v3/notifications", { headers: { authorization: basic }, accept: [204] });
      if (reply.status === 204) return false;
      // Training sessions only: a daily summary waiting is the daily-activity adapter's news.
      return reply
        .json<{ "available-user-data": { "user-id": number; "data-type"?: string }[] }>()
        ["available-user-data"].some((n) => String(n["user-id"]) === providerUserId && (n["data-type"] ?? "EXERCISE") === "EXERCISE");
    },
  };

  const grant = async (form: Record<string, string>) => {
    const body = (await http.request("oauth_token", "/v2/oauth2/token", { form, headers: { authorization: basic } })).json<{
      access_token: string;
      refresh_token: string;
      expires_in: number;
      x_user_id?: number;
    }>();
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: new Date(now() + body.expires_in * 1000).toISOString(),
      providerUserId: String(body.x_user_id ?? ""),
    };
  };
  const oauth: OAuthClient = {
    exchangeCode: (code) => grant({ grant_type: "authorization_code", code }),
    async refresh(refreshToken) {
      const { providerUserId: _id, ...rest } = await grant({ grant_type: "refresh_token", refresh_token: refreshToken });
      return rest;
    },
    verifyAccess: ({ accessToken, providerUserId }) => verifyAccess(http, `/v3/users/${encodeURIComponent(providerUserId)}`, accessToken),
    revoke: deregister(http),
  };
  return {
    dataProvider,
    oauth,
    records: createPolarRecords({ http, basic }, { lookbackSeconds: options.lookbackSeconds ?? 2 * 86400 }),
  };
}
