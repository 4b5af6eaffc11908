import { createHmac, randomUUID } from "node:crypto";
import type { ActivityType } from "@syncwell/core";
import express, { type Response } from "express";
import type { WindowLimit } from "../rateLimit.ts";
import type { RecordKind, StoredActivity } from "../store.ts";
import { bearer, epochSeconds, opaqueId, userOf } from "./common.ts";
import { standardTokenEndpoint } from "./oauthStandard.ts";
import { ouraPhases, stageSeconds } from "./sleepFormats.ts";
import type { PartnerContext, PartnerModule } from "./types.ts";

const TO_OURA: Record<ActivityType, string> = {
  run: "running",
  ride: "cycling",
  swim: "swimming",
  walk: "walking",
  hike: "hiking",
  workout: "strengthTraining",
  other: "other",
};
export const OURA_PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** HMAC-SHA256 over timestamp + body, upper-case hex: the `x-oura-signature` of a webhook. */
export function ouraSignature(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret)
    .update(timestamp + body)
    .digest("hex")
    .toUpperCase();
}

/** ISO time in the activity's local offset, as Oura writes datetimes. */
function localIso(date: Date, offsetSeconds: number): string {
  const local = new Date(date.getTime() + offsetSeconds * 1000).toISOString().slice(0, 19);
  const sign = offsetSeconds < 0 ? "-" : "+";
  const abs = Math.abs(offsetSeconds);
  return `${local}${sign}${String(Math.floor(abs / 3600)).padStart(2, "0")}:${String(Math.floor((abs % 3600) / 60)).padStart(2, "0")}`;
}

const localDay = (a: StoredActivity, at: Date = a.startTime) =>
  new Date(at.getTime() + a.utcOffsetSeconds * 1000).toISOString().slice(0, 10);

/** Oura's `data_type` of a webhook event for each kind of record it holds. */
const DATA_TYPE: Partial<Record<RecordKind, string>> = { workout: "workout", sleep: "sleep", daily_activity: "daily_activity" };

/**
 * The day a document belongs to: a workout's start, a sleep's morning (Oura files a night under the
 * day it ends), a daily activity's own date.
 */
function dayOf(a: StoredActivity): string {
  if (a.data && "daily" in a.data) return a.data.daily.date;
  return a.kind === "sleep" ? localDay(a, a.endTime) : localDay(a);
}

