import { randomUUID } from "node:crypto";
import {
  ConflictStrategySchema,
  type ConnectionRecord,
  type DataType,
  DataTypeSchema,
  HttpProblem,
  POLLED_PROVIDERS,
  type PollSchedule,
  type SyncConfig,
  SyncFiltersSchema,
  servesAs,
  supports,
} from "@syncwell/core";
import express from "express";
import { z } from "zod";
import { userOf } from "../auth.ts";

/** The filters that make sense per data type (SPEC §15, §18): a night has a length, a day's totals and a weigh-in have neither name nor type. */
const FILTERS: Record<DataType, readonly string[]> = {
  workouts: ["activityTypes", "excludeNameContains", "minDurationSeconds"],
  sleep: ["minDurationSeconds"],
  daily_activity: [],
  body: [],
};

import type { ConfigCache } from "../configCache.ts";
import type { GatewayDeps } from "../deps.ts";
import { parseBody } from "../fieldProblems.ts";

/** Partners SyncWell can write to. */

const CreateBody = z
  .object({
    sourceConnectionId: z.string().min(1).max(128),
    destinationConnectionId: z.string().min(1).max(128),
    dataType: DataTypeSchema,
    conflictResolutionStrategy: ConflictStrategySchema.default("source_wins"),
    enabled: z.boolean().default(true),
    syncPrivate: z.boolean().default(false),
    filters: SyncFiltersSchema.optional(),
  })
  .strict();

const PatchBody = z
  .object({
    conflictResolutionStrategy: ConflictStrategySchema.optional(),
    enabled: z.boolean().optional(),
    syncPrivate: z.boolean().optional(),
    /** Replaces the filters whole; `{}` syncs everything again. */
    filters: SyncFiltersSchema.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "give conflictResolutionStrategy, enabled, syncPrivate or filters" });

/** A connection the user disconnected (DELETE /v1/connections/{id}) syncs nothing until it is connected again. */
function refuseDisconnected(field: string, c: Pick<ConnectionRecord, "provider" | "status"> | undefined): void {
  if (c?.status === "revoked")
    throw new HttpProblem(422, `${field}: the ${c.provider} connection is disconnected; connect the account again first`, { field });
}

/** A filter SyncWell does not know, or a type that is not a normalised one, is 422 naming the field (SPEC §15). */
const SEMANTIC = ["filters"] as const;

export const view = (c: SyncConfig, polling?: PollSchedule) => ({
  syncConfigId: c.syncConfigId,
  sourceConnectionId: c.sourceConnectionId,
  destinationConnectionId: c.destinationConnectionId,
  dataType: c.dataType,
  conflictResolutionStrategy: c.conflictResolutionStrategy,
  enabled: c.enabled,
  syncPrivate: c.syncPrivate ?? false,
  filters: c.filters ?? {},
  ...(c.lastSyncTime ? { lastSyncTime: c.lastSyncTime } : {}),
  version: c.version,
  ...(polling
    ? {
        polling: {
          intervalSeconds: polling.intervalSeconds,
          nextPollAt: polling.nextPollAt,
          ...(polling.lastResult ? { lastResult: polling.lastResult } : {}),
        },
      }
    : {}),
});

