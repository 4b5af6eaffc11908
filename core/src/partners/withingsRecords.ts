import type { ActivityMetadata, ActivityPayload } from "../contracts/activity.ts";
import { type Body, BodySchema, type Sleep, valuesOf } from "../contracts/healthData.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import type { DataProvider } from "../ports/DataProvider.ts";
import { iso, notADestination, SOURCE_ONLY } from "./adapterSupport.ts";
import type { PartnerHttp } from "./PartnerHttp.ts";
import { withingsCall } from "./withingsApi.ts";

/** Measure types (Withings "Measure - Getmeas"): 1 weight (kg), 6 fat ratio (%). */
export const WITHINGS_WEIGHT = 1;
export const WITHINGS_FAT_RATIO = 6;

/** Sleep states of "Sleep v2 - Get": 0 awake, 1 light, 2 deep, 3 REM (4 manual and 5 unspecified say nothing of a stage). */
const STAGES: Record<number, Sleep["stages"][number]["stage"]> = { 0: "awake", 1: "light", 2: "deep", 3: "rem" };

interface MeasureGroup {
  grpid: number;
  date: number;
  created: number;
  modified: number;
  category: number;
  measures: { value: number; type: number; unit: number }[];
}
interface SleepSummary {
  id: number;
  startdate: number;
  enddate: number;
  modified: number;
}
interface SleepSegment {
  startdate: number;
  enddate: number;
  state: number;
}

/** `more` is 0/1 in getmeas and a boolean in the v2 services. */
const hasMore = (more: unknown) => more === true || more === 1;

/** A measure's real value: `value × 10^unit`, without binary noise. */
const real = (m: { value: number; unit: number }) => Number((m.value * 10 ** m.unit).toFixed(Math.max(0, -m.unit)));

/** A measure group as a body measurement; undefined for one without a weight (a fat ratio alone is not one). */
export function bodyOf(group: MeasureGroup): Body | undefined {
  const weight = group.measures.find((m) => m.type === WITHINGS_WEIGHT);
  if (!weight) return undefined;
  const fat = group.measures.find((m) => m.type === WITHINGS_FAT_RATIO);
  return { weightKg: real(weight), ...(fat ? { fatPercent: real(fat) } : {}) };
}

/** A weigh-in: a moment (start = end), its values its identity, `modified` its modification time. */
function bodyMetadata(group: MeasureGroup, body: Body): ActivityMetadata {
  const at = iso(group.date);
  return {
    id: String(group.grpid),
    startTime: at,
    endTime: at,
    type: "other",
    name: "Weigh-in",
    updatedAt: iso(group.modified),
    private: false,
    values: valuesOf({ body }) as string,
    // The listing carries the whole measurement: the payload is built from it, with no second read.
    sourceRef: JSON.stringify(body),
  };
}

