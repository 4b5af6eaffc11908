import type { Sleep } from "@syncwell/core";
import type { StoredActivity } from "../store.ts";
import { epochSeconds } from "./common.ts";

/** Measure types of "Measure - Getmeas": 1 weight (kg), 6 fat ratio (%). */
export const WEIGHT = 1;
export const FAT_RATIO = 6;
/** Notification categories (`appli`): 1 weight and body composition, 44 sleep, 46 user events (unlink, delete). */
export const APPLI = { body: 1, sleep: 44, user: 46 } as const;
/** Every `appli` Withings documents for Notify - Subscribe. */
export const KNOWN_APPLIS = [1, 2, 4, 16, 44, 46, 50, 51, 52, 53, 54, 55, 58] as const;
/** Sleep states of "Sleep v2 - Get": 0 awake, 1 light, 2 deep, 3 REM. */
const STATE: Record<Sleep["stages"][number]["stage"], number> = { awake: 0, light: 1, deep: 2, rem: 3 };

/** Withings ids are integers; a test may have given a record another id, which is kept as it is. */
export const idOf = (nativeId: string): number | string => (/^\d{1,15}$/.test(nativeId) ? Number(nativeId) : nativeId);

/** An IANA zone for an offset where one exists (`Etc/GMT-2` is UTC+2); Withings names the user's zone. */
export function zoneOf(offsetSeconds: number): string {
  if (offsetSeconds === 0 || offsetSeconds % 3600 !== 0) return "UTC";
  const hours = offsetSeconds / 3600;
  return `Etc/GMT${hours > 0 ? "-" : "+"}${Math.abs(hours)}`;
}

const created = (a: StoredActivity) => Math.min(epochSeconds(a.visibleAt), epochSeconds(a.updatedAt));

/**
 * A body measurement as a Withings measure group (category 1, real measures): `value × 10^unit`,
 * weight and fat ratio in thousandths. `types` keeps the measures asked for (`meastype(s)`).
 */
export function measureGroup(a: StoredActivity, types: readonly number[] | undefined) {
  const body = a.data && "body" in a.data ? a.data.body : undefined;
  const measures = [
    ...(body ? [{ value: Math.round(body.weightKg * 1000), type: WEIGHT, unit: -3, algo: 0, fm: 3 }] : []),
    ...(body?.fatPercent !== undefined ? [{ value: Math.round(body.fatPercent * 1000), type: FAT_RATIO, unit: -3, algo: 0, fm: 3 }] : []),
  ].filter((m) => !types || types.includes(m.type));
  return {
    grpid: idOf(a.nativeId),
    attrib: 0,
    date: epochSeconds(a.startTime),
    created: created(a),
    modified: epochSeconds(a.updatedAt),
    category: 1,
    deviceid: null,
    hash_deviceid: null,
    measures,
    modelid: 13,
    model: "Body+",
    comment: null,
  };
}

const stagesOf = (a: StoredActivity): Sleep["stages"] => (a.data && "sleep" in a.data ? a.data.sleep.stages : []);

/** The night's date (Withings: the local date the user woke up on). */
export const nightOf = (a: StoredActivity) => new Date(a.endTime.getTime() + a.utcOffsetSeconds * 1000).toISOString().slice(0, 10);

/** A sleep session as "Sleep v2 - Getsummary" series it: its times, night, and durations by state. */
export function sleepSummary(a: StoredActivity, fields: readonly string[] | undefined) {
  const stages = stagesOf(a);
  const total = (stage: string) => stages.filter((s) => s.stage === stage).reduce((sum, s) => sum + s.seconds, 0);
  const data: Record<string, number> = {
    total_timeinbed: epochSeconds(a.endTime) - epochSeconds(a.startTime),
    total_sleep_time: total("light") + total("deep") + total("rem"),
    lightsleepduration: total("light"),
    deepsleepduration: total("deep"),
    remsleepduration: total("rem"),
    wakeupduration: total("awake"),
    wakeupcount: stages.filter((s, i) => s.stage === "awake" && i > 0).length,
  };
  return {
    id: idOf(a.nativeId),
    timezone: zoneOf(a.utcOffsetSeconds),
    model: 32,
    model_id: 63,
    startdate: epochSeconds(a.startTime),
    enddate: epochSeconds(a.endTime),
    date: nightOf(a),
    created: created(a),
    modified: epochSeconds(a.updatedAt),
    data: fields ? Object.fromEntries(Object.entries(data).filter(([k]) => fields.includes(k))) : data,
  };
}

/** A session's stages as the segments of "Sleep v2 - Get": `startdate`, `enddate`, `state`. */
export function sleepSegments(a: StoredActivity) {
  const start = epochSeconds(a.startTime);
  return stagesOf(a).map((s) => ({
    startdate: start + s.startOffsetSeconds,
    enddate: start + s.startOffsetSeconds + s.seconds,
    state: STATE[s.stage],
    model: "Sleep Analyzer",
    model_id: 63,
  }));
}
