import { randomUUID } from "node:crypto";
import { type ActivityType, toGpx } from "@syncwell/core";
import express, { type Response } from "express";
import type { RateDecision, WindowLimit } from "../rateLimit.ts";
import type { StoredActivity } from "../store.ts";
import { basicCredentials, bearer, heartRateSummary, opaqueId, userOf } from "./common.ts";
import { standardTokenEndpoint } from "./oauthStandard.ts";
import type { PartnerContext, PartnerModule } from "./types.ts";

const TO_POLAR: Record<ActivityType, string> = {
  run: "RUNNING",
  ride: "CYCLING",
  swim: "SWIMMING",
  walk: "WALKING",
  hike: "HIKING",
  workout: "OTHER_INDOOR",
  other: "OTHER_OUTDOOR",
};

/** ISO-8601 duration as Polar writes it, e.g. PT1H2M3S. */
export function isoDuration(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `PT${h}H${m}M${s}S`;
}

const POLAR_ERROR_TYPES: Record<number, string> = { 401: "unauthorized", 403: "forbidden", 404: "not_found", 429: "too_many_requests" };

/** An uncommitted transaction is abandoned after 10 minutes and its data offered again. */
const TRANSACTION_TTL_MS = 10 * 60_000;

interface TransactionRow {
  id: string;
  partner_user_id: string;
  activity_pks: number[];
  committed_at: Date | null;
}

