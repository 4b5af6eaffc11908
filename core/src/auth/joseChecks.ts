import { errors, type JWTPayload } from "jose";
import { SUBJECT_PATTERN, type TokenCheck } from "./TokenVerifier.ts";

/** The subject of verified claims, or why they are not usable. */
export function subjectCheck(claims: JWTPayload): TokenCheck {
  if (typeof claims.sub !== "string" || !SUBJECT_PATTERN.test(claims.sub)) return { ok: false, reason: "no usable subject" };
  return { ok: true, sub: claims.sub };
}

/** Turns whatever verification threw into a refusal with a reason a client may see. */
export function refusal(error: unknown): TokenCheck {
  if (error instanceof errors.JWTExpired) return { ok: false, reason: "token expired" };
  if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "bad signature" };
  if (error instanceof errors.JOSEAlgNotAllowed) return { ok: false, reason: "unsupported algorithm" };
  if (error instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: "unknown signing key" };
  if (error instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: `invalid ${error.claim} claim` };
  return { ok: false, reason: "malformed token" };
}
