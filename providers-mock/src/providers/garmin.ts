import { randomUUID } from "node:crypto";
import { type ActivityType, fromGpx, toGpx } from "@syncwell/core";
import express, { type Response } from "express";
import multer from "multer";
import type { WindowLimit } from "../rateLimit.ts";
import type { RecordKind, StoredActivity } from "../store.ts";
import { bearer, epochSeconds, heartRateSummary, intParam, userOf } from "./common.ts";
import { isFit } from "./fitWeight.ts";
import { garminRecordWrites } from "./garminRecordWrites.ts";
import { NATIVE, SUMMARY_TYPES } from "./garminWellness.ts";
import { standardTokenEndpoint } from "./oauthStandard.ts";
import type { PartnerContext, PartnerModule } from "./types.ts";

const TO_GARMIN: Record<ActivityType, string> = {
  run: "RUNNING",
  ride: "CYCLING",
  swim: "LAP_SWIMMING",
  walk: "WALKING",
  hike: "HIKING",
  workout: "FITNESS_EQUIPMENT",
  other: "OTHER",
};
const FROM_GARMIN = Object.fromEntries(Object.entries(TO_GARMIN).map(([k, v]) => [v, k as ActivityType]));
/** Garmin Connect's own activity-service names a type by a lower-case `typeKey` (activityTypeDTO). */
const FROM_TYPE_KEY = Object.fromEntries(Object.entries(TO_GARMIN).map(([k, v]) => [v.toLowerCase(), k as ActivityType]));
/** Garmin Connect's privacy (accessControlRuleDTO.typeKey): "private" is Only Me; the others show it to someone. */
const PRIVACY_KEYS = ["private", "subscribers", "groups", "public"];
const MAX_RANGE_SECONDS = 86400;

/**
 * Garmin Health/Activity API: ping/pull by upload time, activity files, uploads refusing identical
 * duplicates (409, code 202). Sleeps, dailies and body compositions (SPEC §18) are pulled and pinged
 * the same way, each under its summary type; a weigh-in is written as a FIT weight file upload, a
 * sleep through SyncWell's assumed sleep-service (Garmin documents no sleep write).
 */
