import { CONFLICT_RULES, SLEEP_STAGES, type Sleep, SleepSchema, valuesOf } from "@syncwell/core";
import { z } from "zod";
import type { RecordData, RecordKind, StoredActivity } from "../store.ts";
import { epochSeconds } from "./common.ts";

/**
 * Garmin Health API summaries of the kinds other than workouts (SPEC §18), in Garmin's own shapes:
 * each pulled by upload time from `/wellness-api/rest/{summaryType}` and pinged under that key.
 */
export const SUMMARY_TYPES = {
  workout: "activities",
  sleep: "sleeps",
  daily_activity: "dailies",
  body: "bodyComps",
} as const satisfies Record<RecordKind, string>;

type Kind = Exclude<RecordKind, "workout">;

const localDate = (instant: Date, offsetSeconds: number) => new Date(instant.getTime() + offsetSeconds * 1000).toISOString().slice(0, 10);

/** `sleepLevelsMap`: each stage's time ranges, in UTC seconds. */
export function sleepLevelsMap(start: Date, sleep: Sleep): Record<string, { startTimeInSeconds: number; endTimeInSeconds: number }[]> {
  const map: Record<string, { startTimeInSeconds: number; endTimeInSeconds: number }[]> = {};
  const base = epochSeconds(start);
  for (const s of sleep.stages) {
    const from = base + s.startOffsetSeconds;
    map[s.stage] = [...(map[s.stage] ?? []), { startTimeInSeconds: from, endTimeInSeconds: from + s.seconds }];
  }
  return map;
}

/** A Health API sleep summary; `calendarDate` is the local date the user wakes up on, as Garmin Connect shows the night. */
export function sleepSummary(a: StoredActivity) {
  const sleep = a.data && "sleep" in a.data ? a.data.sleep : { stages: [] };
  const total = (stage: (typeof SLEEP_STAGES)[number]) =>
    sleep.stages.filter((s) => s.stage === stage).reduce((sum, s) => sum + s.seconds, 0);
  return {
    userId: a.partnerUserId,
    summaryId: a.nativeId,
    calendarDate: localDate(a.endTime, a.utcOffsetSeconds),
    startTimeInSeconds: epochSeconds(a.startTime),
    startTimeOffsetInSeconds: a.utcOffsetSeconds,
    durationInSeconds: epochSeconds(a.endTime) - epochSeconds(a.startTime),
    deepSleepDurationInSeconds: total("deep"),
    lightSleepDurationInSeconds: total("light"),
    remSleepInSeconds: total("rem"),
    awakeDurationInSeconds: total("awake"),
    sleepLevelsMap: sleepLevelsMap(a.startTime, sleep),
    validation: a.externalId ? "MANUAL" : "DEVICE",
  };
}

/** A Health API daily summary: one per local day, from local midnight, 24 h. */
export function dailySummary(a: StoredActivity) {
  const daily = a.data && "daily" in a.data ? a.data.daily : undefined;
  return {
    userId: a.partnerUserId,
    summaryId: a.nativeId,
    calendarDate: daily?.date ?? localDate(a.startTime, a.utcOffsetSeconds),
    startTimeInSeconds: epochSeconds(a.startTime),
    startTimeOffsetInSeconds: a.utcOffsetSeconds,
    durationInSeconds: 86400,
    steps: daily?.steps ?? 0,
    activeKilocalories: Math.round(daily?.activeCalories ?? 0),
    distanceInMeters: daily?.distanceMeters ?? 0,
  };
}

/** A Health API body composition summary: weight in grams, body fat where the scale measures it. */
export function bodyComp(a: StoredActivity) {
  const body = a.data && "body" in a.data ? a.data.body : undefined;
  return {
    userId: a.partnerUserId,
    summaryId: a.nativeId,
    measurementTimeInSeconds: epochSeconds(a.startTime),
    measurementTimeOffsetInSeconds: a.utcOffsetSeconds,
    weightInGrams: Math.round((body?.weightKg ?? 0) * 1000),
    ...(body?.fatPercent === undefined ? {} : { bodyFatInPercent: body.fatPercent }),
  };
}

export const NATIVE: Record<Kind, (a: StoredActivity) => unknown> = {
  sleep: sleepSummary,
  daily_activity: dailySummary,
  body: bodyComp,
};

const RangeSchema = z.object({ startTimeInSeconds: z.number().int(), endTimeInSeconds: z.number().int() }).strict();

/**
 * SyncWell's assumption (Garmin documents no sleep write): a sleep summary's own fields, posted to
 * `/sleep-service/sleep`.
 */
export const SleepWriteSchema = z
  .object({
    startTimeInSeconds: z.number().int().min(0),
    startTimeOffsetInSeconds: z
      .number()
      .int()
      .min(-14 * 3600)
      .max(14 * 3600)
      .optional(),
    durationInSeconds: z
      .number()
      .int()
      .min(60)
      .max(48 * 3600),
    sleepLevelsMap: z.partialRecord(z.enum(SLEEP_STAGES), z.array(RangeSchema).max(2000)),
  })
  .strict();
export type SleepWrite = z.infer<typeof SleepWriteSchema>;

/** The stages a written `sleepLevelsMap` says, in order; throws when a range is outside the session. */
export function stagesOf(w: SleepWrite): Sleep {
  const stages = Object.entries(w.sleepLevelsMap).flatMap(([stage, ranges]) =>
    (ranges ?? []).map((r) => {
      if (r.endTimeInSeconds <= r.startTimeInSeconds) throw new Error(`a ${stage} range must end after it starts`);
      if (r.startTimeInSeconds < w.startTimeInSeconds || r.endTimeInSeconds > w.startTimeInSeconds + w.durationInSeconds)
        throw new Error(`a ${stage} range lies outside the sleep`);
      return {
        stage: stage as Sleep["stages"][number]["stage"],
        startOffsetSeconds: r.startTimeInSeconds - w.startTimeInSeconds,
        seconds: r.endTimeInSeconds - r.startTimeInSeconds,
      };
    }),
  );
  return SleepSchema.parse({ stages: stages.sort((a, b) => a.startOffsetSeconds - b.startOffsetSeconds) });
}

/** How a new record relates to what the user holds, by its kind's rule: the same one, one it conflicts with, or neither. */
export function clashOf(
  kind: Kind,
  candidate: { startTime: Date; endTime: Date; data: RecordData },
  held: readonly StoredActivity[],
): { duplicate: StoredActivity } | { overlap: StoredActivity } | undefined {
  const timed = (a: { startTime: Date; endTime: Date; data: RecordData | null }) => ({
    startTime: a.startTime.toISOString(),
    endTime: a.endTime.toISOString(),
    values: a.data ? valuesOf(a.data as Parameters<typeof valuesOf>[0]) : undefined,
  });
  const mine = timed(candidate);
  const rule = CONFLICT_RULES[kind];
  const duplicate = held.find((h) => rule.same(mine, timed(h)));
  if (duplicate) return { duplicate };
  const overlap = held.find((h) => rule.overlapSeconds(mine, timed(h)) > 0);
  return overlap ? { overlap } : undefined;
}
