import { randomUUID } from "node:crypto";
import { type ActivityType, toGpx } from "@syncwell/core";
import express, { type Response } from "express";
import type { RateDecision, WindowLimit } from "../rateLimit.ts";
import type { RecordKind, StoredActivity } from "../store.ts";
import { basicCredentials, bearer, heartRateSummary, opaqueId, userOf } from "./common.ts";
import { standardTokenEndpoint } from "./oauthStandard.ts";
import { polarHypnogram, stageSeconds } from "./sleepFormats.ts";
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

/** Local ISO time with its offset, as AccessLink writes sleep times (`2020-01-01T00:39:07+03:00`). */
function localWithOffset(date: Date, offsetSeconds: number): string {
  const local = new Date(date.getTime() + offsetSeconds * 1000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetSeconds);
  return `${local}${offsetSeconds < 0 ? "-" : "+"}${String(Math.floor(abs / 3600)).padStart(2, "0")}:${String(Math.floor((abs % 3600) / 60)).padStart(2, "0")}`;
}

/** The nights AccessLink's sleep resource serves: the last 28 days. */
const SLEEP_DAYS = 28;

/**
 * The two transactional resources: training sessions and daily activity summaries. Each offers what
 * was never committed, at most 50 items per transaction (AccessLink: "Each transaction will consist of
 * at most 50 …").
 */
interface TransactionKind {
  kind: RecordKind;
  /** Path segment of the transactions, e.g. `exercise-transactions`. */
  resource: string;
  /** The pull-notification `data-type`. */
  dataType: string;
  /** Key of the item list in a transaction, and the path segment of one item. */
  listKey: string;
  itemSegment: string;
}
const EXERCISES: TransactionKind = {
  kind: "workout",
  resource: "exercise-transactions",
  dataType: "EXERCISE",
  listKey: "exercises",
  itemSegment: "exercises",
};
const ACTIVITIES: TransactionKind = {
  kind: "daily_activity",
  resource: "activity-transactions",
  dataType: "ACTIVITY_SUMMARY",
  listKey: "activity-log",
  itemSegment: "activities",
};
const TRANSACTION_SIZE = 50;

interface TransactionRow {
  id: string;
  partner_user_id: string;
  activity_pks: number[];
  committed_at: Date | null;
}

