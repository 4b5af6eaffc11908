import { z } from "zod";
import { BodySchema, DailyActivitySchema, SleepSchema } from "./healthData.ts";

/** Normalised activity types; every partner adapter maps its own vocabulary to these. */
export const ACTIVITY_TYPES = ["run", "ride", "swim", "walk", "hike", "workout", "other"] as const;
export const ActivityTypeSchema = z.enum(ACTIVITY_TYPES);
export type ActivityType = z.infer<typeof ActivityTypeSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

/** The light part of an activity: enough to decide whether to write it. */
export const ActivityMetadataSchema = z
  .object({
    id: z.string().min(1),
    startTime: isoDateTime,
    endTime: isoDateTime,
    type: ActivityTypeSchema,
    name: z.string().max(255),
    /** Last modification (or upload) time at the partner: the sync watermark. */
    updatedAt: isoDateTime,
    /** The deterministic id it was written with, when SyncWell wrote it. */
    externalId: z.string().max(255).optional(),
    /** Adapter-private locator of the record (e.g. a Polar exercise URL); never shown to users. */
    sourceRef: z.string().max(2048).optional(),
    /**
     * Whether the partner shows it to others. Absent where the partner did not report it: the
     * engine then treats the record as private (SPEC §15).
     */
    private: z.boolean().optional(),
    /**
     * What a daily total or a body measurement says, canonical (`valuesOf`): such a record is
     * its values, so a change of them is an edit. Absent for workouts and sleep.
     */
    values: z.string().max(200).optional(),
    /** The partner's local offset from UTC for this record, where it reports one (times above are UTC). */
    utcOffsetSeconds: z
      .number()
      .int()
      .min(-14 * 3600)
      .max(14 * 3600)
      .optional(),
  })
  .strict();
export type ActivityMetadata = z.infer<typeof ActivityMetadataSchema>;

/** One sample of the activity's time series. */
export const SampleSchema = z
  .object({
    offsetSeconds: z.number().int().min(0),
    heartRate: z.number().int().min(20).max(250).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  })
  .strict();
export type Sample = z.infer<typeof SampleSchema>;

/**
 * The heavy part: metadata plus the samples (the GPX-like body) of a workout, or what a record of
 * another data type holds (SPEC §18): a sleep session's stages, a day's totals, a measurement.
 */
export const ActivityPayloadSchema = ActivityMetadataSchema.extend({
  samples: z.array(SampleSchema).max(100_000),
  sleep: SleepSchema.optional(),
  daily: DailyActivitySchema.optional(),
  body: BodySchema.optional(),
}).strict();
export type ActivityPayload = z.infer<typeof ActivityPayloadSchema>;

/** The fields of a synced record an edit at the source can change (SPEC §15). */
export const EDITABLE_FIELDS = ["name", "type", "private", "times", "values"] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** True when the record counts as private: marked so, or its privacy was not reported. */
export function isPrivate(record: { private?: boolean | undefined }): boolean {
  return record.private !== false;
}

/** The deterministic id a record written by SyncWell carries at the destination. */
export function externalIdFor(sourceProvider: string, sourceRecordId: string): string {
  return `${EXTERNAL_ID_PREFIX}${sourceProvider}-${sourceRecordId}`;
}

export const EXTERNAL_ID_PREFIX = "syncwell-";

/** True for a record SyncWell itself wrote (never synced back: that would echo forever). */
export function writtenBySyncWell(record: { externalId?: string | undefined }): boolean {
  return record.externalId?.startsWith(EXTERNAL_ID_PREFIX) ?? false;
}
