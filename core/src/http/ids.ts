import type { RequestHandler } from "express";
import { z } from "zod";
import { HttpProblem } from "./problem.ts";

/**
 * An id that may reach a store (DynamoDB keys, PostgreSQL): our UUIDs, partner ids, SQS message ids.
 * Anything longer or outside this charset cannot name a stored item.
 */
export const ResourceId = z
  .string()
  .min(1)
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9._:@-]+$/, "must hold letters, digits and . _ : @ - only");

/**
 * Answers 404 for a path with a segment that no resource could have as its id (over 128
 * characters, or outside {@link ResourceId}'s charset), before any handler reaches a store.
 * Route words (`sync-configs`, `records`) pass as they are.
 */
export function rejectImpossibleIds(): RequestHandler {
  return (req, _res, next) => {
    for (const segment of req.path.split("/")) {
      if (segment !== "" && !ResourceId.safeParse(segment).success) throw new HttpProblem(404, "no such resource");
    }
    next();
  };
}
