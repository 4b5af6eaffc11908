import {
  ActivityTypeSchema,
  type Body,
  BodySchema,
  type DailyActivity,
  DailyActivitySchema,
  HttpProblem,
  OperationSchema,
  type Provider,
  ProviderSchema,
  parseOrThrow,
  SampleSchema,
  type Sleep,
  SleepSchema,
  sendProblem,
} from "@syncwell/core";
import express, { type Request } from "express";
import { z } from "zod";
import type { FaultRegistry } from "./faults.ts";
import type { OAuthService } from "./oauth.ts";
import type { PartnerModule } from "./providers/types.ts";
import type { RateLimiter } from "./rateLimit.ts";
import type { CallStats } from "./stats.ts";
import { type PartnerStore, RECORD_KINDS, type RecordData, type RecordKind, type StoredActivity } from "./store.ts";
import type { WebhookSender } from "./webhooks.ts";

const iso = z.iso.datetime({ offset: true });

const NewActivitySchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -")
      .optional(),
    startTime: iso,
    endTime: iso,
    type: ActivityTypeSchema,
    name: z.string().min(1).max(255),
    updatedAt: iso.optional(),
    externalId: z.string().min(1).max(255).optional(),
    private: z.boolean().optional(),
    utcOffsetSeconds: z
      .number()
      .int()
      .min(-14 * 3600)
      .max(14 * 3600)
      .optional(),
    samples: z.array(SampleSchema).max(100_000).optional(),
    /** Issue #15: a sleep session, a day's totals or a body measurement, with what it says. @defaultValue "workout" */
    kind: z.enum(RECORD_KINDS).optional(),
    sleep: SleepSchema.optional(),
    daily: DailyActivitySchema.optional(),
    body: BodySchema.optional(),
  })
  .strict()
  // A body measurement is a moment (start = end); everything else lasts.
  .refine((a) => Date.parse(a.endTime) > Date.parse(a.startTime) || (a.kind === "body" && a.endTime === a.startTime), {
    message: "endTime must be after startTime",
    path: ["endTime"],
  })
  .refine((a) => (a.kind ?? "workout") === "workout" || DATA_KEY[a.kind as Exclude<RecordKind, "workout">] in a, {
    message: "a sleep, daily_activity or body record carries what it says: sleep, daily or body",
    path: ["kind"],
  });

/** Where a record of a kind keeps what it says. */
const DATA_KEY = { sleep: "sleep", daily_activity: "daily", body: "body" } as const;

/** What a user can change about an activity at the partner (SPEC §13): any of these, nothing else. */
const EDITABLE = ["name", "type", "private", "startTime", "endTime"] as const;
const ActivityEditSchema = z
  .object({
    name: z.string().min(1).max(255).optional(),
    type: ActivityTypeSchema.optional(),
    private: z.boolean().optional(),
    startTime: iso.optional(),
    endTime: iso.optional(),
  })
  .strict();

/** The body of a new partner user or authorization code: the scope the user accepts, where the partner has scopes. */
const GrantSchema = z.object({ scope: z.string().min(1).max(255).optional() }).strict();

const FaultSchema = z
  .object({
    provider: ProviderSchema,
    operation: OperationSchema,
    status: z.number().int().min(400).max(599).optional(),
    times: z.number().int().min(1).optional(),
    probability: z.number().gt(0).max(1).optional(),
    latencyMs: z.number().int().min(1).max(60_000).optional(),
  })
  .strict()
  .refine((f) => f.status !== undefined || f.latencyMs !== undefined, { message: "give a status, a latencyMs or both" });

const RateLimitsSchema = z.object({ provider: ProviderSchema, limits: z.record(z.string(), z.number().int().min(0)) }).strict();

/** The normalised view the test-control API returns. */
export function normalise(a: StoredActivity) {
  return {
    id: a.nativeId,
    startTime: a.startTime.toISOString(),
    endTime: a.endTime.toISOString(),
    type: a.type,
    name: a.name,
    updatedAt: a.updatedAt.toISOString(),
    utcOffsetSeconds: a.utcOffsetSeconds,
    private: a.private,
    ...(a.externalId ? { externalId: a.externalId } : {}),
    samples: a.samples,
    ...(a.kind === "workout" ? {} : { kind: a.kind, ...a.data }),
  };
}

function recordData(a: { sleep?: Sleep | undefined; daily?: DailyActivity | undefined; body?: Body | undefined }): RecordData | null {
  if (a.sleep) return { sleep: a.sleep };
  if (a.daily) return { daily: a.daily };
  if (a.body) return { body: a.body };
  return null;
}

