import { type ActivityType, fromGpx, type Operation, sendProblem } from "@syncwell/core";
import express, { type Response } from "express";
import multer from "multer";
import type { RateDecision, WindowLimit } from "../rateLimit.ts";
import type { StoredActivity } from "../store.ts";
import { accessTtl, bearer, epochSeconds, heartRateSummary, intParam, param, userOf } from "./common.ts";
import type { PartnerContext, PartnerModule } from "./types.ts";

const TO_STRAVA: Record<ActivityType, string> = {
  run: "Run",
  ride: "Ride",
  swim: "Swim",
  walk: "Walk",
  hike: "Hike",
  workout: "Workout",
  other: "Workout",
};
const FROM_STRAVA: Record<string, ActivityType> = {
  Run: "run",
  Ride: "ride",
  Swim: "swim",
  Walk: "walk",
  Hike: "hike",
  Workout: "workout",
};
const ACCESS_TTL = 6 * 3600;
const elapsed = (start: Date, end: Date) => Math.round((end.getTime() - start.getTime()) / 1000);
const PROCESSING = "Your activity is still being processed.";

/** Strava's error body: `{message, errors:[{resource, field, code}]}`. */
function stravaError(status: number, message: string): { message: string; errors: { resource: string; field: string; code: string }[] } {
  if (status === 429)
    return { message: "Rate Limit Exceeded", errors: [{ resource: "Application", field: "rate limit", code: "exceeded" }] };
  if (status === 401) return { message: "Authorization Error", errors: [{ resource: "Athlete", field: "access_token", code: "invalid" }] };
  if (status === 404) return { message: "Record Not Found", errors: [{ resource: "Activity", field: "id", code: "not found" }] };
  if (status >= 500) return { message: "Internal Server Error", errors: [{ resource: "Application", field: "", code: message }] };
  return { message: "Bad Request", errors: [{ resource: "Activity", field: "", code: message }] };
}

