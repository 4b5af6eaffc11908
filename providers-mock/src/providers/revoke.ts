import express, { type Request, type Response, type Router } from "express";
import { bearer, param, userOf } from "./common.ts";
import type { PartnerContext, PartnerModule } from "./types.ts";

/**
 * The calls with which an app withdraws its own access, for the partners that document one
 * (Strava's `POST /oauth/deauthorize` lives in strava.ts). Each ends every token of the user's grant
 * and notifies the way the partner does when a user withdraws consent:
 * - Garmin Health API, "Delete User Access Token": `DELETE /wellness-api/rest/user/registration`, the
 *   token in the Authorization header; 204, then a final deregistration ping.
 * - Polar AccessLink, "Delete user": `DELETE /v3/users/{user-id}` de-registers the user and revokes the
 *   access token; 204 (another user's id: 403, as its other user calls).
 * - Oura, authentication docs: `/oauth/revoke?access_token=…`; 200. The docs give the URL only, so
 *   the mock takes it as GET or POST.
 */
export function revokeRoutes(ctx: PartnerContext, module: PartnerModule): Router {
  const router = express.Router();
  const auth = bearer(ctx, () => module);
  const withdraw = async (partnerUserId: string) => {
    await ctx.oauth.revoke(module.provider, partnerUserId);
    module.announceRevoke(partnerUserId);
  };

  if (module.provider === "garmin") {
    router.delete("/wellness-api/rest/user/registration", ctx.op("oauth_token"), auth, async (_req, res) => {
      await withdraw(userOf(res));
      res.status(204).end();
    });
  }
  if (module.provider === "polar") {
    router.delete("/v3/users/:userId", ctx.op("oauth_token"), auth, async (req, res) => {
      if (String(req.params.userId) !== userOf(res)) return module.sendError(res, 403, "access token does not belong to this user");
      await withdraw(userOf(res));
      res.status(204).end();
    });
  }
  if (module.provider === "oura") {
    const revoke = async (req: Request, res: Response) => {
      const token = param(req, "access_token");
      const check = token ? await ctx.oauth.authenticate("oura", token) : undefined;
      if (!check?.ok) return module.sendError(res, 401, "invalid access token");
      await withdraw(check.partnerUserId);
      res.status(200).end();
    };
    router.get("/oauth/revoke", ctx.op("oauth_token"), revoke);
    router.post("/oauth/revoke", ctx.op("oauth_token"), revoke);
  }
  return router;
}
