import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { type DataType, HttpProblem, type Provider, type WebhookEvent } from "@syncwell/core";
import express, { type ErrorRequestHandler, type Request } from "express";
import { z } from "zod";
import type { GatewayDeps, WebhookOptions } from "../deps.ts";
import { WebhookAccountLimiter } from "../webhookLimits.ts";

const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);

const StravaEvent = z.object({
  object_type: z.enum(["activity", "athlete"]),
  object_id: z.number().int(),
  aspect_type: z.enum(["create", "update", "delete"]),
  updates: z.record(z.string(), z.unknown()).optional(),
  owner_id: z.number().int(),
  subscription_id: z.number().int(),
  event_time: z.number().int(),
});

const GarminUploads = z
  .array(
    z.object({
      userId: z.string().min(1).max(128),
      uploadStartTimeInSeconds: z.number().int(),
      uploadEndTimeInSeconds: z.number().int(),
      callbackURL: z.string().max(2048),
    }),
  )
  .max(1000)
  .optional();

/** Garmin pings by summary type: which of SyncWell's data types each one is about. */
const GARMIN_SUMMARIES = {
  activities: "workouts",
  sleeps: "sleep",
  dailies: "daily_activity",
  bodyComps: "body",
} as const satisfies Record<string, DataType>;

const GarminPing = z
  .object({
    activities: GarminUploads,
    sleeps: GarminUploads,
    dailies: GarminUploads,
    bodyComps: GarminUploads,
    deregistrations: z
      .array(z.object({ userId: z.string().min(1).max(128) }))
      .max(1000)
      .optional(),
  })
  .refine((p) => p.deregistrations || Object.keys(GARMIN_SUMMARIES).some((k) => p[k as keyof typeof GARMIN_SUMMARIES]), {
    message: "no summaries and no deregistrations",
  });

/** Oura's data types SyncWell syncs, as SyncWell's (others, like readiness or tags, start no job). */
const OURA_TYPES: Record<string, DataType> = { workout: "workouts", sleep: "sleep", daily_activity: "daily_activity" };

const OuraEvent = z.object({
  event_type: z.enum(["create", "update", "delete"]),
  data_type: z.string().max(64),
  object_id: z.string().min(1).max(128),
  event_time: z.string().max(64),
  user_id: z.string().min(1).max(128),
});

/** Withings' notification categories (`appli`) SyncWell syncs, as SyncWell's data types. */
const WITHINGS_APPLIS: Record<string, DataType> = { "1": "body", "44": "sleep" };
/** appli 46: the user's own events; `unlink` and `delete` end SyncWell's access. */
const WITHINGS_USER_APPLI = "46";

function parseJson<S extends z.ZodType>(schema: S, raw: Buffer): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpProblem(400, "the body is not JSON");
  }
  const result = schema.safeParse(json);
  if (!result.success)
    throw new HttpProblem(400, `not a valid event: ${result.error.issues[0]?.path.join(".")} ${result.error.issues[0]?.message}`);
  return result.data;
}

const safeEqual = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * `GET|POST /webhooks/{provider}` as each partner calls them. Every event is verified the partner's
 * way, acknowledged at once and put on WebhookEventQueue; an unverified call is refused and
 * nothing is queued. No URL from a payload is ever fetched here.
 */
