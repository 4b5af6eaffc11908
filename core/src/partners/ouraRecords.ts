import type { ActivityMetadata } from "../contracts/activity.ts";
import type { Sleep } from "../contracts/healthData.ts";
import type { DataProvider, ProviderCredentials } from "../ports/DataProvider.ts";
import { notADestination, SOURCE_ONLY } from "./adapterSupport.ts";
import type { PartnerHttp } from "./PartnerHttp.ts";
import { dailyMetadata, endedAfter, offsetOf, type RecordProviders, recordPayload, sleepMetadata, stageRuns } from "./recordSupport.ts";

/** Oura's `sleep_phase_5_min` characters (API v2 sleep model): 1 = deep, 2 = light, 3 = REM, 4 = awake. */
const PHASES: Record<string, Sleep["stages"][number]["stage"]> = { "1": "deep", "2": "light", "3": "rem", "4": "awake" };
const SLOT_SECONDS = 300;

/**
 * Stages from Oura's 5-minute hypnogram: one character per 5 minutes from bedtime start, runs of one
 * stage merged, the last cut at the session's end; an unknown character leaves a gap.
 */
export function stagesFromPhases(phases: string, totalSeconds: number): Sleep["stages"] {
  return stageRuns(
    [...phases].map((c, i) => ({ stage: PHASES[c], offsetSeconds: i * SLOT_SECONDS })),
    totalSeconds,
  );
}

interface OuraSleep {
  id: string;
  bedtime_start: string;
  bedtime_end: string;
  type: string;
  sleep_phase_5_min: string | null;
}

interface OuraDailyActivity {
  id: string;
  day: string;
  steps: number;
  active_calories: number;
  equivalent_walking_distance: number;
  /** The day's start (4 a.m. local) with the user's offset. */
  timestamp: string;
}

type Collection = "sleep" | "daily_activity";

/** A daily activity's totals; Oura's distance is the equivalent walking distance of the day's energy, in meters. */
function dailyTotals(d: OuraDailyActivity) {
  return { date: d.day, steps: d.steps, activeCalories: d.active_calories, distanceMeters: d.equivalent_walking_distance };
}

/**
 * Oura API v2 as a source of sleep periods and daily activity (`/v2/usercollection/sleep`,
 * `/v2/usercollection/daily_activity`): listed by day with a lookback like the workouts, named
 * by webhooks (`data_type` `sleep` / `daily_activity`), read one by one for their payloads. Oura
 * reports no modification time for either.
 */
export function createOuraRecords(
  deps: { http: PartnerHttp; now: () => number },
  options: { lookbackSeconds: number; initialWindowSeconds: number },
): RecordProviders {
  const { http, now } = deps;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  const sleepOf = (s: OuraSleep) => sleepMetadata({ id: s.id, start: s.bedtime_start, end: s.bedtime_end });
  const dailyOf = (d: OuraDailyActivity) => dailyMetadata({ id: d.id, daily: dailyTotals(d), offsetSeconds: offsetOf(d.timestamp) });

  const list = async <T>(collection: Collection, token: string, fromMs: number, maxPages = Number.POSITIVE_INFINITY) => {
    const out: T[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const reply = await http.request("list_metadata", `/v2/usercollection/${collection}`, {
        token,
        query: { start_date: day(fromMs), end_date: day(now() + 86400_000), next_token: next ?? undefined },
      });
      const body = reply.json<{ data: T[]; next_token: string | null }>();
      out.push(...body.data);
      next = body.next_token;
      pages += 1;
    } while (next && pages < maxPages);
    return out;
  };

  /** One document; a webhook may name one that is gone (undefined), a payload must exist (404 raises). */
  const one = async <T>(operation: "list_metadata" | "get_payload", collection: Collection, token: string, id: string) => {
    const reply = await http.request(operation, `/v2/usercollection/${collection}/${encodeURIComponent(id)}`, {
      token,
      accept: operation === "list_metadata" ? [404] : [],
    });
    return reply.status === 404 ? undefined : reply.json<T>();
  };

  const provider = <T>(
    collection: Collection,
    toMetadata: (doc: T) => ActivityMetadata,
    toPayload: (doc: T, record: ActivityMetadata) => ReturnType<typeof recordPayload>,
  ): DataProvider => ({
    provider: "oura",
    capabilities: SOURCE_ONLY,
    async fetchMetadata({ accessToken }: ProviderCredentials, since) {
      const from = since ? Date.parse(since) - options.lookbackSeconds * 1000 : now() - options.initialWindowSeconds * 1000;
      return { records: (await list<T>(collection, accessToken, from)).map(toMetadata) };
    },
    async fetchRecords({ accessToken }, ids) {
      const found: ActivityMetadata[] = [];
      for (const id of ids) {
        const doc = await one<T>("list_metadata", collection, accessToken, id);
        if (doc) found.push(toMetadata(doc));
      }
      return found;
    },
    fetchOverlapping: async () => notADestination("oura"),
    async fetchPayloads({ accessToken }, records) {
      const payloads = [];
      for (const record of records) {
        payloads.push(toPayload((await one<T>("get_payload", collection, accessToken, record.id)) as T, record));
      }
      return payloads;
    },
    pushData: async () => notADestination("oura"),
    async hasNewData({ accessToken }, since) {
      const from = since ? Date.parse(since) : now() - options.initialWindowSeconds * 1000;
      return (await list<T>(collection, accessToken, from, 1)).map(toMetadata).some((r) => endedAfter(r, since));
    },
  });

  return {
    sleep: provider<OuraSleep>("sleep", sleepOf, (s, record) =>
      recordPayload(record, {
        sleep: {
          stages: stagesFromPhases(s.sleep_phase_5_min ?? "", (Date.parse(record.endTime) - Date.parse(record.startTime)) / 1000),
        },
      }),
    ),
    daily_activity: provider<OuraDailyActivity>("daily_activity", dailyOf, (d, record) => recordPayload(record, { daily: dailyTotals(d) })),
  };
}
