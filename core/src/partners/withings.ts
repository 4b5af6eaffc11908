import { PartnerError } from "../errors/PartnerError.ts";
import type { DataProvider, OAuthClient } from "../ports/DataProvider.ts";
import { type AdapterOptions, type BuiltPartner, SOURCE_ONLY } from "./adapterSupport.ts";
import { PartnerHttp } from "./PartnerHttp.ts";
import { withingsCall, withingsSignature } from "./withingsApi.ts";
import { createWithingsRecords } from "./withingsRecords.ts";

/**
 * What SyncWell reads from Withings: body measurements and sleep. Withings keeps workouts too (Measure
 * v2 - Getworkouts), but SyncWell does not sync them from it (SUPPORTED_TYPES), and it writes nothing
 * there: every call of the workouts adapter is refused, a permanent error that says so.
 */
function noWorkouts(): never {
  throw new PartnerError(
    "permanent",
    "withings serves SyncWell body measurements and sleep only: no workouts, and it is never a destination",
    {
      provider: "withings",
      operation: "list_metadata",
    },
  );
}

/**
 * The notification categories (`appli`) SyncWell subscribes each user to on connect: 1 weight and
 * body composition, 44 sleep — the types it reads — and 46 the user's own actions, whose `unlink`
 * tells SyncWell that its access ended. Withings notifies only what was subscribed.
 */
export const WITHINGS_NOTIFY_APPLIS = [1, 44, 46] as const;

interface TokenBody {
  userid: string | number;
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/**
 * Withings (public API): OAuth 2.0 whose token call is `POST /v2/oauth2` with `action=requesttoken`;
 * every answer is HTTP 200 with a `status` in the body (0 success, 401 bad token, 601 too many
 * requests, …), classified as the HTTP statuses of the other partners are. Data calls are form-encoded
 * POSTs naming an `action`; notifications come as form-encoded callbacks (gateway `/webhooks/withings`)
 * that only say "something in this range changed", so jobs read by modification time.
 */
export function createWithingsAdapter(options: AdapterOptions): BuiltPartner {
  const now = options.now ?? Date.now;
  const http = new PartnerHttp(
    { provider: "withings", observe: options.observe, now },
    { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 10_000 },
  );
  const deps = { now };

  const dataProvider: DataProvider = {
    provider: "withings",
    capabilities: SOURCE_ONLY,
    fetchMetadata: async () => noWorkouts(),
    fetchOverlapping: async () => noWorkouts(),
    fetchPayloads: async () => noWorkouts(),
    pushData: async () => noWorkouts(),
    hasNewData: async () => noWorkouts(),
  };

  const requestToken = (form: Record<string, string>) =>
    withingsCall<TokenBody>(http, deps, "oauth_token", "/v2/oauth2", {
      action: "requesttoken",
      client_id: options.clientId,
      client_secret: options.clientSecret,
      ...form,
    });
  const oauth: OAuthClient = {
    async exchangeCode(code) {
      const body = await requestToken({ grant_type: "authorization_code", code });
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: new Date(now() + body.expires_in * 1000).toISOString(),
        // Withings' docs: keep the userid of this answer — notifications name the user by it.
        providerUserId: String(body.userid),
      };
    },
    async refresh(refreshToken) {
      const body = await requestToken({ grant_type: "refresh_token", refresh_token: refreshToken });
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: new Date(now() + body.expires_in * 1000).toISOString(),
      };
    },
    // Notify - List is the cheapest call that needs the user's token: refused (401) means the access is gone.
    async verifyAccess({ accessToken }) {
      try {
        await withingsCall(http, deps, "list_metadata", "/notify", { action: "list" }, accessToken);
        return "authorized";
      } catch (error) {
        if (error instanceof PartnerError && error.category === "auth") return "revoked";
        throw error;
      }
    },
    // Notify - List, then Notify - Subscribe for each category this callback lacks: a reconnect or a
    // retry after a partial failure subscribes only what is missing (the docs do not say what a second
    // subscribe of the same URL and category answers). Withings checks the URL with a HEAD first and
    // answers status 293 when it does not answer: permanent, like its other refusals.
    async subscribeNotifications({ accessToken }, callbackUrl) {
      const { profiles = [] } = await withingsCall<{ profiles?: { appli: number; callbackurl: string }[] }>(
        http,
        deps,
        "list_metadata",
        "/notify",
        { action: "list" },
        accessToken,
      );
      const subscribed = new Set(profiles.filter((p) => p.callbackurl === callbackUrl).map((p) => Number(p.appli)));
      for (const appli of WITHINGS_NOTIFY_APPLIS) {
        if (subscribed.has(appli)) continue;
        const form = { action: "subscribe", callbackurl: callbackUrl, appli, comment: "SyncWell" };
        await withingsCall(http, deps, "create", "/notify", form, accessToken);
      }
    },
    // OAuth 2.0 - Revoke user access: a signed call (a nonce from Signature v2 - Getnonce, then the
    // signature over action, client_id and nonce) naming the user; it voids the tokens and the user's
    // notification subscriptions.
    async revoke({ providerUserId }) {
      const timestamp = String(Math.floor(now() / 1000));
      const { nonce } = await withingsCall<{ nonce: string }>(http, deps, "preflight", "/v2/signature", {
        action: "getnonce",
        client_id: options.clientId,
        timestamp,
        signature: withingsSignature(options.clientSecret, ["getnonce", options.clientId, timestamp]),
      });
      await withingsCall(http, deps, "oauth_token", "/v2/oauth2", {
        action: "revoke",
        client_id: options.clientId,
        nonce,
        signature: withingsSignature(options.clientSecret, ["revoke", options.clientId, nonce]),
        userid: providerUserId,
      });
    },
  };

  const records = createWithingsRecords(
    { http, now },
    { lookbackSeconds: options.lookbackSeconds ?? 2 * 86400, initialWindowSeconds: options.initialWindowSeconds ?? 30 * 86400 },
  );
  return { dataProvider, oauth, records };
}
