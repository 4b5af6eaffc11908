import { createHmac, timingSafeEqual } from "node:crypto";

/** The development signing secret documented in the README; production uses Cognito/an IdP. */
export const DEV_JWT_SECRET = "dev-only-syncwell-jwt-secret-change-me";

const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** Signs an HS256 JWT for `sub`, valid for `ttlSeconds`. */
export function signJwt(secret: string, sub: string, ttlSeconds = 86400, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const head = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64(JSON.stringify({ sub, iat: nowSeconds, exp: nowSeconds + ttlSeconds }));
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

export type JwtCheck = { ok: true; sub: string } | { ok: false; reason: string };

/** Verifies an HS256 JWT: algorithm, signature (constant time), expiry and a subject. */
export function verifyJwt(secret: string, token: string, nowSeconds = Math.floor(Date.now() / 1000)): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed token" };
  const [head, body, signature] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: { sub?: unknown; exp?: unknown; nbf?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (header.alg !== "HS256") return { ok: false, reason: "unsupported algorithm" };
  const expected = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) return { ok: false, reason: "token expired" };
  if (typeof claims.nbf === "number" && claims.nbf > nowSeconds) return { ok: false, reason: "token not yet valid" };
  if (typeof claims.sub !== "string" || !/^[A-Za-z0-9_.@:-]{1,128}$/.test(claims.sub)) return { ok: false, reason: "no usable subject" };
  return { ok: true, sub: claims.sub };
}
