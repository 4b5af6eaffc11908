import type { ActivityMetadata } from "../contracts/activity.ts";
import type { DailyActivity, Sleep } from "../contracts/healthData.ts";
import type { DataProvider } from "../ports/DataProvider.ts";
import { notADestination, SOURCE_ONLY } from "./adapterSupport.ts";
import type { PartnerHttp } from "./PartnerHttp.ts";
import { dailyMetadata, endedAfter, type RecordProviders, recordPayload, sleepMetadata, stageRuns } from "./recordSupport.ts";

/**
 * AccessLink's hypnogram codes: 0 = wake, 1 = REM, 2 = lighter non-REM (N1), 3 = light non-REM (N2),
 * 4 = deep non-REM (N3), 5 = unknown (e.g. bad skin contact: no stage, left as a gap).
 */
const CODES: Record<number, Sleep["stages"][number]["stage"] | undefined> = { 0: "awake", 1: "rem", 2: "light", 3: "light", 4: "deep" };

const DAY_SECONDS = 86400;
const clockSeconds = (hhmm: string) => Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3, 5)) * 60 + Number(hhmm.slice(6, 8) || 0);

/**
 * Stages from a Polar hypnogram, `{"HH:MM": code}` in local wall-clock time: each key starts a stage
 * that lasts until the next, the last until the sleep's end. Keys are minutes, so a night that
 * crosses midnight is ordered by its distance from the (local) start, and a key in the start's own
 * minute begins at the start.
 */
export function stagesFromHypnogram(hypnogram: Record<string, number>, sleepStart: string, sleepEnd: string): Sleep["stages"] {
  const startClock = clockSeconds(sleepStart.slice(11, 19));
  const total = (Date.parse(sleepEnd) - Date.parse(sleepStart)) / 1000;
  return stageRuns(
    Object.entries(hypnogram)
      .filter(([key]) => /^\d{2}:\d{2}$/.test(key))
      .map(([key, code]) => {
        let delta = clockSeconds(key) - startClock;
        if (delta <= -60) delta += DAY_SECONDS;
        return { stage: CODES[code], offsetSeconds: Math.max(0, delta) };
      }),
    total,
  );
}

interface AvailableSleep {
  date: string;
  start_time: string;
  end_time: string;
}

interface Night extends AvailableSleep {
  sleep_start_time: string;
  sleep_end_time: string;
  hypnogram: Record<string, number>;
}

/** An activity summary of an activity transaction (AccessLink "Daily activity"). */
interface ActivitySummary {
  id: number | string;
  date: string;
  /** When AccessLink received it: UTC, though written without a zone (`YYYY-MM-DDTHH:mm:ss.SSS`). */
  created: string;
  "active-calories": number;
  "active-steps": number;
  /** The mock's addition (AccessLink reports distance only on its newer daily-activity resource). */
  "distance-from-steps"?: number;
}

const utc = (time: string) => (/(Z|[+-]\d{2}:?\d{2})$/.test(time) ? time : `${time}Z`);

function totalsOf(s: ActivitySummary): DailyActivity {
  return { date: s.date, steps: s["active-steps"], activeCalories: s["active-calories"], distanceMeters: s["distance-from-steps"] ?? 0 };
}

/**
 * Polar AccessLink as a source of sleep and daily activity.
 *
 * Sleep (AccessLink "Sleep") is not transactional: the last 28 nights are always there, one per
 * date, so a night's id is its date. The light `sleep/available` list gives the metadata (start and
 * end with their offset), `sleep/{date}` the hypnogram. No modification time: a night's end stands in.
 *
 * Daily activity comes through activity transactions, as exercises do: create → list → get each
 * summary, committed after the job succeeded. "Begin and end of day are determined by the time set on
 * the device used. No timezone information is available": a day is read as a UTC day, with no offset.
 * Each summary says when AccessLink received it (`created`): a real modification time.
 */
export function createPolarRecords(deps: { http: PartnerHttp; basic: string }, options: { lookbackSeconds: number }): RecordProviders {
  const { http } = deps;

  const nights = async (token: string) =>
    (await http.request("list_metadata", "/v3/users/sleep/available", { token })).json<{ available: AvailableSleep[] }>().available;
  const toSleep = (n: AvailableSleep) => sleepMetadata({ id: n.date, start: n.start_time, end: n.end_time });

  const sleep: DataProvider = {
    provider: "polar",
    capabilities: SOURCE_ONLY,
    async fetchMetadata({ accessToken }, since) {
      const from = since ? Date.parse(since) - options.lookbackSeconds * 1000 : Number.NEGATIVE_INFINITY;
      return { records: (await nights(accessToken)).map(toSleep).filter((r) => Date.parse(r.endTime) > from) };
    },
    fetchOverlapping: async () => notADestination("polar"),
    async fetchPayloads({ accessToken }, records) {
      const payloads = [];
      for (const record of records) {
        const night = (
          await http.request("get_payload", `/v3/users/sleep/${encodeURIComponent(record.id)}`, { token: accessToken })
        ).json<Night>();
        payloads.push(
          recordPayload(record, { sleep: { stages: stagesFromHypnogram(night.hypnogram, night.sleep_start_time, night.sleep_end_time) } }),
        );
      }
      return payloads;
    },
    pushData: async () => notADestination("polar"),
    async hasNewData({ accessToken }, since) {
      return (await nights(accessToken)).map(toSleep).some((r) => endedAfter(r, since));
    },
  };

  const toDaily = (s: ActivitySummary, url: string): ActivityMetadata =>
    dailyMetadata({ id: String(s.id), daily: totalsOf(s), offsetSeconds: undefined, updatedAt: utc(s.created), sourceRef: url });

  const dailyActivity: DataProvider = {
    provider: "polar",
    capabilities: { ...SOURCE_ONLY, reportsModificationTime: true },
    async fetchMetadata({ accessToken, providerUserId }) {
      const base = `/v3/users/${encodeURIComponent(providerUserId)}/activity-transactions`;
      const created = await http.request("list_metadata", base, { token: accessToken, method: "POST", accept: [204] });
      if (created.status === 204) return { records: [] };
      const transactionId = created.json<{ "transaction-id": number }>()["transaction-id"];
      const urls = (await http.request("list_metadata", `${base}/${transactionId}`, { token: accessToken })).json<{
        "activity-log": string[];
      }>()["activity-log"];
      const records: ActivityMetadata[] = [];
      for (const url of urls)
        records.push(toDaily((await http.request("list_metadata", url, { token: accessToken })).json<ActivitySummary>(), url));
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
        // The summary again, inside the transaction still open until the job commits it.
        const summary = (await http.request("get_payload", record.sourceRef ?? "", { token: accessToken })).json<ActivitySummary>();
        payloads.push(recordPayload(record, { daily: totalsOf(summary) }));
      }
      return payloads;
    },
    pushData: async () => notADestination("polar"),
    async hasNewData({ providerUserId }) {
      const reply = await http.request("preflight", "/v3/notifications", { headers: { authorization: deps.basic }, accept: [204] });
      if (reply.status === 204) return false;
      return reply
        .json<{ "available-user-data": { "user-id": number; "data-type": string }[] }>()
        ["available-user-data"].some((n) => String(n["user-id"]) === providerUserId && n["data-type"] === "ACTIVITY_SUMMARY");
    },
  };

  return { sleep, daily_activity: dailyActivity };
}
