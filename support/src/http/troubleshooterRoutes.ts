import { HttpProblem, type Logger, parseOrThrow, subjectOf } from "@syncwell/core";
import { Router } from "express";
import { z } from "zod";
import type { SupportMetrics } from "../metrics.ts";
import { ConversationEnded, type ConversationView, type Troubleshooter } from "../troubleshooter/Troubleshooter.ts";

/** What a user may say in one message: plain text, bounded. */
const Message = z.string().trim().min(1, "must not be empty").max(2000, "must be at most 2000 characters");

/** The troubleshooter for the app, as the user: a conversation is only ever visible to its owner. */
export function troubleshooterRoutes(deps: { troubleshooter: Troubleshooter; metrics: SupportMetrics; logger: Logger }): Router {
  const router = Router();
  // A model or checkpoint failure is the troubleshooter being unavailable, not a bug of the caller.
  const run = async (work: () => Promise<ConversationView | undefined>) => {
    try {
      const view = await work();
      if (view && view.status !== "awaiting_user") deps.metrics.conversations.inc({ outcome: view.status });
      return view;
    } catch (error) {
      if (error instanceof ConversationEnded) throw new HttpProblem(409, error.message);
      deps.logger.error({ err: (error as Error).message }, "troubleshooter failed");
      throw new HttpProblem(503, "the troubleshooter is unavailable right now; please try again later", {}, { "Retry-After": "30" });
    }
  };
  const notFound = (id: string) => new HttpProblem(404, `no conversation ${id}`);

  router.post("/conversations", async (req, res) => {
    const { message } = parseOrThrow(z.object({ message: Message.optional() }).strict(), req.body ?? {});
    const view = await run(() => deps.troubleshooter.start(subjectOf(res), message));
    res.status(201).json(view);
  });

  router.post("/conversations/:id/messages", async (req, res) => {
    const { message } = parseOrThrow(z.object({ message: Message }).strict(), req.body);
    const view = await run(() => deps.troubleshooter.send(subjectOf(res), req.params.id, message));
    if (!view) throw notFound(req.params.id);
    res.json(view);
  });

  router.get("/conversations/:id", async (req, res) => {
    const view = await deps.troubleshooter.view(subjectOf(res), req.params.id);
    if (!view) throw notFound(req.params.id);
    res.json(view);
  });

  return router;
}
