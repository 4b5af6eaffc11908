import { createHmac, randomBytes } from "node:crypto";
import { OPERATIONS, type Operation } from "@syncwell/core";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { WindowLimit } from "../rateLimit.ts";
import type { StoredActivity } from "../store.ts";
import { accessTtl, bearer, epochSeconds, intParam, param, safeEqual, userOf } from "./common.ts";
import type { PartnerContext, PartnerModule } from "./types.ts";
import { APPLI, KNOWN_APPLIS, measureGroup, nightOf, sleepSegments, sleepSummary, zoneOf } from "./withingsFormat.ts";

export const WITHINGS_PAGE_SIZE = 50;
/** Withings access tokens last 3 hours. */
const ACCESS_TTL = 10_800;
const NONCE_TTL_MS = 10 * 60_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Withings' signature (Signature v2): HMAC-SHA256 of the comma-joined values, keyed with the client secret; hex. */
export function withingsSignature(secret: string, values: readonly string[]): string {
  return createHmac("sha256", secret).update(values.join(",")).digest("hex");
}

/** A service answer: the action's handler, the operation it counts as, and whether it takes the user's token. */
interface Action {
  op: Operation;
  auth: boolean;
  run: (req: Request, res: Response) => unknown;
}

/**
 * Withings public API: every call a POST naming an `action` (form-encoded or query), every answer
 * HTTP 200 with `{status, body}` — errors too (401 invalid token, 601 too many requests, 2554 wrong
 * action, 503 invalid params, …). OAuth 2.0 through `/v2/oauth2` `action=requesttoken`; body
 * measurements from `/measure` getmeas, sleep from `/v2/sleep` getsummary and get, both paged with
 * `more`/`offset`; per-user notification subscriptions (`/notify`, an `appli` per category) delivered as
 * form-encoded POSTs of `userid, appli, startdate, enddate`; the signed revoke of OAuth 2.0 - Revoke
 * user access, which ends the user's subscriptions too. As at Withings, only the callbacks a user was
 * subscribed to are notified: there is no app-wide default (`webhookBaseUrl` plays no part here), so
 * an app that never subscribes hears nothing.
 */
