import { type Logger, problemErrorHandler, rejectImpossibleIds, requireBearer, sendProblem, type TokenVerifier } from "@syncwell/core";
import express, { type Express, type Router } from "express";
import type { SupportMetrics } from "../metrics.ts";

/**
 * The support service's HTTP surface: `/v1/support/*` for agents (their own token secret),
 * `/v1/troubleshooter/*` for users (the gateway's user tokens), health and metrics open. Ids no
 * resource can have answer 404 before any store sees them.
 */
export function createSupportApi(
  deps: { support: Router; troubleshooter: Router; metrics: SupportMetrics; logger: Logger },
  options: {
    /** Verifies agents' tokens. */
    agents: TokenVerifier;
    /** Verifies users' tokens (the same issuer as the gateway's). */
    users: TokenVerifier;
  },
): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use((req, res, next) => {
    res.on("finish", () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : "unmatched";
      deps.metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });
  app.use(express.json({ limit: "16kb", strict: true, type: ["application/json", "application/*+json"] }));
  app.get("/health", (_req, res) => void res.json({ status: "ok" }));
  app.get("/metrics", async (_req, res) => void res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  app.use("/v1/support", requireBearer(options.agents, "syncwell-support"), rejectImpossibleIds(), deps.support);
  app.use("/v1/troubleshooter", requireBearer(options.users), rejectImpossibleIds(), deps.troubleshooter);
  app.use((req, res) => sendProblem(res, 404, `no route ${req.method} ${req.path}`));
  app.use(problemErrorHandler((error) => deps.logger.error({ err: error }, "unexpected error")));
  return app;
}
