import type { ErrorRequestHandler, Response } from "express";
import type { z } from "zod";

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** Sends an RFC 9457 problem JSON response. */
export function sendProblem(res: Response, status: number, detail: string, extensions: Record<string, unknown> = {}): void {
  const body: Problem = { type: "about:blank", title: TITLES[status] ?? "Error", status, detail, ...extensions };
  res.status(status).type("application/problem+json").json(body);
}

/** An error that maps to a problem response; throw it from a handler. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
    /** Already counted in a metric by whoever raised it. */
    readonly counted = false,
  ) {
    super(detail);
    this.name = "HttpProblem";
  }
}

/** Parses input with a zod schema or throws a 400 problem naming the offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = "request body"): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : what;
  throw new HttpProblem(400, `${where}: ${issue?.message ?? "invalid"}`);
}

/** The last middleware: HttpProblem → its problem, body-parser errors → 400/413, anything else → 500. */
export function problemErrorHandler(onUnexpected: (error: unknown) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (error instanceof HttpProblem) {
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      return sendProblem(res, error.status, error.detail, error.extensions);
    }
    const status = (error as { status?: number; type?: string }).status;
    const type = (error as { type?: string }).type;
    if (type === "entity.too.large") return sendProblem(res, 413, "request body is too large");
    if (type === "entity.parse.failed") return sendProblem(res, 400, "request body is not valid JSON");
    if (typeof status === "number" && status >= 400 && status < 500) return sendProblem(res, status, String((error as Error).message));
    onUnexpected(error);
    sendProblem(res, 500, "unexpected error");
  };
}