export function createWithings(ctx: PartnerContext): PartnerModule {
  const client = ctx.options.clients.withings;
  const rateLimits: WindowLimit[] = [
    { name: "app:minute", bucket: "app", windowSeconds: 60, limit: ctx.options.withings.limits["app:minute"] ?? 120 },
  ];
  const router = express.Router();
  const auth = bearer(ctx, () => module);
  const ops = Object.fromEntries(OPERATIONS.map((o) => [o, ctx.op(o)])) as Record<Operation, RequestHandler>;
  /** userid → appli → callback URL → comment. In memory: subscriptions last as long as the mock runs. */
  const subscriptions = new Map<string, Map<number, Map<string, string>>>();
  const nonces = new Map<string, number>();

  const ok = (res: Response, body: unknown = {}) => void res.json({ status: 0, body });
  const fail = (res: Response, status: number, error: string) => void res.json({ status, body: {}, error });

  /** One Withings service: a POST whose `action` picks the handler. */
  const service = (path: string, actions: Record<string, Action>) => {
    const pick = (req: Request) => {
      const name = param(req, "action") ?? "";
      return Object.hasOwn(actions, name) ? actions[name] : undefined;
    };
    router.post(
      path,
      (req: Request, res: Response, next: NextFunction) => ops[pick(req)?.op ?? "list_metadata"](req, res, next),
      (req: Request, res: Response, next: NextFunction) => {
        const action = pick(req);
        if (!action) return fail(res, 2554, "Wrong action or wrong webservice");
        if (action.auth) return auth(req, res, next);
        next();
      },
      async (req: Request, res: Response) => {
        await (pick(req) as Action).run(req, res);
      },
    );
  };
  const ints = (req: Request, names: readonly string[]) => {
    const out: Record<string, number | undefined> = {};
    for (const name of names) {
      const value = intParam(param(req, name));
      if (Number.isNaN(value)) return undefined;
      out[name] = value;
    }
    return out;
  };
  const page = <T>(items: T[], offset: number | undefined) => {
    const from = offset ?? 0;
    const more = from + WITHINGS_PAGE_SIZE < items.length;
    return { slice: items.slice(from, from + WITHINGS_PAGE_SIZE), more, offset: more ? from + WITHINGS_PAGE_SIZE : 0 };
  };
  const records = (partnerUserId: string, kind: "body" | "sleep") =>
    ctx.store.listActivities({ provider: "withings", partnerUserId, kind, visibleAt: ctx.now() });

  // ── OAuth 2.0: requesttoken (code or refresh token) and the signed revoke ──
  const requestToken = async (req: Request, res: Response) => {
    if (param(req, "client_id") !== client.clientId) return fail(res, 503, "Invalid Params: invalid client_id");
    if (!safeEqual(param(req, "client_secret") ?? "", client.clientSecret)) return fail(res, 503, "Invalid Params: invalid client_secret");
    const grant = param(req, "grant_type");
    const ttl = accessTtl(ctx, ACCESS_TTL);
    let set: Awaited<ReturnType<typeof ctx.oauth.refresh>>;
    if (grant === "authorization_code") set = await ctx.oauth.exchangeCode("withings", param(req, "code") ?? "", ttl);
    else if (grant === "refresh_token") set = await ctx.oauth.refresh("withings", param(req, "refresh_token") ?? "", ttl);
    else return fail(res, 503, "Invalid Params: invalid grant_type");
    if (!set) return fail(res, 503, `Invalid Params: invalid ${grant === "authorization_code" ? "code" : "refresh_token"}`);
    ok(res, {
      userid: set.partnerUserId,
      access_token: set.accessToken,
      refresh_token: set.refreshToken,
      expires_in: Math.max(0, epochSeconds(set.expiresAt) - epochSeconds(ctx.now())),
      scope: set.scope ?? module.scopes?.default,
      token_type: "Bearer",
    });
  };
  const signed = (req: Request, values: string[]) =>
    param(req, "client_id") === client.clientId && safeEqual(param(req, "signature") ?? "", withingsSignature(client.clientSecret, values));
  service("/v2/oauth2", {
    requesttoken: { op: "oauth_token", auth: false, run: requestToken },
    revoke: {
      op: "oauth_token",
      auth: false,
      async run(req, res) {
        const nonce = param(req, "nonce") ?? "";
        if (!signed(req, ["revoke", client.clientId, nonce])) return fail(res, 503, "Invalid Params: invalid signature");
        const expires = nonces.get(nonce);
        nonces.delete(nonce);
        if (expires === undefined || expires < ctx.now().getTime()) return fail(res, 503, "Invalid Params: invalid nonce");
        const userid = param(req, "userid") ?? "";
        if (!(await ctx.store.userExists("withings", userid))) return fail(res, 503, "Invalid Params: invalid userid");
        // A user whose grant is gone already (they withdrew it at Withings): the docs say nothing of
        // this case; the mock answers it as the authentication failure it is for the app.
        const granted = await ctx.store.db("oauth_tokens").where({ provider: "withings", partner_user_id: userid }).first();
        if (!granted) return fail(res, 401, "Authentication failed: the user has not authorised this application");
        await ctx.oauth.revoke("withings", userid);
        subscriptions.delete(userid);
        ok(res);
      },
    },
  });
  // The nonce is the pre-flight of a signed call: counted apart, so a revoke is one `oauth_token` call.
  service("/v2/signature", {
    getnonce: {
      op: "preflight",
      auth: false,
      run(req, res) {
        const timestamp = param(req, "timestamp") ?? "";
        if (!signed(req, ["getnonce", client.clientId, timestamp])) return fail(res, 503, "Invalid Params: invalid signature");
        if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) - epochSeconds(ctx.now())) > 600)
          return fail(res, 503, "Invalid Params: invalid timestamp");
        const nowMs = ctx.now().getTime();
        for (const [spent, expires] of nonces) if (expires < nowMs) nonces.delete(spent);
        const nonce = randomBytes(16).toString("hex");
        nonces.set(nonce, nowMs + NONCE_TTL_MS);
        ok(res, { nonce });
      },
    },
  });

  // ── Measure - Getmeas: weight and fat ratio, by date or by modification time ──
  service("/measure", {
    getmeas: {
      op: "list_metadata",
      auth: true,
      async run(req, res) {
        const q = ints(req, ["meastype", "category", "startdate", "enddate", "lastupdate", "offset"]);
        const listed = (param(req, "meastypes") ?? "").split(",").filter(Boolean);
        if (!q || listed.some((t) => !/^\d+$/.test(t))) return fail(res, 503, "Invalid Params");
        const types = q.meastype !== undefined ? [q.meastype] : listed.length > 0 ? listed.map(Number) : undefined;
        // Category 1 is real measures, 2 the user's objectives: the mock keeps no objectives.
        const real = q.category === undefined || q.category === 1 ? await records(userOf(res), "body") : [];
        const groups = real
          .filter((a) => q.startdate === undefined || epochSeconds(a.startTime) >= q.startdate)
          .filter((a) => q.enddate === undefined || epochSeconds(a.startTime) <= q.enddate)
          .filter((a) => q.lastupdate === undefined || epochSeconds(a.updatedAt) >= q.lastupdate)
          .sort((a, b) => b.startTime.getTime() - a.startTime.getTime())
          .map((a) => ({ a, group: measureGroup(a, types) }))
          .filter(({ group }) => group.measures.length > 0);
        const { slice, more, offset } = page(groups, q.offset);
        ok(res, {
          updatetime: epochSeconds(ctx.now()),
          timezone: zoneOf(slice[0]?.a.utcOffsetSeconds ?? 0),
          measuregrps: slice.map((g) => g.group),
          more: more ? 1 : 0,
          offset,
        });
      },
    },
  });

  // ── Sleep v2: summaries (by night or modification time) and the high-frequency states ──
  service("/v2/sleep", {
    getsummary: {
      op: "list_metadata",
      auth: true,
      async run(req, res) {
        const q = ints(req, ["lastupdate", "offset"]);
        const [from, to] = [param(req, "startdateymd"), param(req, "enddateymd")];
        if (!q) return fail(res, 503, "Invalid Params");
        if (q.lastupdate !== undefined && (from || to))
          return fail(res, 503, "Invalid Params: lastupdate excludes startdateymd and enddateymd");
        if (q.lastupdate === undefined && (!from || !to || !DAY.test(from) || !DAY.test(to)))
          return fail(res, 503, "Invalid Params: give lastupdate, or startdateymd and enddateymd (YYYY-MM-DD)");
        const fields = param(req, "data_fields")?.split(",").filter(Boolean);
        const nights = (await records(userOf(res), "sleep"))
          .filter((a) => q.lastupdate === undefined || epochSeconds(a.updatedAt) >= q.lastupdate)
          .filter((a) => !from || !to || (nightOf(a) >= from && nightOf(a) <= to))
          .map((a) => sleepSummary(a, fields));
        const { slice, more, offset } = page(nights, q.offset);
        ok(res, { series: slice, more, offset });
      },
    },
    get: {
      op: "get_payload",
      auth: true,
      async run(req, res) {
        const q = ints(req, ["startdate", "enddate"]);
        if (!q || q.startdate === undefined || q.enddate === undefined || q.enddate <= q.startdate)
          return fail(res, 503, "Invalid Params: startdate and enddate are required, startdate before enddate");
        // More than 24 h apart: only the first 24 h after startdate (Sleep v2 - Get).
        const [from, to] = [q.startdate, Math.min(q.enddate, q.startdate + 86400)];
        const sessions = await ctx.store.overlapping("withings", userOf(res), new Date(from * 1000), new Date(to * 1000), "sleep");
        const series = sessions
          .filter((a) => a.visibleAt <= ctx.now())
          .flatMap(sleepSegments)
          .filter((s) => s.startdate < to && s.enddate > from)
          .sort((a, b) => a.startdate - b.startdate);
        ok(res, { series });
      },
    },
  });

  // ── Notify: per-user subscriptions to a category (appli), a reachable callback URL each ──
  const appliOf = (req: Request, fallback?: number) => {
    const appli = intParam(param(req, "appli")) ?? fallback;
    return appli !== undefined && (KNOWN_APPLIS as readonly number[]).includes(appli) ? appli : undefined;
  };
  const userSubscriptions = (userid: string) => {
    const found = subscriptions.get(userid) ?? new Map<number, Map<string, string>>();
    subscriptions.set(userid, found);
    return found;
  };
  service("/notify", {
    subscribe: {
      op: "create",
      auth: true,
      async run(req, res) {
        const callbackurl = param(req, "callbackurl") ?? "";
        const appli = appliOf(req);
        if (appli === undefined) return fail(res, 503, "Invalid Params: invalid appli");
        if (!/^https?:\/\/\S+$/.test(callbackurl) || callbackurl.length > 255)
          return fail(res, 293, "The callback URL is either absent or incorrect");
        // Withings checks the URL answers a HEAD before it registers it.
        const reachable = await fetch(callbackurl, { method: "HEAD", signal: AbortSignal.timeout(2000) })
          .then((r) => r.ok)
          .catch(() => false);
        if (!reachable) return fail(res, 293, "The callback URL is either absent or incorrect");
        const byAppli = userSubscriptions(userOf(res));
        byAppli.set(appli, (byAppli.get(appli) ?? new Map()).set(callbackurl, param(req, "comment") ?? ""));
        ok(res);
      },
    },
    list: {
      op: "list_metadata",
      auth: true,
      run(req, res) {
        const only = appliOf(req);
        const profiles = [...userSubscriptions(userOf(res))].flatMap(([appli, urls]) =>
          only !== undefined && appli !== only
            ? []
            : [...urls].map(([callbackurl, comment]) => ({ appli, callbackurl, comment, expires: 2147483647 })),
        );
        ok(res, { profiles });
      },
    },
    get: {
      op: "list_metadata",
      auth: true,
      run(req, res) {
        const appli = appliOf(req, APPLI.body) ?? APPLI.body;
        const callbackurl = param(req, "callbackurl") ?? "";
        const comment = userSubscriptions(userOf(res)).get(appli)?.get(callbackurl);
        if (comment === undefined) return fail(res, 343, "No notification matching the criteria was found");
        ok(res, { appli, callbackurl, comment });
      },
    },
    revoke: {
      op: "update",
      auth: true,
      run(req, res) {
        const appli = appliOf(req);
        const urls = appli === undefined ? undefined : userSubscriptions(userOf(res)).get(appli);
        if (!urls?.delete(param(req, "callbackurl") ?? "")) return fail(res, 294, "No such subscription could be deleted");
        ok(res);
      },
    },
  });

  /** A notification, form-encoded, to every callback the user subscribed for the category, and nowhere else. */
  const notify = (userid: string, appli: number, fields: Record<string, string>) => {
    const body = new URLSearchParams({ userid, appli: String(appli), ...fields }).toString();
    for (const url of subscriptions.get(userid)?.get(appli)?.keys() ?? [])
      ctx.webhooks.send("withings", { url, headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  };
  /** New or changed data of a category in a time range: the callback names the range, never a record. */
  const announceRange = (userid: string, records: readonly StoredActivity[]) => {
    for (const kind of ["body", "sleep"] as const) {
      const of = records.filter((a) => a.kind === kind);
      if (of.length === 0) continue;
      const startdate = Math.min(...of.map((a) => epochSeconds(a.startTime)));
      const enddate = Math.max(...of.map((a) => epochSeconds(a.endTime)));
      notify(userid, APPLI[kind], { startdate: String(startdate), enddate: String(enddate) });
    }
  };

  const module: PartnerModule = {
    provider: "withings",
    router,
    rateLimits,
    buckets: () => ["app"],
    // Withings reports no limits in headers: a call over the limit is answered status 601.
    rateLimitHeaders: () => {},
    sendError(res: Response, status: number, message: string) {
      res.removeHeader("Retry-After");
      if (status >= 500) return void res.status(status).json({ status: 2555, body: {}, error: message });
      if (status === 429) return fail(res, 601, "Too Many Requests");
      if (status === 401 || status === 403) return fail(res, 401, `XRequestID: Not provided invalid_token: ${message}`);
      if (status === 404) return fail(res, 2554, "Wrong action or wrong webservice");
      fail(res, 503, `Invalid Params: ${message}`);
    },
    newUserId: () => ctx.store.nextNumericId(),
    newActivityId: () => ctx.store.nextNumericId(),
    scopes: { default: "user.info,user.metrics,user.activity", known: ["user.info", "user.metrics", "user.activity", "user.sleepevents"] },
    announce: (userid, activities) => announceRange(userid, activities),
    announceChange: (userid, before, after) => announceRange(userid, [before, after]),
    announceDelete: (userid, activity) => announceRange(userid, [activity]),
    announceRevoke(userid) {
      notify(userid, APPLI.user, { action: "unlink" });
      subscriptions.delete(userid);
    },
  };
  return module;
}
