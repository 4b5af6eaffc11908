import { createHash } from "node:crypto";
import { z } from "zod";
import { ActivityPayloadSchema } from "./activity.ts";
import type { DataType } from "./healthData.ts";

/** What a device record is (SPEC §18): a workout, a sleep session, a day's totals or a body measurement. */
export const DEVICE_RECORD_KINDS = ["workout", "sleep", "daily_activity", "body"] as const;
export type DeviceRecordKind = (typeof DEVICE_RECORD_KINDS)[number];

/** The data type of each kind of device record, and the block that carries what a record of it says. */
export const DEVICE_KIND_TYPES: Record<DeviceRecordKind, { dataType: DataType; block?: "sleep" | "daily" | "body" }> = {
  workout: { dataType: "workouts" },
  sleep: { dataType: "sleep", block: "sleep" },
  daily_activity: { dataType: "daily_activity", block: "daily" },
  body: { dataType: "body", block: "body" },
};

/**
 * The largest `POST /v1/device-uploads` body the gateway reads (bytes); a larger one is 413 before
 * it is parsed. About 2,000 samples of a workout's track take 100 kB, so a batch holds a few
 * workouts with their tracks or a few hundred without.
 */
export const DEVICE_UPLOAD_MAX_BYTES = 1024 * 1024;
/** The most records one upload carries (SPEC §18: the app uploads in batches). */
export const DEVICE_UPLOAD_MAX_RECORDS = 500;

/**
 * One record as the app read it from HealthKit, in the normalised model (SPEC §3, §18): a workout
 * (the default `kind`), or a sleep session, a day's totals or a body measurement carrying its
 * `sleep`, `daily` or `body` block (a measurement's start and end are its moment). `id` is the
 * device's own id for it (HealthKit's UUID), which stays the record's id through every re-upload,
 * so the ledger knows it again. `updatedAt` defaults to `endTime` (HealthKit samples are immutable:
 * an edit is a new sample). `private` defaults to false (SPEC §18, README: HealthKit has no notion
 * of sharing; the app may mark a record private). Ids are ones the API can name later (the sync
 * log's resync path): letters, digits and `. _ : @ -`, at most 128.
 */
export const DeviceRecordSchema = ActivityPayloadSchema.omit({
  externalId: true,
  sourceRef: true,
  updatedAt: true,
  samples: true,
  values: true,
})
  .extend({
    kind: z.enum(DEVICE_RECORD_KINDS).default("workout"),
    id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._:@-]+$/, "must hold letters, digits and . _ : @ - only"),
    updatedAt: ActivityPayloadSchema.shape.updatedAt.optional(),
    samples: ActivityPayloadSchema.shape.samples.default([]),
  })
  .strict()
  .refine((r) => Date.parse(r.endTime) >= Date.parse(r.startTime), { message: "must not be before startTime", path: ["endTime"] })
  .superRefine((r, ctx) => {
    // A record carries the block of its kind and no other.
    const own = DEVICE_KIND_TYPES[r.kind].block;
    for (const block of ["sleep", "daily", "body"] as const) {
      if (block === own && r[block] === undefined)
        ctx.addIssue({ code: "custom", path: [block], message: `a ${r.kind} record carries it` });
      if (block !== own && r[block] !== undefined)
        ctx.addIssue({ code: "custom", path: [block], message: `not part of a ${r.kind} record` });
    }
  });
export type DeviceRecord = z.infer<typeof DeviceRecordSchema>;

/** The body of `POST /v1/device-uploads`. */
export const DeviceUploadSchema = z
  .object({
    connectionId: z.string().min(1).max(128),
    records: z.array(DeviceRecordSchema).min(1).max(DEVICE_UPLOAD_MAX_RECORDS),
  })
  .strict()
  .superRefine((upload, ctx) => {
    const seen = new Set<string>();
    for (const [index, record] of upload.records.entries()) {
      if (seen.has(record.id)) ctx.addIssue({ code: "custom", path: ["records", index, "id"], message: "appears twice in the batch" });
      seen.add(record.id);
    }
  });
export type DeviceUpload = z.infer<typeof DeviceUploadSchema>;

/** What is stored in object storage for one upload, and what the worker reads back. */
export const DeviceBatchSchema = z.object({ connectionId: z.string().min(1), records: z.array(DeviceRecordSchema) }).strict();
export type DeviceBatch = z.infer<typeof DeviceBatchSchema>;

/** Where every device upload lives: one prefix, so one lifecycle rule and one IAM resource cover them. */
export const DEVICE_UPLOAD_PREFIX = "device-uploads/";

/**
 * The batch's object key, `device-uploads/{userId}/{connectionId}/{sha256 of the body}.json`:
 * content-addressed, so uploading the same batch again stores the same object; scoped by user, so
 * a source can check that a key is its user's.
 */
export function deviceBatchKey(userId: string, connectionId: string, rawBody: string | Buffer): string {
  return `${deviceUserPrefix(userId)}${connectionId}/${createHash("sha256").update(rawBody).digest("hex")}.json`;
}

/** The prefix of one user's uploads. */
export function deviceUserPrefix(userId: string): string {
  return `${DEVICE_UPLOAD_PREFIX}${userId}/`;
}