/** Polar AccessLink v3: pull notifications, exercise transactions (create → list → get → commit). */
export function createPolar(ctx: PartnerContext): PartnerModule {
  const limits = ctx.options.polar.limits;
  const rateLimits: WindowLimit[] = [
    { name: "app:15min", bucket: "app", windowSeconds: 900, limit: limits["app:15min"] ?? 500 },
    { name: "app:daily", bucket: "app", windowSeconds: 86400, limit: limits["app:daily"] ?? 5000 },
  ];
  const router = express.Router();
  const auth = bearer(ctx, () => module);
  const base = `${ctx.options.publicUrl}/polar/v3`;
  const client = ctx.options.clients.polar;

  const exercise = (a: StoredActivity, transactionId: string) => {
    const hr = heartRateSummary(a.samples);
    return {
      id: a.nativeId,
      "upload-time": a.updatedAt.toISOString(),
      "polar-user": `${base}/users/${a.partnerUserId}`,
      "transaction-id": Number(transactionId),
      device: "Polar Vantage V3",
      "device-id": "1111AAAA",
      "start-time": new Date(a.startTime.getTime() + a.utcOffsetSeconds * 1000).toISOString().slice(0, 19),
      "start-time-utc-offset": Math.round(a.utcOffsetSeconds / 60),
      duration: isoDuration(Math.round((a.endTime.getTime() - a.startTime.getTime()) / 1000)),
      calories: 0,
      distance: 0,
      "heart-rate": { average: hr.average ?? 0, maximum: hr.max ?? 0 },
      "training-load": 0,
      sport: TO_POLAR[a.type],
      "has-route": a.samples.some((s) => s.lat !== undefined),
      "detailed-sport-info": TO_POLAR[a.type],
    };
  };

  router.post(
    "/v2/oauth2/token",
    ctx.op("oauth_token"),
    standardTokenEndpoint(ctx, "polar", 365 * 86400, (set, b) => ({ ...b, x_user_id: Number(set.partnerUserId) })),
  );

  router.get("/v3/notifications", ctx.op("preflight"), async (req, res) => {
    const creds = basicCredentials(req);
    if (creds?.id !== client.clientId || creds.secret !== client.clientSecret)
      return module.sendError(res, 401, "invalid client credentials");
    const users = await ctx.store
      .db("activities")
      .distinct("partner_user_id")
      .where({ provider: "polar", delivered: false })
      .orderBy("partner_user_id");
    if (users.length === 0) return res.status(204).end();
    res.json({
      "available-user-data": users.map((u: { partner_user_id: string }) => ({
        "user-id": Number(u.partner_user_id),
        "data-type": "EXERCISE",
        url: `${base}/users/${u.partner_user_id}/exercise-transactions`,
      })),
    });
  });

  const sameUser = (req: express.Request, res: Response): boolean => {
    if (String(req.params.userId) === userOf(res)) return true;
    module.sendError(res, 403, "access token does not belong to this user");
    return false;
  };
  const openTransaction = async (req: express.Request, res: Response): Promise<TransactionRow | undefined> => {
    const id = String(req.params.transactionId);
    const row = /^\d+$/.test(id)
      ? await ctx.store
          .db<TransactionRow>("polar_transactions")
          .where({ id, partner_user_id: userOf(res) })
          .whereNull("committed_at")
          .first()
      : undefined;
    if (!row) module.sendError(res, 404, "transaction not found or already committed");
    return row;
  };

  // AccessLink's "get user information": also how a client checks that its token still works.
  router.get("/v3/users/:userId", ctx.op("list_metadata"), auth, (req, res) => {
    if (!sameUser(req, res)) return;
    res.json({
      "polar-user-id": Number(userOf(res)),
      "member-id": `member-${userOf(res)}`,
      "registration-date": "2024-01-01T00:00:00.000Z",
      "first-name": "Mock",
      "last-name": "User",
      "extra-info": [],
    });
  });

  router.post("/v3/users/:userId/exercise-transactions", ctx.op("list_metadata"), auth, async (req, res) => {
    if (!sameUser(req, res)) return;
    const user = userOf(res);
    const created = await ctx.store.withUserLock("polar", user, async (store) => {
      // One open transaction per user: asking again hands back the open one until it expires.
      const open = await store
        .db<TransactionRow>("polar_transactions")
        .where({ partner_user_id: user })
        .whereNull("committed_at")
        .where("expires_at", ">", ctx.now())
        .first();
      if (open) return open;
      const pending = await store
        .db("activities")
        .select("pk")
        .where({ provider: "polar", partner_user_id: user, delivered: false })
        .orderBy("pk");
      if (pending.length === 0) return undefined;
      const pks = pending.map((r: { pk: string }) => Number(r.pk));
      const [row] = await store
        .db("polar_transactions")
        .insert({
          partner_user_id: user,
          activity_pks: JSON.stringify(pks),
          expires_at: new Date(ctx.now().getTime() + TRANSACTION_TTL_MS),
        })
        .returning("*");
      return row as TransactionRow;
    });
    if (!created) return res.status(204).end();
    res
      .status(201)
      .json({ "transaction-id": Number(created.id), "resource-uri": `${base}/users/${user}/exercise-transactions/${created.id}` });
  });

  router.get("/v3/users/:userId/exercise-transactions/:transactionId", ctx.op("list_metadata"), auth, async (req, res) => {
    if (!sameUser(req, res)) return;
    const tx = await openTransaction(req, res);
    if (!tx) return;
    const activities = await ctx.store.getActivitiesByPk(tx.activity_pks);
    res.json({
      exercises: activities.map((a) => `${base}/users/${tx.partner_user_id}/exercise-transactions/${tx.id}/exercises/${a.nativeId}`),
    });
  });

  const exerciseOf = async (req: express.Request, res: Response) => {
    if (!sameUser(req, res)) return undefined;
    const tx = await openTransaction(req, res);
    if (!tx) return undefined;
    const activity = await ctx.store.getActivity("polar", String(req.params.exerciseId));
    if (!activity || !tx.activity_pks.includes(activity.pk)) {
      module.sendError(res, 404, "exercise not found in this transaction");
      return undefined;
    }
    return { tx, activity };
  };

  router.get(
    "/v3/users/:userId/exercise-transactions/:transactionId/exercises/:exerciseId",
    ctx.op("list_metadata"),
    auth,
    async (req, res) => {
      const found = await exerciseOf(req, res);
      if (found) res.json(exercise(found.activity, found.tx.id));
    },
  );

  router.get(
    "/v3/users/:userId/exercise-transactions/:transactionId/exercises/:exerciseId/gpx",
    ctx.op("get_payload"),
    auth,
    async (req, res) => {
      const found = await exerciseOf(req, res);
      if (!found) return;
      const a = found.activity;
      res
        .type("application/gpx+xml")
        .send(
          toGpx({ name: a.name, type: a.type, startTime: a.startTime.toISOString(), endTime: a.endTime.toISOString(), samples: a.samples }),
        );
    },
  );

  router.put("/v3/users/:userId/exercise-transactions/:transactionId", ctx.op("list_metadata"), auth, async (req, res) => {
    if (!sameUser(req, res)) return;
    const tx = await openTransaction(req, res);
    if (!tx) return;
    await ctx.store.db.transaction(async (trx) => {
      await trx("activities").whereIn("pk", tx.activity_pks).update({ delivered: true });
      await trx("polar_transactions").where({ id: tx.id }).update({ committed_at: ctx.now() });
    });
    res.status(200).end();
  });

  const module: PartnerModule = {
    provider: "polar",
    router,
    rateLimits,
    buckets: () => ["app"],
    rateLimitHeaders(res: Response, decision: RateDecision) {
      // Polar reports the window closest to its limit.
      const tightest = [...decision.usages].sort((a, b) => b.usage / b.limit.limit - a.usage / a.limit.limit)[0];
      if (!tightest) return;
      res.setHeader("RateLimit-Usage", String(tightest.usage));
      res.setHeader("RateLimit-Limit", String(tightest.limit.limit));
      res.setHeader("RateLimit-Reset", String(tightest.resetSeconds));
    },
    sendError: (res, status, message) =>
      void res.status(status).json({
        timestamp: ctx.now().toISOString(),
        status,
        errorType: POLAR_ERROR_TYPES[status] ?? (status >= 500 ? "internal_error" : "bad_request"),
        message,
        corrId: randomUUID(),
      }),
    newUserId: async () => String(10_000_000 + Math.floor(Math.random() * 89_999_999)),
    newActivityId: async () => opaqueId(8),
    announce: () => {},
    // AccessLink offers an exercise once, through a transaction, and has no notice of edits or deletions.
    announceChange: () => {},
    announceDelete: () => {},
    announceRevoke: () => {},
  };
  return module;
}
