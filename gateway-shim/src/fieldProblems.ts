import { HttpProblem } from "@syncwell/core";
import type { z } from "zod";

/**
 * The field an issue is about, as a client writes it: `filters.activityTypes[1]`, and for an
 * unknown key the key itself (`filters.colour`), not the object that holds it.
 */
export function fieldOf(issue: z.core.$ZodIssue): string {
  const path: PropertyKey[] = [...issue.path];
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  let field = "";
  for (const segment of path) field += typeof segment === "number" ? `[${segment}]` : `${field ? "." : ""}${String(segment)}`;
  return field;
}

/**
 * Parses a body or throws a problem naming the first offending field: 422 where the field lies
 * under one of `semantic` (a value the request is well-formed for but SyncWell cannot honour, such
 * as a filter it does not know), else 400. The problem carries the field as `field` too.
 */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown, semantic: readonly string[] = []): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new HttpProblem(400, "request body: invalid");
  const field = fieldOf(issue);
  const message = issue.code === "unrecognized_keys" ? "unknown field" : issue.message;
  const status = semantic.includes(String(issue.path[0])) ? 422 : 400;
  throw new HttpProblem(status, `${field || "request body"}: ${message}`, field ? { field } : {});
}
