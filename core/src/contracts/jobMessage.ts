import { z } from "zod";

export const TRIGGERS = ["manual", "webhook", "poll"] as const;
export const TriggerSchema = z.enum(TRIGGERS);
export type Trigger = z.infer<typeof TriggerSchema>;

/**
 * The one message on HotPathSyncQueue. It carries identifiers only: the worker re-reads
 * everything else (config, tokens, data), so a stale message can never write stale data.
 */
export const JobMessageSchema = z
  .object({
    jobId: z.string().min(1).max(128),
    userId: z.string().min(1).max(128),
    syncConfigId: z.string().min(1).max(128),
    trigger: TriggerSchema,
    /** ISO time; epoch milliseconds (what API Gateway's mapping templates can write) are converted. */
    requestedAt: z.preprocess(
      (v) => (typeof v === "string" && /^\d{13}$/.test(v) ? new Date(Number(v)).toISOString() : v),
      z.iso.datetime(),
    ),
    idempotencyKey: z.string().min(1).max(255).optional(),
    coalescingKey: z.string().min(1).max(255).optional(),
    /** Source records a webhook named: read by id whatever the listing's lookback (late uploads). */
    recordIds: z.array(z.string().min(1).max(128)).max(100).optional(),
    /** A device upload's batch in object storage (`POST /v1/device-uploads`): the source reads it by this key. */
    batchKey: z.string().min(1).max(1024).optional(),
    /** Sync the named records again, whatever the watermark and ledger say (`POST …/records/{id}/resync`). */
    resync: z.boolean().optional(),
  })
  .strict();
export type JobMessage = z.infer<typeof JobMessageSchema>;

/** Parses a raw SQS body; returns the reason instead of throwing, so the caller can dead-letter it. */
export function parseJobMessage(body: string): { ok: true; message: JobMessage } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: "message body is not JSON" };
  }
  const result = JobMessageSchema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: `invalid job message: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? ""}`.trim() };
}