export function createGarmin(ctx: PartnerContext): PartnerModule {
  const rateLimits: WindowLimit[] = [
    { name: "app:minute", bucket: "app", windowSeconds: 60, limit: ctx.options.garmin.limits["app:minute"] ?? 600 },
  ];
  const router = express.Router();
  const auth = bearer(ctx, () => module);
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 25 * 1024 * 1024, files: 1 } });

  const summary = (a: StoredActivity) => {
    const hr = heartRateSummary(a.samples);
    return {
      userId: a.partnerUserId,
      summaryId: a.nativeId,
      activityId: Number(a.nativeId),
      activityName: a.name,
      activityType: TO_GARMIN[a.type],
      startTimeInSeconds: epochSeconds(a.startTime),
      startTimeOffsetInSeconds: a.utcOffsetSeconds,
      durationInSeconds: Math.round((a.endTime.getTime() - a.startTime.getTime()) / 1000),
      ...(hr.average !== undefined ? { averageHeartRateInBeatsPerMinute: hr.average, maxHeartRateInBeatsPerMinute: hr.max } : {}),
      // Activity API: "manual" marks an activity entered by hand, whose deviceName is "unknown".
      deviceName: a.externalId || a.samples.length === 0 ? "unknown" : "forerunner965",
      manual: a.samples.length === 0,
    };
  };

  router.post(
    "/di-oauth2-service/oauth/token",
    ctx.op("oauth_token"),
    standardTokenEndpoint(ctx, "garmin", 86400, (_set, base) => ({
      ...base,
      scope: "ACTIVITY_EXPORT ACTIVITY_IMPORT",
      refresh_token_expires_in: 7_775_999,
    })),
  );

  router.get("/wellness-api/rest/user/id", ctx.op("list_metadata"), auth, (_req, res) => void res.json({ userId: userOf(res) }));

  /** Pull by upload time (≤ 24 h a call), as every Health API summary type is pulled. */
  const pullByUploadTime =
    (kind: RecordKind, toNative: (a: StoredActivity) => unknown): express.RequestHandler =>
    async (req, res) => {
      const from = intParam(req.query.uploadStartTimeInSeconds);
      const to = intParam(req.query.uploadEndTimeInSeconds);
      if (from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to)) {
        return module.sendError(res, 400, "uploadStartTimeInSeconds and uploadEndTimeInSeconds are required integers");
      }
      if (to <= from || to - from > MAX_RANGE_SECONDS) {
        return module.sendError(res, 400, `invalid upload time range: must be positive and at most ${MAX_RANGE_SECONDS} seconds`);
      }
      const records = await ctx.store.listActivities({
        provider: "garmin",
        partnerUserId: userOf(res),
        updatedFrom: new Date(from * 1000),
        updatedTo: new Date(to * 1000),
        visibleAt: ctx.now(),
        orderBy: "updated_at",
        kind,
      });
      res.json(records.map(toNative));
    };

  router.get("/wellness-api/rest/activities", ctx.op("list_metadata"), auth, pullByUploadTime("workout", summary));
  for (const kind of ["sleep", "daily_activity", "body"] as const) {
    router.get(`/wellness-api/rest/${SUMMARY_TYPES[kind]}`, ctx.op("list_metadata"), auth, pullByUploadTime(kind, NATIVE[kind]));
  }

  router.get("/wellness-api/rest/activityFile", ctx.op("get_payload"), auth, async (req, res) => {
    const id = typeof req.query.id === "string" ? req.query.id : "";
    const activity = await ctx.store.getActivity("garmin", id);
    if (activity?.kind !== "workout" || activity.partnerUserId !== userOf(res))
      return module.sendError(res, 404, "activity file not found");
    res.type("application/gpx+xml").send(
      toGpx({
        name: activity.name,
        type: activity.type,
        startTime: activity.startTime.toISOString(),
        endTime: activity.endTime.toISOString(),
        externalId: activity.externalId ?? undefined,
        samples: activity.samples,
      }),
    );
  });

  router.post("/upload-service/upload", ctx.op("create"), auth, upload.single("file"), async (req, res) => {
    if (!req.file) return module.sendError(res, 400, "file is required");
    if (isFit(req.file.buffer)) return uploadWeighIn(req.file, res);
    let file: ReturnType<typeof fromGpx>;
    try {
      file = fromGpx(req.file.buffer.toString("utf8"));
    } catch (error) {
      return module.sendError(res, 400, (error as Error).message);
    }
    const owner = userOf(res);
    const start = new Date(file.startTime);
    const end = new Date(file.endTime);
    const result = await ctx.store.withUserLock("garmin", owner, async (store) => {
      // Garmin refuses only the same activity twice: the same file (external id) or the same start, end
      // and type. A different activity that overlaps is accepted; whether it conflicts is the engine's call.
      const byExternalId = file.externalId ? await store.findByExternalId("garmin", owner, file.externalId) : undefined;
      const duplicate =
        byExternalId ??
        (await store.overlapping("garmin", owner, start, end)).find(
          (a) => a.startTime.getTime() === start.getTime() && a.endTime.getTime() === end.getTime() && a.type === file.type,
        );
      if (duplicate) return { conflict: duplicate, message: { code: 202, content: "Duplicate Activity." } };
      const [stored] = await store.insertActivities([
        {
          provider: "garmin",
          partnerUserId: owner,
          nativeId: await store.nextNumericId(),
          externalId: file.externalId ?? null,
          name: file.name,
          type: file.type,
          startTime: start,
          endTime: end,
          utcOffsetSeconds: 0,
          updatedAt: ctx.now(),
          visibleAt: ctx.now(),
          samples: file.samples,
        },
      ]);
      return { stored };
    });
    const base = {
      uploadId: Date.now(),
      uploadUuid: { uuid: randomUUID() },
      owner,
      fileSize: req.file.size,
      fileName: req.file.originalname,
      creationDate: ctx.now().toISOString(),
    };
    if ("conflict" in result && result.conflict) {
      return res.status(409).json({
        detailedImportResult: {
          ...base,
          successes: [],
          failures: [{ internalId: Number(result.conflict.nativeId), externalId: file.externalId ?? null, messages: [result.message] }],
        },
      });
    }
    const stored = (result as { stored: StoredActivity }).stored;
    res.status(201).json({
      detailedImportResult: {
        ...base,
        successes: [{ internalId: Number(stored.nativeId), externalId: file.externalId ?? null, messages: null }],
        failures: [],
      },
    });
  });

  /**
   * Garmin Connect's activity-service update: `activityName`, `activityTypeDTO.typeKey` and
   * `accessControlRuleDTO.typeKey` (privacy: private / subscribers / groups / public). The Activity
   * API's `activityType` key is taken too. Start times are not editable here.
   */
  router.put("/activity-service/activity/:id", ctx.op("update"), auth, async (req, res) => {
    const activity = await ctx.store.getActivity("garmin", String(req.params.id));
    if (activity?.kind !== "workout" || activity.partnerUserId !== userOf(res)) return module.sendError(res, 404, "activity not found");
    const body = (req.body ?? {}) as {
      activityName?: unknown;
      activityType?: unknown;
      activityTypeDTO?: { typeKey?: unknown };
      accessControlRuleDTO?: { typeKey?: unknown };
    };
    const name = body.activityName;
    const typeKey = body.activityTypeDTO?.typeKey;
    const type =
      typeKey !== undefined
        ? FROM_TYPE_KEY[String(typeKey)]
        : body.activityType !== undefined
          ? FROM_GARMIN[String(body.activityType)]
          : null;
    const privacy = body.accessControlRuleDTO?.typeKey;
    if (
      (name !== undefined && (typeof name !== "string" || name.length === 0 || name.length > 255)) ||
      type === undefined ||
      (privacy !== undefined && !PRIVACY_KEYS.includes(String(privacy)))
    ) {
      return module.sendError(res, 400, "invalid activityName, activityTypeDTO or accessControlRuleDTO");
    }
    const updated = await ctx.store.updateActivity(
      "garmin",
      activity.nativeId,
      {
        ...(typeof name === "string" ? { name } : {}),
        ...(type ? { type } : {}),
        ...(privacy !== undefined ? { private: privacy === "private" } : {}),
      },
      ctx.now(),
    );
    if (updated) module.announceChange(updated.partnerUserId, activity, updated);
    res.status(204).end();
  });

  router.delete("/activity-service/activity/:id", ctx.op("update"), auth, async (req, res) => {
    const activity = await ctx.store.getActivity("garmin", String(req.params.id));
    if (activity?.kind !== "workout" || activity.partnerUserId !== userOf(res)) return module.sendError(res, 404, "activity not found");
    await ctx.store.deleteActivity("garmin", activity.nativeId);
    res.status(204).end();
  });

  const { uploadWeighIn } = garminRecordWrites(ctx, () => module, router, auth);

  const ping = (body: Record<string, unknown>) => {
    if (!ctx.options.webhookBaseUrl) return;
    ctx.webhooks.send("garmin", {
      url: `${ctx.options.webhookBaseUrl}/garmin`,
      headers: { "garmin-client-id": ctx.options.clients.garmin.clientId },
      body: JSON.stringify(body),
    });
  };

  const module: PartnerModule = {
    provider: "garmin",
    router,
    rateLimits,
    buckets: () => ["app"],
    rateLimitHeaders: () => {},
    sendError: (res: Response, status: number, message: string) => void res.status(status).json({ errorMessage: message }),
    newUserId: async () => randomUUID(),
    newActivityId: () => ctx.store.nextNumericId(),
    // One ping per summary type, under its own key, with a callbackURL pulling that type's upload window.
    announce(partnerUserId, activities) {
      for (const [kind, key] of Object.entries(SUMMARY_TYPES) as [RecordKind, string][]) {
        const ofKind = activities.filter((a) => a.kind === kind);
        if (ofKind.length === 0) continue;
        const times = ofKind.map((a) => epochSeconds(a.updatedAt));
        const from = Math.min(...times);
        const to = Math.max(...times) + 1;
        const callbackURL = `${ctx.options.publicUrl}/garmin/wellness-api/rest/${key}?uploadStartTimeInSeconds=${from}&uploadEndTimeInSeconds=${to}`;
        ping({ [key]: [{ userId: partnerUserId, uploadStartTimeInSeconds: from, uploadEndTimeInSeconds: to, callbackURL }] });
      }
    },
    // An edit on Garmin Connect makes a "manually updated activity" summary: a new upload time, pinged.
    announceChange(partnerUserId, _before, after) {
      module.announce(partnerUserId, [after]);
    },
    // The Activity API has no deletion notice for activities: a partner only finds out by asking.
    announceDelete: () => {},
    announceRevoke: (partnerUserId) => ping({ deregistrations: [{ userId: partnerUserId }] }),
  };
  return module;
}