/** Oura API v2: workouts, sleep periods and daily activity by day with next_token paging, heart-rate series, signed webhooks. */
export function createOura(ctx: PartnerContext): PartnerModule {
  const rateLimits: WindowLimit[] = [
    { name: "app:5min", bucket: "app", windowSeconds: 300, limit: ctx.options.oura.limits["app:5min"] ?? 5000 },
  ];
  const router = express.Router();
  const auth = bearer(ctx, () => module);

  const workout = (a: StoredActivity) => ({
    id: a.nativeId,
    activity: TO_OURA[a.type],
    calories: null,
    day: localDay(a),
    distance: null,
    end_datetime: localIso(a.endTime, a.utcOffsetSeconds),
    intensity: "moderate",
    label: a.name,
    source: "manual",
    start_datetime: localIso(a.startTime, a.utcOffsetSeconds),
  });

  /** A sleep period (API v2 `sleep`): bedtimes local with their offset, stage totals and the 5-minute hypnogram. */
  const sleep = (a: StoredActivity) => {
    const stages = a.data && "sleep" in a.data ? a.data.sleep.stages : [];
    const inBed = Math.round((a.endTime.getTime() - a.startTime.getTime()) / 1000);
    const totals = stageSeconds(stages);
    return {
      id: a.nativeId,
      average_breath: null,
      average_heart_rate: null,
      average_hrv: null,
      awake_time: totals.awake,
      bedtime_end: localIso(a.endTime, a.utcOffsetSeconds),
      bedtime_start: localIso(a.startTime, a.utcOffsetSeconds),
      day: dayOf(a),
      deep_sleep_duration: totals.deep,
      efficiency: inBed > 0 ? Math.round(((totals.deep + totals.light + totals.rem) / inBed) * 100) : null,
      latency: null,
      light_sleep_duration: totals.light,
      low_battery_alert: false,
      lowest_heart_rate: null,
      movement_30_sec: null,
      period: 0,
      rem_sleep_duration: totals.rem,
      restless_periods: null,
      sleep_phase_5_min: ouraPhases(stages, inBed),
      time_in_bed: inBed,
      total_sleep_duration: totals.deep + totals.light + totals.rem,
      type: "long_sleep",
    };
  };

  /** A daily activity (API v2 `daily_activity`): the day's totals; `timestamp` is the day's start, 4 a.m. local, with its offset. */
  const dailyActivity = (a: StoredActivity) => {
    const daily = a.data && "daily" in a.data ? a.data.daily : { date: localDay(a), steps: 0, activeCalories: 0, distanceMeters: 0 };
    const fourAm = Date.parse(`${daily.date}T04:00:00Z`) - a.utcOffsetSeconds * 1000;
    return {
      id: a.nativeId,
      class_5_min: null,
      score: null,
      active_calories: Math.round(daily.activeCalories),
      equivalent_walking_distance: Math.round(daily.distanceMeters),
      steps: daily.steps,
      total_calories: null,
      day: daily.date,
      timestamp: localIso(new Date(fourAm), a.utcOffsetSeconds),
    };
  };

  const page = <T>(items: T[], token: unknown) => {
    const offset =
      typeof token === "string" && /^\d+$/.test(Buffer.from(token, "base64url").toString())
        ? Number(Buffer.from(token, "base64url").toString())
        : 0;
    const slice = items.slice(offset, offset + OURA_PAGE_SIZE);
    const next = offset + OURA_PAGE_SIZE < items.length ? Buffer.from(String(offset + OURA_PAGE_SIZE)).toString("base64url") : null;
    return { data: slice, next_token: next };
  };

  router.post(
    "/oauth/token",
    ctx.op("oauth_token"),
    standardTokenEndpoint(ctx, "oura", 86400, (_set, base) => base),
  );

  /** A collection's documents of one kind whose day lies in `start_date`..`end_date` (default: yesterday and today). */
  const collection = (kind: RecordKind, render: (a: StoredActivity) => unknown) =>
    (async (req, res) => {
      const today = ctx.now().toISOString().slice(0, 10);
      const end = req.query.end_date ?? today;
      const start = req.query.start_date ?? new Date(Date.parse(`${String(end)}T00:00:00Z`) - 86400_000).toISOString().slice(0, 10);
      if (
        typeof start !== "string" ||
        typeof end !== "string" ||
        !DAY.test(start) ||
        !DAY.test(end) ||
        Number.isNaN(Date.parse(start)) ||
        Number.isNaN(Date.parse(end))
      ) {
        return res.status(400).json({ detail: "start_date and end_date must be dates (YYYY-MM-DD)" });
      }
      if (start > end) return res.status(400).json({ detail: "Start date is greater than end date" });
      const all = (await ctx.store.listActivities({ provider: "oura", partnerUserId: userOf(res), visibleAt: ctx.now(), kind })).filter(
        (a) => {
          const day = dayOf(a);
          return day >= start && day <= end;
        },
      );
      res.json(page(all.map(render), req.query.next_token));
    }) satisfies express.RequestHandler;

  /** One document of a kind by id; another kind's or another user's is Not Found. */
  const single = (kind: RecordKind, render: (a: StoredActivity) => unknown) =>
    (async (req, res) => {
      const a = await ctx.store.getActivity("oura", String(req.params.id));
      if (!a || a.kind !== kind || a.partnerUserId !== userOf(res)) return res.status(404).json({ detail: "Not Found" });
      res.json(render(a));
    }) satisfies express.RequestHandler;

  router.get("/v2/usercollection/workout", ctx.op("list_metadata"), auth, collection("workout", workout));
  router.get("/v2/usercollection/sleep", ctx.op("list_metadata"), auth, collection("sleep", sleep));
  router.get("/v2/usercollection/daily_activity", ctx.op("list_metadata"), auth, collection("daily_activity", dailyActivity));
  router.get("/v2/usercollection/sleep/:id", ctx.op("list_metadata"), auth, single("sleep", sleep));
  router.get("/v2/usercollection/daily_activity/:id", ctx.op("list_metadata"), auth, single("daily_activity", dailyActivity));

  router.get("/v2/usercollection/personal_info", ctx.op("list_metadata"), auth, (_req, res) => {
    res.json({ id: userOf(res), age: null, weight: null, height: null, biological_sex: null, email: null });
  });

  router.get("/v2/usercollection/workout/:id", ctx.op("list_metadata"), auth, single("workout", workout));

  router.get("/v2/usercollection/heartrate", ctx.op("get_payload"), auth, async (req, res) => {
    const from = Date.parse(String(req.query.start_datetime ?? ""));
    const to = Date.parse(String(req.query.end_datetime ?? ""));
    if (Number.isNaN(from) || Number.isNaN(to) || to <= from)
      return res.status(400).json({ detail: "start_datetime and end_datetime must be datetimes, start before end" });
    if (to - from > 30 * 86400_000) return res.status(400).json({ detail: "The time range must not exceed 30 days" });
    const activities = await ctx.store.overlapping("oura", userOf(res), new Date(from), new Date(to));
    const points = activities
      .flatMap((a) =>
        a.samples.flatMap((s) =>
          s.heartRate === undefined
            ? []
            : [{ bpm: s.heartRate, source: "workout", timestamp: new Date(a.startTime.getTime() + s.offsetSeconds * 1000).toISOString() }],
        ),
      )
      .filter((p) => Date.parse(p.timestamp) >= from && Date.parse(p.timestamp) < to)
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    res.json(page(points, req.query.next_token));
  });

  /** A signed event (Oura webhooks: `event_type` create / update / delete of a `data_type`). */
  const notify = (eventType: "create" | "update" | "delete", partnerUserId: string, a: StoredActivity) => {
    const target = ctx.options.webhookBaseUrl;
    const dataType = DATA_TYPE[a.kind];
    if (!target || !dataType) return;
    const body = JSON.stringify({
      event_type: eventType,
      data_type: dataType,
      object_id: a.nativeId,
      event_time: ctx.now().toISOString(),
      user_id: partnerUserId,
    });
    const timestamp = String(epochSeconds(ctx.now()));
    ctx.webhooks.send("oura", {
      url: `${target}/oura`,
      headers: {
        "x-oura-timestamp": timestamp,
        "x-oura-signature": ouraSignature(ctx.options.clients.oura.clientSecret, timestamp, body),
      },
      body,
    });
  };

  const module: PartnerModule = {
    provider: "oura",
    router,
    rateLimits,
    buckets: () => ["app"],
    rateLimitHeaders: () => {},
    sendError: (res: Response, status: number, message: string) => void res.status(status).json({ detail: message }),
    newUserId: async () => opaqueId(12).toUpperCase(),
    newActivityId: async () => randomUUID(),
    announce(partnerUserId, activities) {
      for (const a of activities) notify("create", partnerUserId, a);
    },
    // Oura has no privacy: a change it reports is one to the workout's own data.
    announceChange(partnerUserId, before, after) {
      const same =
        before.name === after.name &&
        before.type === after.type &&
        before.startTime.getTime() === after.startTime.getTime() &&
        before.endTime.getTime() === after.endTime.getTime();
      if (!same) notify("update", partnerUserId, after);
    },
    announceDelete: (partnerUserId, activity) => notify("delete", partnerUserId, activity),
    announceRevoke: () => {},
  };
  return module;
}
