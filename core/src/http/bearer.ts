import type { RequestHandler, Response } from "express";
import { verifyJwt } from "../auth/jwt.ts";
import { HttpProblem } from "./problem.ts";

/** Requires `Authorization: Bearer <HS256 JWT>` signed with `secret`; the subject is the caller. */
export function requireBearer(secret: string, realm = "syncwell"): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "");
    if (!match?.[1]) throw new HttpProblem(401, "a bearer token is required", {}, { "WWW-Authenticate": `Bearer realm="${realm}"` });
    const check = verifyJwt(secret, match[1]);
    if (!check.ok)
      throw new HttpProblem(401, `invalid bearer token: ${check.reason}`, {}, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    res.locals.subject = check.sub;
    next();
  };
}

/** The verified subject of the request (a user id, or a support agent). */
export function subjectOf(res: Response): string {
  return res.locals.subject as string;
}
