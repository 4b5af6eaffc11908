import { HttpProblem, type Knex, type Logger, PARTNERS, type Partner, problemErrorHandler, sendProblem } from "@syncwell/core";
import express, { type ErrorRequestHandler, type Express } from "express";
import multer from "multer";
import { createAdminRouter } from "./admin.ts";
import { FaultRegistry } from "./faults.ts";
import { instrument } from "./instrument.ts";
import { OAuthService } from "./oauth.ts";
import { createGarmin } from "./providers/garmin.ts";
import { createOura } from "./providers/oura.ts";
import { createPolar } from "./providers/polar.ts";
import { revokeRoutes } from "./providers/revoke.ts";
import { createStrava } from "./providers/strava.ts";
import type { PartnerContext, PartnerModule, PartnerOptions } from "./providers/types.ts";
import { createWithings } from "./providers/withings.ts";
import { RateLimiter } from "./rateLimit.ts";
import { CallStats } from "./stats.ts";
import { PartnerStore } from "./store.ts";
import { WebhookSender } from "./webhooks.ts";

const FACTORIES: Record<Partner, (ctx: PartnerContext) => PartnerModule> = {
  strava: createStrava,
  garmin: createGarmin,
  polar: createPolar,
  oura: createOura,
  withings: createWithings,
};

export interface ProvidersMock {
  app: Express;
  webhooks: WebhookSender;
  faults: FaultRegistry;
  stats: CallStats;
}

/** Composition root: wires storage, OAuth, instrumentation and the partners into one HTTP app. */
export function createProvidersMock(
  deps: { db: Knex; logger: Logger; now?: () => Date; random?: () => number },
  options: PartnerOptions,
): ProvidersMock {
  const now = deps.now ?? (() => new Date());
  const store = new PartnerStore(deps.db);
  const oauth = new OAuthService(deps.db, now);
  const webhooks = new WebhookSender(deps.logger);
  const faults = new FaultRegistry(deps.random);
  const stats = new CallStats();
  const modules = new Map<Partner, PartnerModule>();
  const limiters = new Map<Partner, RateLimiter>();

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(express.json({ limit: "5mb" }));
  app.use(express.urlencoded({ extended: false, limit: "1mb" }));
  app.get("/health", (_req, res) => void res.json({ status: "ok" }));

  for (const provider of PARTNERS) {
    const op = (operation: Parameters<PartnerContext["op"]>[0]) =>
      instrument({
        module: () => modules.get(provider) as PartnerModule,
        limiter: () => limiters.get(provider) as RateLimiter,
        faults,
        stats,
      })(operation);
    const module = FACTORIES[provider]({ store, oauth, webhooks, logger: deps.logger, now, options, op });
    module.router.use(revokeRoutes({ store, oauth, webhooks, logger: deps.logger, now, options, op }, module));
    modules.set(provider, module);
    limiters.set(provider, new RateLimiter(module.rateLimits, () => now().getTime()));
  }
  app.use(createAdminRouter({ modules, limiters, store, oauth, faults, stats, webhooks, now }));
  for (const module of modules.values()) {
    app.use(`/${module.provider}`, module.router);
    // Malformed requests to a partner are answered in that partner's own error shape.
    app.use(`/${module.provider}`, ((error, _req, res, next) => {
      const status = (error as { status?: number }).status ?? (error instanceof multer.MulterError ? 400 : undefined);
      if (error instanceof HttpProblem || status === undefined || status >= 500 || res.headersSent) return next(error);
      module.sendError(res, status, (error as Error).message);
    }) satisfies ErrorRequestHandler);
  }

  app.use((req, res) => sendProblem(res, 404, `no route ${req.method} ${req.path}`));
  app.use(problemErrorHandler((error) => deps.logger.error({ err: error }, "unexpected error")));
  return { app, webhooks, faults, stats };
}
