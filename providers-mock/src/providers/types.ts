import type { Logger, Operation, Partner, Provider } from "@syncwell/core";
import type { RequestHandler, Response, Router } from "express";
import type { OAuthService } from "../oauth.ts";
import type { RateDecision, WindowLimit } from "../rateLimit.ts";
import type { PartnerStore, StoredActivity } from "../store.ts";
import type { WebhookSender } from "../webhooks.ts";

/** OAuth client registered with a mock partner. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Options every mock partner reads. */
export interface PartnerOptions {
  /** Base URL the partner is reachable at (used in URLs it hands out, e.g. Garmin callbackURL). */
  publicUrl: string;
  /**
   * Where the webhooks of an app-wide subscription go (Strava, Garmin, Oura): `${webhookBaseUrl}/${provider}`;
   * undefined = those partners send none. Withings notifies only the callbacks each user was subscribed to.
   */
  webhookBaseUrl?: string | undefined;
  /** Overrides every partner's access-token lifetime (tests, demos). */
  accessTokenTtlSeconds?: number | undefined;
  clients: Record<Partner, ClientCredentials>;
  strava: { verifyToken: string; subscriptionId: number; uploadProcessingMs: number; limits: Record<string, number> };
  polar: { limits: Record<string, number> };
  garmin: { limits: Record<string, number> };
  oura: { limits: Record<string, number> };
  withings: { limits: Record<string, number> };
}

/** What a partner module gets from the app. */
export interface PartnerContext {
  store: PartnerStore;
  oauth: OAuthService;
  webhooks: WebhookSender;
  logger: Logger;
  now: () => Date;
  options: PartnerOptions;
  /** Instrumentation for one operation: stats, rate limit, faults (in that order). */
  op: (operation: Operation) => RequestHandler;
}

/** One mock partner: its native API, error style, rate-limit policy and webhook behaviour. */
export interface PartnerModule {
  provider: Provider;
  router: Router;
  rateLimits: WindowLimit[];
  /** Rate-limit buckets a call counts against. */
  buckets(method: string, operation: Operation): string[];
  /** Writes the partner's rate-limit headers (on every instrumented response). */
  rateLimitHeaders(res: Response, decision: RateDecision): void;
  /** Answers an error in the partner's own shape. */
  sendError(res: Response, status: number, message: string): void;
  newUserId(): Promise<string>;
  newActivityId(): Promise<string>;
  /** After test control added activities: notify subscribers the way the partner does. */
  announce(partnerUserId: string, activities: readonly StoredActivity[]): void | Promise<void>;
  /** After the user edited an activity at the partner (test control): notify where the partner does. */
  announceChange(partnerUserId: string, before: StoredActivity, after: StoredActivity): void | Promise<void>;
  /** After the user deleted an activity at the partner (test control): notify where the partner does. */
  announceDelete(partnerUserId: string, activity: StoredActivity): void | Promise<void>;
  /**
   * The partner's OAuth scopes, where it has them: what a user grants when nothing else is asked
   * for (SyncWell's request) and which values exist.
   */
  scopes?: { default: string; known: readonly string[] };
  /** After the user revoked access. */
  announceRevoke(partnerUserId: string): void;
}
