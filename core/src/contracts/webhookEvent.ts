import { z } from "zod";
import { DataTypeSchema } from "./healthData.ts";
import { ProviderSchema } from "./providers.ts";

/**
 * A verified partner webhook, as the gateway puts it on WebhookEventQueue. Only identifiers:
 * events are hints, and the worker always re-reads the data over OAuth.
 */
export const WebhookEventSchema = z
  .object({
    type: z.literal("event"),
    /** Partner-derived id, for replay detection and logs. */
    eventId: z.string().min(1).max(256),
    provider: ProviderSchema,
    /** The partner's id of the user (Strava owner_id, Garmin userId, Oura user_id). */
    ownerId: z.string().min(1).max(128),
    /**
     * `data`: something of the user's changed — a record created, edited or deleted (Strava's
     * `aspect_type`, Oura's `event_type`), or a Garmin ping. The event never says what: the job
     * re-reads the named record, and one the source no longer returns was deleted there.
     * `deauthorized`: the user withdrew SyncWell's access (confirmed with the partner before acting).
     */
    kind: z.enum(["data", "deauthorized"]),
    /**
     * What the event is about, where the partner says (Oura's `data_type`, the summary type of a
     * Garmin ping): only configs of that type get a job. Absent: any (Strava's are workouts).
     */
    dataType: DataTypeSchema.optional(),
    /** The partner's id of the record the event names, where it names one: the job reads it whatever its age. */
    recordId: z.string().min(1).max(128).optional(),
    receivedAt: z.iso.datetime(),
  })
  .strict();
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** The coalescer's own delayed message: "the window of this config is over, send its job". */
export const FlushMessageSchema = z
  .object({
    type: z.literal("flush"),
    syncConfigId: z.string().min(1),
    userId: z.string().min(1),
    windowId: z.string().min(1),
  })
  .strict();
export type FlushMessage = z.infer<typeof FlushMessageSchema>;

export const WebhookQueueMessageSchema = z.discriminatedUnion("type", [WebhookEventSchema, FlushMessageSchema]);
export type WebhookQueueMessage = z.infer<typeof WebhookQueueMessageSchema>;
