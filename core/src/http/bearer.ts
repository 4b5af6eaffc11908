import type { RequestHandler, Response } from "express";
import type { TokenCheck, TokenVerifier } from "../auth/TokenVerifier.ts";
import { HttpProblem } from "./problem.ts";

/** Longer than any real token (Cognito's are about 1 KB); longer ones are refused before parsing. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * Requires `Authorization: Bearer <JWT>` that `verifier` accepts; the token's subject is the caller.
 * Every malformed or refused token is a 401; keys that cannot be fetched are a 503.
 */
export function requireBearer(verifier: TokenVerifier, realm = "syncwell"): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "");
    const token = match?.[1];
    if (!token) throw new HttpProblem(401, "a bearer token is required", {}, { "WWW-Authenticate": `Bearer realm="${realm}"` });
    const check: TokenCheck = token.length > MAX_TOKEN_LENGTH ? { ok: false, reason: "token too long" } : await verifier.verify(token);
    if (!check.ok) {
      if (check.unavailable) throw new HttpProblem(503, "tokens cannot be verified right now; try again", {}, { "Retry-After": "5" });
      throw new HttpProblem(401, `invalid bearer token: ${check.reason}`, {}, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    }
    res.locals.subject = check.sub;
    next();
  };
}

/** The verified subject of the request (a user id, or a support agent). */
export function subjectOf(res: Response): string {
  return res.locals.subject as string;
}
