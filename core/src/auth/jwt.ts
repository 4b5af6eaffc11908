import { createHmac } from "node:crypto";

/**
 * The published development secret of users' tokens (compose, SYNCWELL_MODE=development). Production
 * verifies Cognito's RS256 tokens instead; `npm start` makes a fresh secret per run.
 */
export const DEV_JWT_SECRET = "dev-only-syncwell-jwt-secret-change-me";

const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** Signs an HS256 JWT for `sub`, valid for `ttlSeconds` (development tokens: the demo token, tests, the support CLI). */
export function signJwt(secret: string, sub: string, ttlSeconds = 86400, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const head = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64(JSON.stringify({ sub, iat: nowSeconds, exp: nowSeconds + ttlSeconds }));
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}