/** Strava API v3 (SummaryActivity / DetailedActivity / streams / uploads / push subscriptions). */
export function createStrava(ctx: PartnerContext): PartnerModule {
  const o = ctx.options.strava;
  const rateLimits: WindowLimit[] = [
    { name: "overall:15min", bucket: "overall", windowSeconds: 900, limit: o.limits["overall:15min"] ?? 200 },
    { name: "overall:daily", bucket: "overall", windowSeconds: 86400, limit: o.limits["overall:daily"] ?? 2000 },
    { name: "read:15min", bucket: "read", windowSeconds: 900, limit: o.limits["read:15min"] ?? 100 },
    { name: "read:daily", bucket: "read", windowSeconds: 86400, limit: o.limits["read:daily"] ?? 1000 },
  ];
  const router = express.Router();
  const auth = bearer(ctx, () => module);
  const client = ctx.options.clients.strava;
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 25 * 1024 * 1024, files: 1 } });

  const summary = (a: StoredActivity) => {
    const hr = heartRateSummary(a.samples);
    return {
      resource_state: 2,
      athlete: { id: Number(a.partnerUserId), resource_state: 1 },
      id: Number(a.nativeId),
      name: a.name,
      type: TO_STRAVA[a.type],
      sport_type: TO_STRAVA[a.type],
      start_date: a.startTime.toISOString().replace(/\.\d{3}Z$/, "Z"),
      start_date_local: new Date(a.startTime.getTime() + a.utcOffsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      utc_offset: a.utcOffsetSeconds,
      elapsed_time: Math.round((a.endTime.getTime() - a.startTime.getTime()) / 1000),
      moving_time: Math.round((a.endTime.getTime() - a.startTime.getTime()) / 1000),
      distance: 0,
      external_id: a.externalId,
      upload_id: Number(a.nativeId) + 7_000_000_000,
      manual: false,
      has_heartrate: hr.average !== undefined,
      ...(hr.average !== undefined ? { average_heartrate: hr.average, max_heartrate: hr.max } : {}),
    };
  };

  const tokenBody = (set: { accessToken: string; refreshToken: string; expiresAt: Date }) => ({
    token_type: "Bearer",
    access_token: set.accessToken,
    expires_at: epochSeconds(set.expiresAt),
    expires_in: Math.max(0, epochSeconds(set.expiresAt) - epochSeconds(ctx.now())),
    refresh_token: set.refreshToken,
  });

  router.post("/oauth/token", ctx.op("oauth_token"), async (req, res) => {
    if (param(req, "client_id") !== client.clientId || param(req, "client_secret") !== client.clientSecret) {
      return res.status(401).json({ message: "Bad Request", errors: [{ resource: "Application", field: "client_id", code: "invalid" }] });
    }
    const grant = param(req, "grant_type");
    if (grant === "authorization_code") {
      const set = await ctx.oauth.exchangeCode("strava", param(req, "code") ?? "", accessTtl(ctx, ACCESS_TTL));
      if (!set)
        return res
          .status(400)
          .json({ message: "Bad Request", errors: [{ resource: "AuthorizationCode", field: "code", code: "invalid" }] });
      return res.json({ ...tokenBody(set), athlete: { id: Number(set.partnerUserId), resource_state: 2 } });
    }
    if (grant === "refresh_token") {
      // Strava hands back the same access token while it has more than an hour to live.
      const set = await ctx.oauth.refresh("strava", param(req, "refresh_token") ?? "", accessTtl(ctx, ACCESS_TTL), 3600);
      if (!set)
        return res
          .status(400)
          .json({ message: "Bad Request", errors: [{ resource: "RefreshToken", field: "refresh_token", code: "invalid" }] });
      return res.json(tokenBody(set));
    }
    res.status(400).json({ message: "Bad Request", errors: [{ resource: "Application", field: "grant_type", code: "invalid" }] });
  });

  router.post("/oauth/deauthorize", ctx.op("oauth_token"), auth, async (_req, res) => {
    await ctx.oauth.revoke("strava", userOf(res));
    module.announceRevoke(userOf(res));
    res.json({ access_token: null });
  });

  router.get("/api/v3/athlete", ctx.op("list_metadata"), auth, (_req, res) => {
    res.json({ id: Number(userOf(res)), resource_state: 2, firstname: "Mock", lastname: "Athlete" });
  });

  router.get("/api/v3/athlete/activities", ctx.op("list_metadata"), auth, async (req, res) => {
    const before = intParam(req.query.before);
    const after = intParam(req.query.after);
    const page = intParam(req.query.page) ?? 1;
    const perPage = intParam(req.query.per_page) ?? 30;
    if ([before, after, page, perPage].some((n) => Number.isNaN(n)) || page < 1 || perPage < 1 || perPage > 200) {
      return module.sendError(res, 400, "invalid");
    }
    // Strava filters on start time; with `after` the list runs oldest first.
    const activities = await ctx.store.listActivities({
      provider: "strava",
      partnerUserId: userOf(res),
      ...(after !== undefined ? { startAfter: new Date(after * 1000) } : {}),
      ...(before !== undefined ? { startBefore: new Date(before * 1000) } : {}),
      visibleAt: ctx.now(),
      order: after !== undefined ? "asc" : "desc",
      limit: perPage,
      offset: (page - 1) * perPage,
    });
    res.json(activities.map(summary));
  });

  const ownActivity = async (res: Response, id: string) => {
    const activity = /^\d+$/.test(id) ? await ctx.store.getActivity("strava", id) : undefined;
    if (!activity || activity.partnerUserId !== userOf(res) || activity.visibleAt > ctx.now()) {
      module.sendError(res, 404, "not found");
      return undefined;
    }
    return activity;
  };

  router.get("/api/v3/activities/:id", ctx.op("get_payload"), auth, async (req, res) => {
    const activity = await ownActivity(res, String(req.params.id));
    if (activity) res.json({ ...summary(activity), resource_state: 3, description: null, calories: 0 });
  });

  router.get("/api/v3/activities/:id/streams", ctx.op("get_payload"), auth, async (req, res) => {
    const activity = await ownActivity(res, String(req.params.id));
    if (!activity) return;
    const keys = String(req.query.keys ?? "time").split(",");
    const streams: Record<string, { type: string; data: unknown[]; series_type: string; original_size: number; resolution: string }> = {};
    const add = (type: string, data: unknown[]) => {
      streams[type] = { type, data, series_type: "time", original_size: data.length, resolution: "high" };
    };
    add(
      "time",
      activity.samples.map((s) => s.offsetSeconds),
    );
    if (keys.includes("heartrate"))
      add(
        "heartrate",
        activity.samples.map((s) => s.heartRate ?? null),
      );
    if (keys.includes("latlng"))
      add(
        "latlng",
        activity.samples.map((s) => (s.lat !== undefined && s.lon !== undefined ? [s.lat, s.lon] : null)),
      );
    res.json(req.query.key_by_type === "true" ? streams : Object.values(streams));
  });

  router.put("/api/v3/activities/:id", ctx.op("update"), auth, async (req, res) => {
    const activity = await ownActivity(res, String(req.params.id));
    if (!activity) return;
    const name = param(req, "name");
    const sport = param(req, "sport_type") ?? param(req, "type");
    if ((name !== undefined && (name.length === 0 || name.length > 255)) || (sport !== undefined && !FROM_STRAVA[sport])) {
      return module.sendError(res, 400, "invalid");
    }
    const updated = await ctx.store.updateActivity(
      "strava",
      activity.nativeId,
      { ...(name !== undefined ? { name } : {}), ...(sport !== undefined ? { type: FROM_STRAVA[sport] } : {}) },
      ctx.now(),
    );
    res.json(updated && { ...summary(updated), resource_state: 3 });
  });

  const uploadStatus = (row: {
    id: string;
    external_id: string | null;
    activity_native_id: string | null;
    error: string | null;
    ready_at: Date;
  }) => {
    const ready = row.ready_at <= ctx.now();
    return {
      id: Number(row.id),
      id_str: String(row.id),
      external_id: row.external_id,
      error: ready ? row.error : null,
      status: !ready ? PROCESSING : row.error ? "There was an error processing your activity." : "Your activity is ready.",
      activity_id: ready && !row.error ? Number(row.activity_native_id) : null,
    };
  };

  router.post("/api/v3/uploads", ctx.op("create"), auth, upload.single("file"), async (req, res) => {
    const dataType = param(req, "data_type");
    if (!req.file) return res.status(400).json({ message: "Bad Request", errors: [{ resource: "Upload", field: "file", code: "empty" }] });
    if (dataType !== "gpx")
      return res.status(400).json({ message: "Bad Request", errors: [{ resource: "Upload", field: "data_type", code: "invalid" }] });
    const athlete = userOf(res);
    const externalId = param(req, "external_id") ?? req.file.originalname;
    const readyAt = new Date(ctx.now().getTime() + processingMs);
    const row = await ctx.store.withUserLock("strava", athlete, async (store) => {
      let error: string | null = null;
      let nativeId: string | null = null;
      try {
        const file = fromGpx(req.file?.buffer.toString("utf8") ?? "");
        const sportType = param(req, "sport_type") ?? param(req, "activity_type");
        const type = (sportType && FROM_STRAVA[sportType]) || file.type;
        const start = new Date(file.startTime);
        const end = new Date(file.endTime);
        // Strava refuses the same upload twice (its external_id) and an identical activity (same start,
        // elapsed time and sport); a different activity that overlaps is accepted.
        const duplicate =
          (await store.findByExternalId("strava", athlete, externalId)) ??
          (await store.overlapping("strava", athlete, start, end)).find(
            (a) => a.startTime.getTime() === start.getTime() && elapsed(a.startTime, a.endTime) === elapsed(start, end) && a.type === type,
          );
        if (duplicate) {
          error = `${externalId} duplicate of activity ${duplicate.nativeId}`;
        } else {
          nativeId = await store.nextNumericId();
          await store.insertActivities([
            {
              provider: "strava",
              partnerUserId: athlete,
              nativeId,
              externalId,
              name: param(req, "name") ?? file.name,
              type,
              startTime: start,
              endTime: end,
              utcOffsetSeconds: 0,
              updatedAt: readyAt,
              visibleAt: readyAt,
              samples: file.samples,
            },
          ]);
        }
      } catch {
        error = "Improperly formatted data.";
      }
      const [inserted] = await store
        .db("uploads")
        .insert({
          provider: "strava",
          partner_user_id: athlete,
          external_id: externalId,
          activity_native_id: nativeId,
          error,
          ready_at: readyAt,
        })
        .returning("*");
      return inserted;
    });
    res.status(201).json(uploadStatus(row));
  });

  router.get("/api/v3/uploads/:id", ctx.op("create"), auth, async (req, res) => {
    const id = String(req.params.id);
    const row = /^\d+$/.test(id)
      ? await ctx.store
          .db("uploads")
          .where({ provider: "strava", id, partner_user_id: userOf(res) })
          .first()
      : undefined;
    if (!row) return module.sendError(res, 404, "not found");
    res.json(uploadStatus(row));
  });

  // Test control: how long new uploads stay "being processed" (e.g. longer than a client polls).
  let processingMs = o.uploadProcessingMs;
  router.put("/_admin/upload-processing", (req, res) => {
    const value = (req.body as { processingMs?: unknown } | undefined)?.processingMs;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 3_600_000)
      return void sendProblem(res, 400, "processingMs must be an integer number of milliseconds from 0 to 3600000");
    processingMs = value;
    res.json({ processingMs });
  });
  router.delete("/_admin/upload-processing", (_req, res) => {
    processingMs = o.uploadProcessingMs;
    res.json({ processingMs });
  });

  const deliver = (event: Record<string, unknown>) => {
    if (!ctx.options.webhookBaseUrl) return;
    ctx.webhooks.send("strava", {
      url: `${ctx.options.webhookBaseUrl}/strava`,
      body: JSON.stringify({ ...event, subscription_id: o.subscriptionId, event_time: epochSeconds(ctx.now()) }),
    });
  };

  const module: PartnerModule = {
    provider: "strava",
    router,
    rateLimits,
    buckets: (_method: string, operation: Operation) => (operation === "create" ? ["overall"] : ["overall", "read"]),
    rateLimitHeaders(res: Response, decision: RateDecision) {
      const pair = (bucket: string, what: "limit" | "usage") =>
        decision.usages
          .filter((u) => u.limit.bucket === bucket)
          .map((u) => (what === "limit" ? u.limit.limit : u.usage))
          .join(",");
      res.setHeader("X-RateLimit-Limit", pair("overall", "limit"));
      res.setHeader("X-RateLimit-Usage", pair("overall", "usage"));
      if (decision.usages.some((u) => u.limit.bucket === "read")) {
        res.setHeader("X-ReadRateLimit-Limit", pair("read", "limit"));
        res.setHeader("X-ReadRateLimit-Usage", pair("read", "usage"));
      }
    },
    sendError: (res, status, message) => void res.status(status).json(stravaError(status, message)),
    newUserId: () => ctx.store.nextNumericId(),
    newActivityId: () => ctx.store.nextNumericId(),
    announce(partnerUserId, activities) {
      for (const a of activities) {
        deliver({
          aspect_type: "create",
          object_type: "activity",
          object_id: Number(a.nativeId),
          owner_id: Number(partnerUserId),
          updates: {},
        });
      }
    },
    announceRevoke(partnerUserId) {
      deliver({
        aspect_type: "update",
        object_type: "athlete",
        object_id: Number(partnerUserId),
        owner_id: Number(partnerUserId),
        updates: { authorized: "false" },
      });
    },
  };
  return module;
}