/** Sync-config CRUD. A user only ever sees their own configs: anything else answers 404. */
export function syncConfigRoutes(
  deps: GatewayDeps,
  options: { initialPollIntervalSeconds: number },
  configs?: Pick<ConfigCache, "forget">,
): express.Router {
  const router = express.Router();

  const ownConfig = async (userId: string, id: string): Promise<SyncConfig> => {
    const config = await deps.store.getConfig(userId, id);
    if (!config) throw new HttpProblem(404, "no such sync config");
    return config;
  };

  const refuseEnablingDisconnected = async (userId: string, config: SyncConfig) => {
    const connections = new Map((await deps.store.listConnections(userId)).map((c) => [c.connectionId, c]));
    refuseDisconnected("sourceConnectionId", connections.get(config.sourceConnectionId));
    refuseDisconnected("destinationConnectionId", connections.get(config.destinationConnectionId));
  };

  router.post("/v1/sync-configs", async (req, res) => {
    const body = parseBody(CreateBody, req.body, SEMANTIC);
    const userId = userOf(res);
    const [source, destination] = await Promise.all([
      deps.store.getConnection(userId, body.sourceConnectionId),
      deps.store.getConnection(userId, body.destinationConnectionId),
    ]);
    if (!source) throw new HttpProblem(422, "sourceConnectionId: no such connection");
    if (!destination) throw new HttpProblem(422, "destinationConnectionId: no such connection");
    if (source.connectionId === destination.connectionId)
      throw new HttpProblem(422, "source and destination must be different connections");
    // SPEC §18: which provider serves which data type, as a source or a destination (the README's table).
    const pair = `${source.provider} → ${destination.provider} is not a supported pair for ${body.dataType}`;
    const refuse = (field: string, detail: string) => new HttpProblem(422, `${field}: ${detail}`, { field });
    if (!supports(source.provider, body.dataType, "source"))
      throw refuse("sourceConnectionId", `${pair} (${source.provider} ${servesAs(source.provider, body.dataType)})`);
    if (!supports(destination.provider, body.dataType, "destination"))
      throw refuse("destinationConnectionId", `${pair} (${destination.provider} ${servesAs(destination.provider, body.dataType)})`);
    const unfiltered = Object.keys(body.filters ?? {}).filter((f) => !FILTERS[body.dataType].includes(f));
    if (unfiltered[0]) throw refuse(`filters.${unfiltered[0]}`, `not a filter of ${body.dataType} records`);
    refuseDisconnected("sourceConnectionId", source);
    refuseDisconnected("destinationConnectionId", destination);
    const config: SyncConfig = { syncConfigId: randomUUID(), userId, ...body, version: 1 };
    await deps.store.putConfig(config, source.provider);
    if (POLLED_PROVIDERS.includes(source.provider)) {
      // Polled at once, then on the adaptive schedule.
      await deps.store.putPollSchedule({
        syncConfigId: config.syncConfigId,
        userId,
        sourceConnectionId: source.connectionId,
        provider: source.provider,
        intervalSeconds: options.initialPollIntervalSeconds,
        nextPollAt: new Date().toISOString(),
        activityHours: Array.from({ length: 24 }, () => 0),
      });
    }
    res.status(201).location(`/v1/sync-configs/${config.syncConfigId}`).json(view(config));
  });

  // Every config of the user, each as GET /v1/sync-configs/{id} shows it (polling state where the source is polled).
  router.get("/v1/sync-configs", async (_req, res) => {
    const userId = userOf(res);
    const [configs, connections] = await Promise.all([deps.store.listConfigs(userId), deps.store.listConnections(userId)]);
    const providerOf = new Map(connections.map((c) => [c.connectionId, c.provider]));
    const polled = (c: SyncConfig) => POLLED_PROVIDERS.some((p) => p === providerOf.get(c.sourceConnectionId));
    const items = await Promise.all(
      configs.map(async (c) => view(c, polled(c) ? await deps.store.getPollSchedule(c.syncConfigId) : undefined)),
    );
    res.json({ items });
  });

  router.get("/v1/sync-configs/:id", async (req, res) => {
    const config = await ownConfig(userOf(res), String(req.params.id));
    res.json(view(config, await deps.store.getPollSchedule(config.syncConfigId)));
  });

  router.patch("/v1/sync-configs/:id", async (req, res) => {
    const patch = parseBody(PatchBody, req.body, SEMANTIC);
    const userId = userOf(res);
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await ownConfig(userId, String(req.params.id));
      if (patch.enabled === true && !current.enabled) await refuseEnablingDisconnected(userId, current);
      const updated = await deps.store.updateConfig(userId, current.syncConfigId, current.version, patch);
      configs?.forget(userId, current.syncConfigId);
      if (updated) return void res.json(view(updated));
    }
    throw new HttpProblem(409, "the sync config is being changed concurrently; try again");
  });

  router.delete("/v1/sync-configs/:id", async (req, res) => {
    configs?.forget(userOf(res), String(req.params.id));
    if (!(await deps.store.deleteConfig(userOf(res), String(req.params.id)))) throw new HttpProblem(404, "no such sync config");
    await deps.store.deletePollSchedule(String(req.params.id));
    res.status(204).end();
  });

  return router;
}