/** Test-control API: create partner users, add/list their activities, inject faults, read stats. */
export function createAdminRouter(deps: {
  modules: ReadonlyMap<Provider, PartnerModule>;
  limiters: ReadonlyMap<Provider, RateLimiter>;
  store: PartnerStore;
  oauth: OAuthService;
  faults: FaultRegistry;
  stats: CallStats;
  webhooks: WebhookSender;
  now: () => Date;
}): express.Router {
  const router = express.Router();
  const { store, oauth } = deps;

  const moduleOf = (req: Request): PartnerModule => {
    const module = deps.modules.get(req.params.provider as Provider);
    if (!module)
      throw new HttpProblem(404, `unknown provider "${String(req.params.provider)}"; known: ${[...deps.modules.keys()].join(", ")}`);
    return module;
  };
  const userOf = async (req: Request): Promise<{ module: PartnerModule; partnerUserId: string }> => {
    const module = moduleOf(req);
    const partnerUserId = String(req.params.partnerUserId);
    if (!(await store.userExists(module.provider, partnerUserId)))
      throw new HttpProblem(404, `no ${module.provider} user ${partnerUserId}`);
    return { module, partnerUserId };
  };

  /**
   * The scope the user accepts on the partner's consent screen: by default what SyncWell asks for
   * (Strava: `read,activity:read_all,activity:write`); a test may grant less, as a user who unticks
   * "private activities" does.
   */
  const scopeOf = (module: PartnerModule, body: unknown): string | undefined => {
    const { scope } = parseOrThrow(GrantSchema, body ?? {});
    if (scope === undefined) return module.scopes?.default;
    if (!module.scopes) throw new HttpProblem(400, `scope: ${module.provider} has no OAuth scopes`);
    const unknown = scope.split(",").filter((s) => !module.scopes?.known.includes(s));
    if (unknown.length > 0)
      throw new HttpProblem(400, `scope: unknown ${module.provider} scope "${unknown[0]}"; known: ${module.scopes.known.join(", ")}`);
    return scope;
  };

  router.post("/:provider/_admin/users", async (req, res) => {
    const module = moduleOf(req);
    const scope = scopeOf(module, req.body);
    const partnerUserId = await module.newUserId();
    await store.createUser(module.provider, partnerUserId);
    res.status(201).json({ partnerUserId, authorizationCode: await oauth.issueCode(module.provider, partnerUserId, { scope }) });
  });

  router.post("/:provider/_admin/users/:partnerUserId/authorization-codes", async (req, res) => {
    const { module, partnerUserId } = await userOf(req);
    const scope = scopeOf(module, req.body);
    res.status(201).json({ authorizationCode: await oauth.issueCode(module.provider, partnerUserId, { scope }) });
  });

  router.post("/:provider/_admin/users/:partnerUserId/activities", async (req, res) => {
    const { module, partnerUserId } = await userOf(req);
    const input = parseOrThrow(z.array(NewActivitySchema).min(1).max(1000), req.body);
    const now = deps.now();
    const rows = [];
    for (const a of input) {
      rows.push({
        provider: module.provider,
        partnerUserId,
        nativeId: a.id ?? (await module.newActivityId()),
        externalId: a.externalId ?? null,
        name: a.name,
        type: a.type,
        startTime: new Date(a.startTime),
        endTime: new Date(a.endTime),
        utcOffsetSeconds: a.utcOffsetSeconds ?? 0,
        private: a.private ?? false,
        updatedAt: a.updatedAt ? new Date(a.updatedAt) : now,
        visibleAt: now,
        samples: a.samples ?? [],
        kind: a.kind ?? "workout",
        data: recordData(a),
      });
    }
    let stored: StoredActivity[];
    try {
      stored = await store.insertActivities(rows);
    } catch (error) {
      if ((error as { code?: string }).code === "23505") throw new HttpProblem(409, "an activity with that id already exists");
      throw error;
    }
    await module.announce(partnerUserId, stored);
    res.status(201).json(stored.map(normalise));
  });

  const activityOf = async (req: Request) => {
    const { module, partnerUserId } = await userOf(req);
    const activity = await store.getActivity(module.provider, String(req.params.id));
    if (!activity || activity.partnerUserId !== partnerUserId)
      throw new HttpProblem(404, `no ${module.provider} activity ${String(req.params.id)} of user ${partnerUserId}`);
    return { module, partnerUserId, activity };
  };

  // The user edits an activity at the partner: its modification time moves and the partner tells
  // its subscribers the way it does (Strava `update`, Oura `update`, a Garmin ping), or not at all.
  router.patch("/:provider/_admin/users/:partnerUserId/activities/:id", async (req, res) => {
    const { module, partnerUserId, activity } = await activityOf(req);
    const body: unknown = req.body ?? {};
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpProblem(400, "request body: expected an object");
    const unknown = Object.keys(body).filter((k) => !(EDITABLE as readonly string[]).includes(k));
    if (unknown.length > 0) throw new HttpProblem(422, `${unknown[0]}: not an editable field; editable: ${EDITABLE.join(", ")}`);
    const edit = parseOrThrow(ActivityEditSchema, body);
    if (Object.keys(edit).length === 0) throw new HttpProblem(400, `request body: give at least one of ${EDITABLE.join(", ")}`);
    const startTime = edit.startTime ? new Date(edit.startTime) : activity.startTime;
    const endTime = edit.endTime ? new Date(edit.endTime) : activity.endTime;
    // A body measurement is a moment (start = end); everything else lasts.
    if (endTime < startTime || (endTime.getTime() === startTime.getTime() && activity.kind !== "body"))
      throw new HttpProblem(400, "endTime: must be after startTime");
    const now = deps.now();
    const updatedAt = new Date(Math.max(now.getTime(), activity.updatedAt.getTime() + 1));
    const updated = await store.updateActivity(
      module.provider,
      activity.nativeId,
      {
        ...(edit.name !== undefined ? { name: edit.name } : {}),
        ...(edit.type !== undefined ? { type: edit.type } : {}),
        ...(edit.private !== undefined ? { private: edit.private } : {}),
        ...(edit.startTime !== undefined ? { startTime } : {}),
        ...(edit.endTime !== undefined ? { endTime } : {}),
      },
      updatedAt,
    );
    if (!updated) throw new HttpProblem(404, `no ${module.provider} activity ${activity.nativeId}`);
    await module.announceChange(partnerUserId, activity, updated);
    res.json(normalise(updated));
  });

  router.delete("/:provider/_admin/users/:partnerUserId/activities/:id", async (req, res) => {
    const { module, partnerUserId, activity } = await activityOf(req);
    const deleted = await store.deleteActivity(module.provider, activity.nativeId);
    if (deleted) await module.announceDelete(partnerUserId, deleted);
    res.status(204).end();
  });

  router.get("/:provider/_admin/users/:partnerUserId/activities", async (req, res) => {
    const { module, partnerUserId } = await userOf(req);
    // `?kind=sleep` (daily_activity, body): that kind's records instead of the workouts.
    const kind = parseOrThrow(z.enum(RECORD_KINDS).optional(), req.query.kind);
    res.json((await store.listActivities({ provider: module.provider, partnerUserId, ...(kind ? { kind } : {}) })).map(normalise));
  });

  router.post("/:provider/_admin/users/:partnerUserId/expire-tokens", async (req, res) => {
    const { module, partnerUserId } = await userOf(req);
    await oauth.expireAccessTokens(module.provider, partnerUserId);
    res.status(204).end();
  });

  router.post("/:provider/_admin/users/:partnerUserId/revoke", async (req, res) => {
    const { module, partnerUserId } = await userOf(req);
    await oauth.revoke(module.provider, partnerUserId);
    module.announceRevoke(partnerUserId);
    res.status(204).end();
  });

  router.post("/_admin/faults", (req, res) => {
    res.status(201).json(deps.faults.add(parseOrThrow(FaultSchema, req.body)));
  });
  router.get("/_admin/faults", (_req, res) => {
    res.json(deps.faults.list());
  });
  router.delete("/_admin/faults", (_req, res) => {
    deps.faults.clear();
    res.status(204).end();
  });

  router.post("/_admin/webhooks", (req, res) => {
    const { provider, enabled } = parseOrThrow(z.object({ provider: ProviderSchema, enabled: z.boolean() }).strict(), req.body);
    deps.webhooks.setEnabled(provider, enabled);
    res.json({ provider, enabled });
  });

  router.get("/_admin/stats", (_req, res) => {
    res.json(deps.stats.snapshot());
  });
  router.post("/_admin/stats/reset", (_req, res) => {
    deps.stats.reset();
    res.status(204).end();
  });

  router.get("/_admin/rate-limits", (_req, res) => {
    res.json(Object.fromEntries([...deps.limiters].map(([p, l]) => [p, Object.fromEntries(l.limits.map((w) => [w.name, w.limit]))])));
  });
  router.post("/_admin/rate-limits", (req, res) => {
    const { provider, limits } = parseOrThrow(RateLimitsSchema, req.body);
    const limiter = deps.limiters.get(provider);
    try {
      limiter?.setLimits(limits);
    } catch (error) {
      return sendProblem(res, 400, (error as Error).message);
    }
    res.json(Object.fromEntries(limiter?.limits.map((w) => [w.name, w.limit]) ?? []));
  });
  router.delete("/_admin/rate-limits", (_req, res) => {
    for (const limiter of deps.limiters.values()) limiter.reset();
    res.status(204).end();
  });

  return router;
}
