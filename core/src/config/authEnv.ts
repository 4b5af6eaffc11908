import { z } from "zod";
import type { TokenAuthOptions } from "../auth/createTokenVerifier.ts";
import { DEV_JWT_SECRET } from "../auth/jwt.ts";
import { env } from "./loadConfig.ts";
import { developmentOnly, requiredInProduction } from "./mode.ts";

/** How the services that users call (gateway, troubleshooter) verify users' tokens. */
export const userAuthEnv = {
  AUTH_ISSUER: requiredInProduction(
    env
      .url()
      .optional()
      .describe(
        "Issuer of users' RS256 tokens, verified through its JWKS: the Cognito user pool, https://cognito-idp.<region>.amazonaws.com/<poolId> (unset in development mode = HS256 with GATEWAY_JWT_SECRET)",
      ),
  ),
  AUTH_AUDIENCE: requiredInProduction(
    z
      .string()
      .regex(/^[\w-]{1,128}$/, "must be an app client id")
      .optional()
      .describe("The user pool's app client id: the aud of ID tokens, the client_id of access tokens"),
  ),
  AUTH_JWKS_URL: env.url().optional().describe("JWKS of AUTH_ISSUER; default <AUTH_ISSUER>/.well-known/jwks.json"),
  GATEWAY_JWT_SECRET: developmentOnly(
    z
      .string()
      .min(16, "must be at least 16 characters")
      .optional()
      .describe("Development mode only: HS256 secret of users' tokens (npm start makes a fresh one per run)"),
    DEV_JWT_SECRET,
    "is read in development mode only: production verifies RS256 tokens from AUTH_ISSUER (unset it)",
  ),
};

type UserAuthConfig = { [K in keyof typeof userAuthEnv]?: z.infer<(typeof userAuthEnv)[K]> };

/** The verifier options of users' tokens. */
export function userAuthOptions(c: UserAuthConfig): TokenAuthOptions {
  return { issuer: c.AUTH_ISSUER, audience: c.AUTH_AUDIENCE, jwksUrl: c.AUTH_JWKS_URL, hs256Secret: c.GATEWAY_JWT_SECRET };
}

/** An issuer needs its audience, also in development mode (a refinement for env schemas). */
export function issuerNeedsAudience(issuer: string, audience: string) {
  return (c: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (c[issuer] !== undefined && c[audience] === undefined)
      ctx.addIssue({ code: "custom", path: [audience], message: `is required with ${issuer}` });
  };
}
