import { z } from "zod";
import type { Provider } from "./providers.ts";

/**
 * What a sync config moves (SPEC §18): workouts, sleep sessions, daily activity totals and body
 * measurements. A config syncs one type; every record a job handles is of its config's type.
 */
export const DATA_TYPES = ["workouts", "sleep", "daily_activity", "body"] as const;
export const DataTypeSchema = z.enum(DATA_TYPES);
export type DataType = z.infer<typeof DataTypeSchema>;

/** Sleep stages, as every partner's own vocabulary maps to them. */
export const SLEEP_STAGES = ["awake", "light", "deep", "rem"] as const;

/** A night (or a nap): its stages in order, as offsets from the session's start. */
export const SleepSchema = z
  .object({
    stages: z
      .array(
        z
          .object({
            stage: z.enum(SLEEP_STAGES),
            startOffsetSeconds: z.number().int().min(0),
            seconds: z.number().int().min(1),
          })
          .strict(),
      )
      .max(2000),
  })
  .strict();
export type Sleep = z.infer<typeof SleepSchema>;

/** One day's totals, for the user's local date. */
export const DailyActivitySchema = z
  .object({
    date: z.iso.date(),
    steps: z.number().int().min(0).max(300_000),
    activeCalories: z.number().min(0).max(20_000),
    distanceMeters: z.number().min(0).max(500_000),
  })
  .strict();
export type DailyActivity = z.infer<typeof DailyActivitySchema>;

/** One measurement: weight, and body fat where the scale measures it. */
export const BodySchema = z
  .object({
    weightKg: z.number().min(1).max(650),
    fatPercent: z.number().min(1).max(80).optional(),
  })
  .strict();
export type Body = z.infer<typeof BodySchema>;

/**
 * The canonical text of what a daily total or a body measurement says: such a record *is* its
 * values, so a change of them is an edit (the fingerprint includes it) and two records with the same
 * values at the same time are the same record.
 */
export function valuesOf(data: { daily?: DailyActivity | undefined; body?: Body | undefined }): string | undefined {
  if (data.daily)
    return `steps=${data.daily.steps};kcal=${Math.round(data.daily.activeCalories)};m=${Math.round(data.daily.distanceMeters)}`;
  if (data.body)
    return `kg=${data.body.weightKg.toFixed(2)}${data.body.fatPercent === undefined ? "" : `;fat=${data.body.fatPercent.toFixed(1)}`}`;
  return undefined;
}

interface Timed {
  startTime: string;
  endTime: string;
  type?: string;
  values?: string | undefined;
  utcOffsetSeconds?: number | undefined;
}

/** The user's local date a record starts on (its partner's offset; UTC where it reports none). */
export function localDate(r: Timed): string {
  return new Date(Date.parse(r.startTime) + (r.utcOffsetSeconds ?? 0) * 1000).toISOString().slice(0, 10);
}

/**
 * How two records of one type relate at a destination (SPEC §18), as pure functions:
 * - `overlapSeconds`: how much they conflict, compared with the engine's threshold (SPEC §14);
 * - `same`: the same record (what a partner refuses as a duplicate): already there, never written again.
 */
export interface ConflictRule {
  overlapSeconds(a: Timed, b: Timed): number;
  same(a: Timed, b: Timed): boolean;
}

const near = (x: string, y: string, ms: number) => Math.abs(Date.parse(x) - Date.parse(y)) < ms;

/** Seconds two records' time ranges share (0 when they do not touch). */
export function sharedSeconds(a: Timed, b: Timed): number {
  const start = Math.max(Date.parse(a.startTime), Date.parse(b.startTime));
  const end = Math.min(Date.parse(a.endTime), Date.parse(b.endTime));
  return Math.max(0, (end - start) / 1000);
}

/** A conflict that always exceeds the threshold: records of one date, or of one moment. */
const WHOLLY = Number.POSITIVE_INFINITY;

/** A body measurement is one record per timestamp ± 60 s. */
export const BODY_SAME_MOMENT_SECONDS = 60;

export const CONFLICT_RULES: Record<DataType, ConflictRule> = {
  // Workouts and sleep sessions overlap in time; the same one has the same type, start and end (± 1 s).
  workouts: {
    overlapSeconds: sharedSeconds,
    same: (a, b) => a.type === b.type && near(a.startTime, b.startTime, 1000) && near(a.endTime, b.endTime, 1000),
  },
  // A night recorded by two devices starts and ends a little apart: within a minute it is the same night.
  sleep: {
    overlapSeconds: sharedSeconds,
    same: (a, b) => near(a.startTime, b.startTime, 60_000) && near(a.endTime, b.endTime, 60_000),
  },
  // One record per local date (the record spans the date): the same date conflicts, whatever the totals.
  daily_activity: {
    overlapSeconds: (a, b) => (localDate(a) === localDate(b) ? WHOLLY : 0),
    same: (a, b) => localDate(a) === localDate(b) && a.values !== undefined && a.values === b.values,
  },
  body: {
    overlapSeconds: (a, b) => (near(a.startTime, b.startTime, BODY_SAME_MOMENT_SECONDS * 1000 + 1) ? WHOLLY : 0),
    same: (a, b) => near(a.startTime, b.startTime, BODY_SAME_MOMENT_SECONDS * 1000 + 1) && a.values !== undefined && a.values === b.values,
  },
};

/** What a provider can be for a data type (SPEC §18; the README's partner × type table is this). */
export type Role = "source" | "destination" | "both";

export const SUPPORTED_TYPES: Record<Provider, Partial<Record<DataType, Role>>> = {
  strava: { workouts: "both" },
  garmin: { workouts: "both", sleep: "both", daily_activity: "source", body: "both" },
  polar: { workouts: "source", sleep: "source", daily_activity: "source" },
  oura: { workouts: "source", sleep: "source", daily_activity: "source" },
  withings: { sleep: "source", body: "source" },
  apple_health: { workouts: "source", sleep: "source", daily_activity: "source", body: "source" },
};

/** What a provider is for a data type, in words (a 422's reason). */
export function servesAs(provider: Provider, dataType: DataType): string {
  const role = SUPPORTED_TYPES[provider][dataType];
  if (role === undefined) return `does not serve ${dataType}`;
  return role === "both" ? "is a source and a destination" : `can only be a ${role}`;
}

/** Whether a provider can be the source (or destination) of a data type. */
export function supports(provider: Provider, dataType: DataType, as: "source" | "destination"): boolean {
  const role = SUPPORTED_TYPES[provider][dataType];
  return role === "both" || role === as;
}
