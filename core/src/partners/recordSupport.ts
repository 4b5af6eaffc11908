import type { ActivityMetadata, ActivityPayload } from "../contracts/activity.ts";
import { type DailyActivity, type Sleep, valuesOf } from "../contracts/healthData.ts";
import type { DataProvider } from "../ports/DataProvider.ts";
import { utcOffset } from "./adapterSupport.ts";

/** A partner's adapters for the data types besides workouts that it is a source of (SPEC §18). */
export interface RecordProviders {
  sleep: DataProvider;
  daily_activity: DataProvider;
}

/**
 * The offset a partner's local datetime is written in (Oura `2026-03-01T08:00:00+02:00`, Polar sleep
 * `2020-01-01T00:39:07+03:00`), in seconds; undefined without one.
 */
export function offsetOf(datetime: string): number | undefined {
  const m = /(Z|([+-])(\d{2}):?(\d{2}))$/.exec(datetime);
  if (!m) return undefined;
  if (m[1] === "Z") return 0;
  return utcOffset((m[2] === "-" ? -1 : 1) * (Number(m[3]) * 3600 + Number(m[4]) * 60));
}

const DAY_MS = 86400_000;

/**
 * A sleep session as normalised metadata: its UTC start and end, `other`/"Sleep" (sleep has no
 * activity type), and not private — sleep has no sharing setting, and an absent flag would count as
 * private. Where the partner reports no modification time, the session's end stands in for it.
 */
export function sleepMetadata(s: { id: string; start: string; end: string; updatedAt?: string; sourceRef?: string }): ActivityMetadata {
  const offset = offsetOf(s.start);
  const endTime = new Date(s.end).toISOString();
  return {
    id: s.id,
    startTime: new Date(s.start).toISOString(),
    endTime,
    type: "other",
    name: "Sleep",
    updatedAt: s.updatedAt ? new Date(s.updatedAt).toISOString() : endTime,
    private: false,
    ...(s.sourceRef === undefined ? {} : { sourceRef: s.sourceRef }),
    ...(offset === undefined ? {} : { utcOffsetSeconds: offset }),
  };
}

/**
 * A day's totals as normalised metadata: the local date's midnight as a UTC instant (UTC where the
 * partner gives no offset) to 24 h later, named by its date, with its totals as `values` — a daily
 * record *is* its values. Where the partner reports no modification time, the day's end stands in.
 */
export function dailyMetadata(d: {
  id: string;
  daily: DailyActivity;
  offsetSeconds: number | undefined;
  updatedAt?: string;
  sourceRef?: string;
}): ActivityMetadata {
  const start = Date.parse(`${d.daily.date}T00:00:00Z`) - (d.offsetSeconds ?? 0) * 1000;
  const endTime = new Date(start + DAY_MS).toISOString();
  const values = valuesOf({ daily: d.daily });
  return {
    id: d.id,
    startTime: new Date(start).toISOString(),
    endTime,
    type: "other",
    name: d.daily.date,
    updatedAt: d.updatedAt ? new Date(d.updatedAt).toISOString() : endTime,
    private: false,
    ...(values === undefined ? {} : { values }),
    ...(d.sourceRef === undefined ? {} : { sourceRef: d.sourceRef }),
    ...(d.offsetSeconds === undefined ? {} : { utcOffsetSeconds: d.offsetSeconds }),
  };
}

/** The payload of a record of another data type: its metadata (less the adapter's locator) and what it says. */
export function recordPayload(metadata: ActivityMetadata, data: { sleep: Sleep } | { daily: DailyActivity }): ActivityPayload {
  const { sourceRef: _ref, ...rest } = metadata;
  return { ...rest, samples: [], ...data };
}

/** Whether a record ended after a moment (an ISO time; always, without one): the "anything new?" test. */
export const endedAfter = (record: { endTime: string }, since: string | undefined) =>
  !since || Date.parse(record.endTime) > Date.parse(since);

/** Merges runs of one stage into stages, dropping what lasts under a second. */
export function stageRuns(
  marks: readonly { stage: Sleep["stages"][number]["stage"] | undefined; offsetSeconds: number }[],
  totalSeconds: number,
): Sleep["stages"] {
  const stages: Sleep["stages"] = [];
  const ordered = [...marks].sort((a, b) => a.offsetSeconds - b.offsetSeconds);
  for (const [i, mark] of ordered.entries()) {
    const start = Math.max(0, Math.round(mark.offsetSeconds));
    const end = Math.min(totalSeconds, Math.round(ordered[i + 1]?.offsetSeconds ?? totalSeconds));
    if (mark.stage === undefined || end - start < 1) continue;
    const last = stages.at(-1);
    if (last && last.stage === mark.stage && last.startOffsetSeconds + last.seconds === start) last.seconds += end - start;
    else stages.push({ stage: mark.stage, startOffsetSeconds: start, seconds: end - start });
  }
  return stages;
}
