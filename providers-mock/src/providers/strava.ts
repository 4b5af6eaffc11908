import { fromGpx, type Operation, sendProblem } from "@syncwell/core";
import express, { type RequestHandler, type Response } from "express";
import multer from "multer";
import type { RateDecision, WindowLimit } from "../rateLimit.ts";
import type { StoredActivity } from "../store.ts";
import { accessTtl, bearer, epochSeconds, intParam, param, scopeOf, userOf } from "./common.ts";
import { FROM_STRAVA, parseStartDateLocal, STRAVA_SCOPES, stravaError, stravaGrant, stravaSummary, stravaUpdates } from "./stravaFormat.ts";
import type { PartnerContext, PartnerModule } from "./types.ts";

const ACCESS_TTL = 6 * 3600;
const elapsed = (start: Date, end: Date) => Math.round((end.getTime() - start.getTime()) / 1000);
const PROCESSING = "Your activity is still being processed.";

/**
 * Strava API v3 (developers.strava.com/docs/reference): SummaryActivity / DetailedActivity /
 * streams / uploads / manual activities / UpdatableActivity / push subscriptions, with the OAuth
 * scopes that decide what an app may see.
 */
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

  const summary = stravaSummary;
  /** The permission a call needs (reference: "Requires activity:read", "activity:write"): 401 naming it otherwise. */
  const need =
    (permission: "read" | "write"): RequestHandler =>
    (_req, res, next) => {
      if (stravaGrant(scopeOf(res))[permission]) return next();
      module.sendError(res, 401, `missing activity:${permission}_permission`);
    };
  const seesPrivate = (res: Response) => stravaGrant(scopeOf(res)).readAll;

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

  // "Only Me activities will be filtered out unless requested by a token with activity:read_all."
  router.get("/api/v3/athlete/activities", ctx.op("list_metadata"), auth, need("read"), async (req, res) => {
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
      includePrivate: seesPrivate(res),
      order: after !== undefined ? "asc" : "desc",
      limit: perPage,
      offset: (page - 1) * perPage,
    });
    res.json(activities.map(summary));
  });

  const ownActivity = async (res: Response, id: string) => {
    const activity = /^\d+$/.test(id) ? await ctx.store.getActivity("strava", id) : undefined;
    // An "Only You" activity needs activity:read_all; without it the app is told there is none.
    if (!activity || activity.partnerUserId !== userOf(res) || activity.visibleAt > ctx.now() || (activity.private && !seesPrivate(res))) {
      module.sendError(res, 404, "not found");
      return undefined;
    }
    return activity;
  };

  router.get("/api/v3/activities/:id", ctx.op("get_payload"), auth, need("read"), async (req, res) => {
    const activity = await ownActivity(res, String(req.params.id));
    if (activity) res.json({ ...summary(activity), resource_state: 3, description: null, calories: 0 });
  });

  router.get("/api/v3/activities/:id/streams", ctx.op("get_payload"), auth, need("read"), async (req, res) => {
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

  /**
   * Update Activity takes an UpdatableActivity: name, sport_type (type), description, commute,
   * trainer, hide_from_home, gear_id. Privacy and times are not in it, so an app can never change
   * them; other parameters are ignored, as Strava ignores them.
   */
  router.put("/api/v3/activities/:id", ctx.op("update"), auth, need("write"), async (req, res) => {
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
    if (updated) await module.announceChange(updated.partnerUserId, activity, updated);
    res.json(updated && { ...summary(updated), resource_state: 3 });
  });

  /**
   * Create an Activity (a manual one, without a file): name, sport_type (or type),
   * start_date_local and elapsed_time are required; description, distance, trainer, commute,
   * hide_from_home optional. No external id and no privacy: it gets the athlete's default
   * visibility (Everyone for every mock athlete).
   */
  router.post("/api/v3/activities", ctx.op("create"), auth, need("write"), async (req, res) => {
    const name = param(req, "name");
    const sport = param(req, "sport_type") ?? param(req, "type");
    const start = parseStartDateLocal(param(req, "start_date_local"));
    const seconds = intParam(param(req, "elapsed_time"));
    const missing = [
      ...(name ? [] : ["name"]),
      ...(sport && FROM_STRAVA[sport] ? [] : ["sport_type"]),
      ...(start ? [] : ["start_date_local"]),
      ...(seconds !== undefined && seconds > 0 ? [] : ["elapsed_time"]),
    ];
    if (missing.length > 0 || !name || !sport || !start || seconds === undefined)
      return res
        .status(400)
        .json({ message: "Bad Request", errors: missing.map((field) => ({ resource: "Activity", field, code: "invalid" })) });
    const [created] = await ctx.store.insertActivities([
      {
        provider: "strava",
        partnerUserId: userOf(res),
        nativeId: await ctx.store.nextNumericId(),
        externalId: null,
        name: name.slice(0, 255),
        type: FROM_STRAVA[sport] ?? "workout",
        startTime: start.start,
        endTime: new Date(start.start.getTime() + seconds * 1000),
        utcOffsetSeconds: start.utcOffsetSeconds,
        updatedAt: ctx.now(),
        visibleAt: ctx.now(),
        samples: [],
      },
    ]);
    if (!created) return module.sendError(res, 500, "not stored");
    await module.announce(created.partnerUserId, [created]);
    res.status(201).json({ ...summary(created), resource_state: 3, description: param(req, "description") ?? null, calories: 0 });
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

  router.post("/api/v3/uploads", ctx.op("create"), auth, need("write"), upload.single("file"), async (req, res) => {
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
        // docs/uploads: "All files are required to include a time with each trackpoint"; an activity
        // without a track is created with POST /activities instead.
        if (file.samples.length === 0) throw new Error("no track points");
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

  router.get("/api/v3/uploads/:id", ctx.op("create"), auth, need("write"), async (req, res) => {
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
  /** Whether the athlete's grant to the app lets it see "Only You" activities (and their privacy changes). */
  const grantReadsAll = async (athlete: string) => stravaGrant(await ctx.oauth.grantedScope("strava", athlete)).readAll;
  const activityEvent = (athlete: string, a: StoredActivity, aspect: "create" | "update" | "delete", updates: Record<string, string>) =>
    deliver({ aspect_type: aspect, object_type: "activity", object_id: Number(a.nativeId), owner_id: Number(athlete), updates });

  const module: PartnerModule = {
    provider: "strava",
    router,
    rateLimits,
    scopes: { default: STRAVA_SCOPES.default, known: STRAVA_SCOPES.known },
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
    // Events about an "Only You" activity reach only an app the athlete granted activity:read_all.
    async announce(partnerUserId, activities) {
      const readAll = activities.some((a) => a.private) && (await grantReadsAll(partnerUserId));
      for (const a of activities) if (!a.private || readAll) activityEvent(partnerUserId, a, "create", {});
    },
    // docs/webhooks: an update event for a changed title, type or (activity:read_all only) privacy.
    async announceChange(partnerUserId, before, after) {
      const readAll = await grantReadsAll(partnerUserId);
      if ((before.private || after.private) && !readAll) return;
      const updates = stravaUpdates(before, after, readAll);
      if (Object.keys(updates).length > 0) activityEvent(partnerUserId, after, "update", updates);
    },
    async announceDelete(partnerUserId, activity) {
      if (activity.private && !(await grantReadsAll(partnerUserId))) return;
      activityEvent(partnerUserId, activity, "delete", {});
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