/**
 * Polar AccessLink v3: pull notifications, exercise and daily-activity transactions (create → list →
 * get → commit), and the last 28 days of sleep with their hypnograms.
 */
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

  /**
   * A daily activity summary (AccessLink "Daily activity"): the local date with no time zone, when
   * AccessLink received it (`created`), the day's calories and `active-steps`. AccessLink's
   * transactional summary has no distance (its newer daily-activity resource reports
   * `distance_from_steps`); the mock adds it here as `distance-from-steps`, in meters.
   */
  const activitySummary = (a: StoredActivity, transactionId: string) => {
    const daily = a.data && "daily" in a.data ? a.data.daily : { date: "", steps: 0, activeCalories: 0, distanceMeters: 0 };
    const date = daily.date || new Date(a.startTime.getTime() + a.utcOffsetSeconds * 1000).toISOString().slice(0, 10);
    return {
      id: a.nativeId,
      "polar-user": `${base}/users/${a.partnerUserId}`,
      "transaction-id": Number(transactionId),
      date,
      created: a.updatedAt.toISOString(),
      calories: Math.round(daily.activeCalories),
      "active-calories": Math.round(daily.activeCalories),
      duration: isoDuration(Math.round((a.endTime.getTime() - a.startTime.getTime()) / 1000)),
      "active-steps": daily.steps,
      "distance-from-steps": daily.distanceMeters,
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
    const pending: { partner_user_id: string; kind: RecordKind }[] = await ctx.store
      .db("activities")
      .distinct("partner_user_id", "kind")
      .where({ provider: "polar", delivered: false })
      .whereIn("kind", [EXERCISES.kind, ACTIVITIES.kind])
      .orderBy(["partner_user_id", "kind"]);
    if (pending.length === 0) return res.status(204).end();
    res.json({
      "available-user-data": pending.map((u) => {
        const tx = u.kind === ACTIVITIES.kind ? ACTIVITIES : EXERCISES;
        return {
          "user-id": Number(u.partner_user_id),
          "data-type": tx.dataType,
          url: `${base}/users/${u.partner_user_id}/${tx.resource}`,
        };
      }),
    });
  });

  const sameUser = (req: express.Request, res: Response): boolean => {
    if (String(req.params.userId) === userOf(res)) return true;
    module.sendError(res, 403, "access token does not belong to this user");
    return false;
  };
  /** Transactions of one resource: those whose data is of its kind. */
  const ofKind = (tx: TransactionKind) =>
    ctx.store.db.raw("exists (select 1 from activities a where a.pk = (polar_transactions.activity_pks->>0)::bigint and a.kind = ?)", [
      tx.kind,
    ]);
  const openTransaction = async (tx: TransactionKind, req: express.Request, res: Response): Promise<TransactionRow | undefined> => {
    const id = String(req.params.transactionId);
    const row = /^\d+$/.test(id)
      ? await ctx.store
          .db<TransactionRow>("polar_transactions")
          .where({ id, partner_user_id: userOf(res) })
          .whereNull("committed_at")
          .where(ofKind(tx))
          .first()
      : undefined;
    if (!row) module.sendError(res, 404, "transaction not found or already committed");
    return row;
  };

  /** AccessLink's nights: one per date, the date the user woke up (local). */
  const night = (a: StoredActivity) => {
    const stages = a.data && "sleep" in a.data ? a.data.sleep.stages : [];
    const totals = stageSeconds(stages);
    return {
      polar_user: `${base}/users/${a.partnerUserId}`,
      date: sleepDate(a),
      sleep_start_time: localWithOffset(a.startTime, a.utcOffsetSeconds),
      sleep_end_time: localWithOffset(a.endTime, a.utcOffsetSeconds),
      device_id: "1111AAAA",
      continuity: null,
      continuity_class: null,
      light_sleep: totals.light,
      deep_sleep: totals.deep,
      rem_sleep: totals.rem,
      unrecognized_sleep_stage: 0,
      sleep_score: null,
      total_interruption_duration: totals.awake,
      sleep_charge: null,
      sleep_goal: 28800,
      sleep_rating: 0,
      short_interruption_duration: 0,
      long_interruption_duration: totals.awake,
      sleep_cycles: null,
      group_duration_score: null,
      group_solidity_score: null,
      group_regeneration_score: null,
      hypnogram: polarHypnogram(stages, a.startTime.getTime(), a.utcOffsetSeconds),
      heart_rate_samples: {},
    };
  };
  const sleepDate = (a: StoredActivity) => new Date(a.endTime.getTime() + a.utcOffsetSeconds * 1000).toISOString().slice(0, 10);
  /** The user's nights of the last 28 days, one per date (a second session ending that date is not a night). */
  const nights = async (user: string) => {
    const since = new Date(ctx.now().getTime() - SLEEP_DAYS * 86400_000).toISOString().slice(0, 10);
    const byDate = new Map<string, StoredActivity>();
    for (const a of await ctx.store.listActivities({ provider: "polar", partnerUserId: user, kind: "sleep", visibleAt: ctx.now() })) {
      const date = sleepDate(a);
      if (date >= since && !byDate.has(date)) byDate.set(date, a);
    }
    return [...byDate.values()];
  };

  // Sleep (AccessLink "Sleep"): no transaction; the user comes from the token. Registered before
  // `/v3/users/:userId`, which would otherwise take `sleep` for a user id.
  router.get("/v3/users/sleep", ctx.op("list_metadata"), auth, async (_req, res) => {
    res.json({ nights: (await nights(userOf(res))).map(night) });
  });
  router.get("/v3/users/sleep/available", ctx.op("list_metadata"), auth, async (_req, res) => {
    res.json({
      available: (await nights(userOf(res))).map((a) => ({
        date: sleepDate(a),
        start_time: localWithOffset(a.startTime, a.utcOffsetSeconds),
        end_time: localWithOffset(a.endTime, a.utcOffsetSeconds),
      })),
    });
  });
  router.get("/v3/users/sleep/:date", ctx.op("get_payload"), auth, async (req, res) => {
    const found = (await nights(userOf(res))).find((a) => sleepDate(a) === String(req.params.date));
    if (!found) return module.sendError(res, 404, "no sleep for that date");
    res.json(night(found));
  });

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

  /** create → list → get → commit for one transactional resource; `render` writes one item. */
  const transactions = (tx: TransactionKind, render: (a: StoredActivity, transactionId: string) => unknown) => {
    const root = `/v3/users/:userId/${tx.resource}`;
    router.post(root, ctx.op("list_metadata"), auth, async (req, res) => {
      if (!sameUser(req, res)) return;
      const user = userOf(res);
      const created = await ctx.store.withUserLock("polar", user, async (store) => {
        // One open transaction per user and resource: asking again hands back the open one until it expires.
        const open = await store
          .db<TransactionRow>("polar_transactions")
          .where({ partner_user_id: user })
          .whereNull("committed_at")
          .where("expires_at", ">", ctx.now())
          .where(ofKind(tx))
          .first();
        if (open) return open;
        const pending = await store
          .db("activities")
          .select("pk")
          .where({ provider: "polar", partner_user_id: user, delivered: false, kind: tx.kind })
          .orderBy("pk")
          .limit(TRANSACTION_SIZE);
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
      res.status(201).json({ "transaction-id": Number(created.id), "resource-uri": `${base}/users/${user}/${tx.resource}/${created.id}` });
    });

    router.get(`${root}/:transactionId`, ctx.op("list_metadata"), auth, async (req, res) => {
      if (!sameUser(req, res)) return;
      const open = await openTransaction(tx, req, res);
      if (!open) return;
      const items = await ctx.store.getActivitiesByPk(open.activity_pks);
      res.json({
        [tx.listKey]: items.map((a) => `${base}/users/${open.partner_user_id}/${tx.resource}/${open.id}/${tx.itemSegment}/${a.nativeId}`),
      });
    });

    const itemOf = async (req: express.Request, res: Response) => {
      if (!sameUser(req, res)) return undefined;
      const open = await openTransaction(tx, req, res);
      if (!open) return undefined;
      const item = await ctx.store.getActivity("polar", String(req.params.itemId));
      if (!item || !open.activity_pks.includes(item.pk)) {
        module.sendError(res, 404, `${tx.itemSegment} not found in this transaction`);
        return undefined;
      }
      return { tx: open, item };
    };

    router.get(`${root}/:transactionId/${tx.itemSegment}/:itemId`, ctx.op("list_metadata"), auth, async (req, res) => {
      const found = await itemOf(req, res);
      if (found) res.json(render(found.item, found.tx.id));
    });

    router.put(`${root}/:transactionId`, ctx.op("list_metadata"), auth, async (req, res) => {
      if (!sameUser(req, res)) return;
      const open = await openTransaction(tx, req, res);
      if (!open) return;
      await ctx.store.db.transaction(async (trx) => {
        await trx("activities").whereIn("pk", open.activity_pks).update({ delivered: true });
        await trx("polar_transactions").where({ id: open.id }).update({ committed_at: ctx.now() });
      });
      res.status(200).end();
    });
    return itemOf;
  };

  const exerciseOf = transactions(EXERCISES, exercise);
  transactions(ACTIVITIES, activitySummary);

  router.get(
    "/v3/users/:userId/exercise-transactions/:transactionId/exercises/:itemId/gpx",
    ctx.op("get_payload"),
    auth,
    async (req, res) => {
      const found = await exerciseOf(req, res);
      if (!found) return;
      const a = found.item;
      res
        .type("application/gpx+xml")
        .send(
          toGpx({ name: a.name, type: a.type, startTime: a.startTime.toISOString(), endTime: a.endTime.toISOString(), samples: a.samples }),
        );
    },
  );

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
