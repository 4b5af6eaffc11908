import { problemErrorHandler, rejectImpossibleIds, sendProblem } from "@syncwell/core";
import express, { type Express } from "express";
import { perUserRateLimit, requireUser } from "./auth.ts";
import { ConfigCache } from "./configCache.ts";
import type { GatewayDeps, GatewayOptions } from "./deps.ts";
import { connectionRoutes } from "./routes/connections.ts";
import { deviceUploadRoutes } from "./routes/deviceUploads.ts";
import { syncConfigRoutes } from "./routes/syncConfigs.ts";
import { syncJobRoutes } from "./routes/syncJobs.ts";
import { syncLogRoutes } from "./routes/syncLog.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import { SyncLogCursors } from "./syncLog/cursor.ts";

/** The gateway's HTTP surface: control API and mobile sync behind JWT auth, health and metrics open. */
export function createGateway(deps: GatewayDeps, options: GatewayOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use((req, res, next) => {
    const started = performance.now();
    res.on("finish", () => {
      // The route pattern, never the ids in the path (no user data in labels).
      const route = (req.route?.path as string | undefined) ? `${req.baseUrl}${req.route.path}` : "unmatched";
      deps.metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      deps.metrics.requestDuration.observe({ method: req.method, route }, (performance.now() - started) / 1000);
    });
    next();
  });
  // Webhooks read their raw body (signatures are over the exact bytes), so they come before the JSON parser.
  app.use(webhookRoutes(deps, options.webhooks));
  // Device uploads read their raw body too: their own size limit (413 before parsing) and the batch's digest.
  const authenticate = [requireUser(options.verifier), perUserRateLimit(deps, options.rateLimitPerMinute)];
  app.use(deviceUploadRoutes(deps, { idempotencyTtlSeconds: options.idempotencyTtlSeconds }, authenticate));
  app.use(express.json({ limit: "16kb", strict: true, type: ["application/json", "application/*+json"] }));

  app.get("/health", (_req, res) => void res.json({ status: "ok" }));
  app.get("/metrics", async (_req, res) => void res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));

  const api = express.Router();
  // Authenticated first (401), then ids no resource can have answer 404 before any store sees them.
  api.use(...authenticate, rejectImpossibleIds());
  const configs = new ConfigCache(deps.store, options.configCacheSeconds ?? 30);
  api.use(
    connectionRoutes(deps, { callbackBaseUrl: `${options.publicUrl}/webhooks` }, configs),
    syncConfigRoutes(deps, { initialPollIntervalSeconds: options.initialPollIntervalSeconds }, configs),
    syncJobRoutes(deps, options, configs),
    syncLogRoutes(deps, options, configs, new SyncLogCursors(options.cursorSecret)),
  );
  app.use(api);

  app.use((req, res) => sendProblem(res, 404, `no route ${req.method} ${req.path}`));
  app.use(problemErrorHandler((error) => deps.logger.error({ err: error }, "unexpected error")));
  return app;
}