/** The measurement a listed weigh-in carries in its `sourceRef`, or undefined (a record listed elsewhere). */
function listedBody(record: ActivityMetadata): Body | undefined {
  try {
    const parsed = BodySchema.safeParse(JSON.parse(record.sourceRef ?? ""));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sleepMetadata(s: SleepSummary): ActivityMetadata {
  return {
    id: String(s.id),
    startTime: iso(s.startdate),
    endTime: iso(s.enddate),
    type: "other",
    name: "Sleep",
    updatedAt: iso(s.modified),
    private: false,
  };
}

/** The stages of a session from the sleep series: each segment clipped to the session, runs of one stage merged. */
export function stagesOf(session: { start: number; end: number }, segments: readonly SleepSegment[]): Sleep["stages"] {
  const stages: Sleep["stages"] = [];
  for (const s of [...segments].sort((a, b) => a.startdate - b.startdate)) {
    const stage = STAGES[s.state];
    const from = Math.max(s.startdate, session.start);
    const to = Math.min(s.enddate, session.end);
    if (stage === undefined || to - from < 1) continue;
    const last = stages.at(-1);
    const offset = from - session.start;
    if (last && last.stage === stage && last.startOffsetSeconds + last.seconds === offset) last.seconds += to - from;
    else stages.push({ stage, startOffsetSeconds: offset, seconds: to - from });
  }
  return stages;
}

const seconds = (isoTime: string) => Math.floor(Date.parse(isoTime) / 1000);

/**
 * Withings' body measurements (`/measure` getmeas: weight and fat ratio of real measures, category 1)
 * and sleep sessions (`/v2/sleep` getsummary, their stages from get), read by modification time
 * (`lastupdate`) with a lookback, page by page (`more`/`offset`). A source only; Withings data is the
 * user's own, so nothing is private.
 */
export function createWithingsRecords(
  deps: { http: PartnerHttp; now: () => number },
  options: { lookbackSeconds: number; initialWindowSeconds: number },
): { body: DataProvider; sleep: DataProvider } {
  const call = <T>(
    operation: "list_metadata" | "get_payload",
    path: string,
    form: Record<string, string | number | undefined>,
    token: string,
  ) => withingsCall<T>(deps.http, deps, operation, path, form, token);
  const lastUpdate = (since: string | undefined, lookback: number) =>
    since ? seconds(since) - lookback : Math.floor(deps.now() / 1000) - options.initialWindowSeconds;

  const measureGroups = async (token: string, range: Record<string, number>, maxPages = Number.POSITIVE_INFINITY) => {
    const groups: MeasureGroup[] = [];
    let offset: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await call<{ measuregrps?: MeasureGroup[]; more?: unknown; offset?: number }>(
        "list_metadata",
        "/measure",
        { action: "getmeas", meastypes: `${WITHINGS_WEIGHT},${WITHINGS_FAT_RATIO}`, category: 1, ...range, offset },
        token,
      );
      groups.push(...(page.measuregrps ?? []));
      pages += 1;
      if (!hasMore(page.more) || page.offset === undefined || pages >= maxPages) return groups;
      offset = page.offset;
    }
  };
  const weighIns = (groups: readonly MeasureGroup[]) =>
    groups.flatMap((g) => {
      const body = g.category === 1 ? bodyOf(g) : undefined;
      return body ? [{ group: g, body }] : [];
    });

  const body: DataProvider = {
    provider: "withings",
    capabilities: { ...SOURCE_ONLY, reportsModificationTime: true },
    async fetchMetadata({ accessToken }, since) {
      const groups = await measureGroups(accessToken, { lastupdate: lastUpdate(since, options.lookbackSeconds) });
      return { records: weighIns(groups).map(({ group, body }) => bodyMetadata(group, body)) };
    },
    fetchOverlapping: async () => notADestination("withings"),
    async fetchPayloads({ accessToken }, records) {
      if (records.length === 0) return [];
      // A weigh-in is its values, which its listing carried: no call. Else one read of the span they were measured in.
      if (records.every((r) => listedBody(r)))
        return records.map((record): ActivityPayload => {
          const { sourceRef: _ref, ...metadata } = record;
          return { ...metadata, samples: [], body: listedBody(record) as Body };
        });
      const dates = records.map((r) => seconds(r.startTime));
      const groups = await measureGroups(accessToken, { startdate: Math.min(...dates), enddate: Math.max(...dates) + 1 });
      const found = new Map(weighIns(groups).map((w) => [String(w.group.grpid), w]));
      return records.map((record): ActivityPayload => {
        const w = found.get(record.id);
        if (!w)
          throw new PartnerError("transient", `withings measure group ${record.id} is gone since it was listed: the retry reads again`, {
            provider: "withings",
            operation: "get_payload",
          });
        const { sourceRef: _ref, ...metadata } = bodyMetadata(w.group, w.body);
        return { ...metadata, samples: [], body: w.body };
      });
    },
    pushData: async () => notADestination("withings"),
    async hasNewData({ accessToken }, since) {
      return weighIns(await measureGroups(accessToken, { lastupdate: lastUpdate(since, 0) }, 1)).length > 0;
    },
  };

  const summaries = async (token: string, lastupdate: number, maxPages = Number.POSITIVE_INFINITY) => {
    const out: SleepSummary[] = [];
    let offset: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await call<{ series?: SleepSummary[]; more?: unknown; offset?: number }>(
        "list_metadata",
        "/v2/sleep",
        { action: "getsummary", lastupdate, data_fields: "total_timeinbed,total_sleep_time", offset },
        token,
      );
      out.push(...(page.series ?? []));
      pages += 1;
      if (!hasMore(page.more) || page.offset === undefined || pages >= maxPages) return out;
      offset = page.offset;
    }
  };

  const sleep: DataProvider = {
    provider: "withings",
    capabilities: { ...SOURCE_ONLY, reportsModificationTime: true },
    async fetchMetadata({ accessToken }, since) {
      return { records: (await summaries(accessToken, lastUpdate(since, options.lookbackSeconds))).map(sleepMetadata) };
    },
    fetchOverlapping: async () => notADestination("withings"),
    async fetchPayloads({ accessToken }, records) {
      const payloads: ActivityPayload[] = [];
      for (const record of records) {
        const session = { start: seconds(record.startTime), end: seconds(record.endTime) };
        const segments: SleepSegment[] = [];
        // Sleep v2 - Get answers at most the 24 h after startdate: a longer session is read a day at a time.
        for (let from = session.start; from < session.end; from += 86400) {
          const page = await call<{ series?: SleepSegment[] }>(
            "get_payload",
            "/v2/sleep",
            { action: "get", startdate: from, enddate: Math.min(session.end, from + 86400) },
            accessToken,
          );
          segments.push(...(page.series ?? []));
        }
        const { sourceRef: _ref, ...metadata } = record;
        payloads.push({ ...metadata, samples: [], sleep: { stages: stagesOf(session, segments) } });
      }
      return payloads;
    },
    pushData: async () => notADestination("withings"),
    async hasNewData({ accessToken }, since) {
      return (await summaries(accessToken, lastUpdate(since, 0), 1)).length > 0;
    },
  };
  return { body, sleep };
}