export function webhookRoutes(deps: GatewayDeps, options: WebhookOptions): express.Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: "64kb" });

  const limiter = new WebhookAccountLimiter(deps, { perMinute: options.eventsPerAccountPerMinute });
  const enqueue = async (provider: Provider, events: Omit<WebhookEvent, "type" | "provider" | "receivedAt">[]) => {
    // Per partner account (SPEC §17); a deauthorisation always gets through. Over the limit the partner retries later.
    for (const event of events.filter((e) => e.kind !== "deauthorized")) {
      const { admitted, retryAfterSeconds } = await limiter.admit(provider, event.ownerId);
      if (admitted) continue;
      deps.metrics.webhookEvents.inc({ provider, result: "rate_limited" });
      throw new HttpProblem(429, "too many events for this account; retry later", {}, { "Retry-After": String(retryAfterSeconds) }, true);
    }
    const receivedAt = new Date().toISOString();
    for (const event of events) {
      const message: WebhookEvent = { type: "event", provider, receivedAt, ...event };
      await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.queues.webhookQueueUrl, MessageBody: JSON.stringify(message) }));
    }
    deps.metrics.webhookEvents.inc({ provider, result: "accepted" }, events.length);
  };
  const refuse = (provider: string, result: string, status: number, detail: string): never => {
    deps.metrics.webhookEvents.inc({ provider, result });
    throw new HttpProblem(status, detail, {}, {}, true);
  };
  const body = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

  // ── Strava: subscription handshake and unsigned events for our subscription ──
  router.get("/webhooks/strava", (req, res) => {
    const { "hub.mode": mode, "hub.challenge": challenge, "hub.verify_token": token } = req.query;
    if (mode !== "subscribe" || typeof challenge !== "string" || typeof token !== "string")
      return refuse("strava", "malformed", 400, "not a subscription handshake");
    if (!safeEqual(token, options.stravaVerifyToken)) return refuse("strava", "unverified", 403, "wrong hub.verify_token");
    res.json({ "hub.challenge": challenge });
  });
  // An activity's create, update (title, type, privacy) and delete all name it: the job re-reads it, and
  // one the source no longer returns was deleted there (SPEC §15). Only an athlete's deauthorisation is
  // another kind of event; its other updates are no business of ours.
  router.post("/webhooks/strava", raw, async (req, res) => {
    const event = parseJson(StravaEvent, body(req));
    if (event.subscription_id !== options.stravaSubscriptionId) return refuse("strava", "unverified", 403, "unknown subscription_id");
    const deauthorized = event.object_type === "athlete" && event.updates?.authorized === "false";
    if (event.object_type === "athlete" && !deauthorized) return void res.status(200).json({});
    const changed = Object.keys(event.updates ?? {})
      .sort()
      .join(",")
      .slice(0, 64);
    await enqueue("strava", [
      {
        eventId: `${event.object_type}:${event.object_id}:${event.aspect_type}${changed ? `(${changed})` : ""}:${event.event_time}`,
        ownerId: String(event.owner_id),
        kind: deauthorized ? "deauthorized" : "data",
        ...(event.object_type === "activity" ? { dataType: "workouts" as const, recordId: String(event.object_id) } : {}),
      },
    ]);
    res.status(200).json({});
  });

  // ── Garmin: pings authenticated by the client id; callbacks only on Garmin's own host ──
  router.post("/webhooks/garmin", raw, async (req, res) => {
    const clientId = req.get("garmin-client-id") ?? "";
    if (!safeEqual(clientId, options.garminClientId)) return refuse("garmin", "unverified", 401, "missing or wrong garmin-client-id");
    const ping = parseJson(GarminPing, body(req));
    const uploads = Object.entries(GARMIN_SUMMARIES).flatMap(([summary, dataType]) =>
      (ping[summary as keyof typeof GARMIN_SUMMARIES] ?? []).map((a) => ({ ...a, summary, dataType })),
    );
    if (uploads.some((a) => !a.callbackURL.startsWith(`${options.garminBaseUrl}/`)))
      return refuse("garmin", "unverified", 400, "callbackURL is not on the Garmin API host");
    await enqueue("garmin", [
      ...uploads.map((a) => ({
        // Activities keep the id they always had (a ping redelivered across a deploy is still a replay).
        eventId: `ping:${a.summary === "activities" ? "" : `${a.summary}:`}${a.userId}:${a.uploadStartTimeInSeconds}:${a.uploadEndTimeInSeconds}`,
        ownerId: a.userId,
        kind: "data" as const,
        dataType: a.dataType,
      })),
      ...(ping.deregistrations ?? []).map((d) => ({
        eventId: `deregistration:${d.userId}`,
        ownerId: d.userId,
        kind: "deauthorized" as const,
      })),
    ]);
    res.status(200).json({});
  });

  // ── Oura: challenge echo; HMAC over timestamp + body, fresh timestamps, no replays ──
  router.get("/webhooks/oura", (req, res) => {
    const { verification_token: token, challenge } = req.query;
    if (typeof token !== "string" || typeof challenge !== "string") return refuse("oura", "malformed", 400, "not a verification request");
    if (!safeEqual(token, options.ouraVerificationToken)) return refuse("oura", "unverified", 403, "wrong verification_token");
    res.json({ challenge });
  });
  router.post("/webhooks/oura", raw, async (req, res) => {
    const timestamp = req.get("x-oura-timestamp") ?? "";
    const signature = req.get("x-oura-signature") ?? "";
    if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9A-Fa-f]{64}$/.test(signature))
      return refuse("oura", "unverified", 401, "missing or malformed signature headers");
    const raw = body(req);
    const expected = createHmac("sha256", options.ouraClientSecret).update(timestamp).update(raw).digest("hex");
    if (!safeEqual(signature.toLowerCase(), expected)) return refuse("oura", "unverified", 401, "bad signature");
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > options.maxAgeSeconds) return refuse("oura", "stale", 401, "stale timestamp");
    const event = parseJson(OuraEvent, raw);
    const dataType = OURA_TYPES[event.data_type];
    if (!dataType) {
      deps.metrics.webhookEvents.inc({ provider: "oura", result: "ignored" });
      return void res.status(200).json({});
    }
    // create, update and delete of a workout name it, as Strava's events do.
    const eventId = `${event.user_id}:${event.data_type}:${event.object_id}:${event.event_type}:${event.event_time}`;
    const seen = `webhook:seen:oura:${sha(eventId)}`;
    const fresh = await deps.redis.set(seen, "1", "EX", options.maxAgeSeconds * 2, "NX").catch(() => "OK");
    if (fresh !== "OK") {
      deps.metrics.webhookEvents.inc({ provider: "oura", result: "replayed" });
      return void res.status(200).json({});
    }
    await enqueue("oura", [
      // create, update and delete name the record, whatever its type.
      { eventId, ownerId: event.user_id, kind: "data", dataType, recordId: event.object_id },
    ]).catch(async (error) => {
      // Not queued (rate-limited, SQS down): Oura's retry of this event must not count as a replay.
      await deps.redis.del(seen).catch(() => {});
      throw error;
    });
    res.status(200).json({});
  });

  // ── Withings: unsigned, form-encoded notifications (userid, appli, startdate, enddate) ──
  // Withings checks a callback URL with a HEAD before it registers a subscription.
  router.head("/webhooks/withings", (_req, res) => void res.status(200).end());
  // Nothing in a notification can be verified (Withings signs none): it is a hint that data of a
  // category changed in a range, and the job re-reads by modification time over OAuth. One for an
  // account no connection holds is acknowledged and dropped; Withings wants a 200 at once either way.
  router.post("/webhooks/withings", raw, async (req, res) => {
    const form = new URLSearchParams(body(req).toString("utf8"));
    const ownerId = form.get("userid") ?? "";
    const appli = form.get("appli") ?? "";
    const [start, end] = [form.get("startdate") ?? "", form.get("enddate") ?? ""];
    if (!/^\d{1,20}$/.test(ownerId) || !/^\d{1,4}$/.test(appli))
      return refuse("withings", "malformed", 400, "not a Withings notification: userid and appli are required");
    const dataType = WITHINGS_APPLIS[appli];
    const unlinked = appli === WITHINGS_USER_APPLI && ["unlink", "delete"].includes(form.get("action") ?? "");
    if (!dataType && !unlinked) {
      deps.metrics.webhookEvents.inc({ provider: "withings", result: "ignored" });
      return void res.status(200).json({});
    }
    if (dataType && (!/^\d{1,12}$/.test(start) || !/^\d{1,12}$/.test(end)))
      return refuse("withings", "malformed", 400, "startdate and enddate must be unix timestamps");
    if ((await deps.store.findConnectionsByOwner("withings", ownerId)).length === 0) {
      deps.metrics.webhookEvents.inc({ provider: "withings", result: "unknown_account" });
      return void res.status(200).json({});
    }
    await enqueue("withings", [
      unlinked
        ? { eventId: `unlink:${ownerId}`, ownerId, kind: "deauthorized" as const }
        : { eventId: `appli${appli}:${ownerId}:${start}:${end}`, ownerId, kind: "data" as const, dataType },
    ]);
    res.status(200).json({});
  });

  router.all("/webhooks/:provider", (req) =>
    refuse(String(req.params.provider).slice(0, 16), "unknown_provider", 404, "no webhooks for this provider"),
  );
  // Bodies that are too large or not the partner's JSON are refused too, and counted once.
  router.use("/webhooks/:provider", ((error, req, _res, next) => {
    if (!(error instanceof HttpProblem && error.counted)) {
      const provider = ["strava", "garmin", "oura", "withings"].includes(String(req.params.provider))
        ? String(req.params.provider)
        : "unknown";
      deps.metrics.webhookEvents.inc({
        provider,
        result: (error as { type?: string }).type === "entity.too.large" ? "too_large" : "malformed",
      });
    }
    next(error);
  }) satisfies ErrorRequestHandler);
  return router;
}
