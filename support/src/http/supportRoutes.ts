import { HttpProblem, parseOrThrow, subjectOf } from "@syncwell/core";
import { Router } from "express";
import { z } from "zod";
import type { DeadLetters } from "../dlq/DeadLetters.ts";
import type { SupportMetrics } from "../metrics.ts";
import { renderTemplate } from "../playbook.ts";
import type { AuditLog } from "../tickets/AuditLog.ts";
import type { TicketStore } from "../tickets/TicketStore.ts";

const Category = z.enum(["third_party", "bad_data", "authentication", "unknown"]);
const Template = z.enum(["initial_contact", "resolved_by_fix", "user_action_needed"]);
const Flag = z.enum(["true", "false"]).optional();
const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "is not an id");
const RedriveBody = z.union([z.object({ messageId: Id }).strict(), z.object({ category: Category }).strict()]);

/** The playbook's operations for support agents; every read and move is audited with the agent's name. */
export function supportRoutes(deps: { deadLetters: DeadLetters; tickets: TicketStore; audit: AuditLog; metrics: SupportMetrics }): Router {
  const router = Router();
  const ticketOr404 = async (id: string) => {
    const ticket = await deps.tickets.get(id);
    if (!ticket) throw new HttpProblem(404, `no ticket ${id}`);
    return ticket;
  };

  router.get("/dlq/messages", async (req, res) => {
    const { category } = parseOrThrow(z.object({ category: Category.optional() }), req.query, "query");
    const messages = await deps.deadLetters.list({ category });
    await deps.audit.record(
      subjectOf(res),
      "dlq.list",
      messages.map((m) => m.messageId),
      { category },
    );
    res.json({ messages });
  });

  router.get("/dlq/messages/:messageId", async (req, res) => {
    const messageId = parseOrThrow(Id, req.params.messageId, "messageId");
    const message = (await deps.deadLetters.list()).find((m) => m.messageId === messageId);
    if (!message) throw new HttpProblem(404, `no DLQ message ${messageId}`);
    await deps.audit.record(subjectOf(res), "dlq.inspect", [messageId]);
    res.json(message);
  });

  router.post("/dlq/redrive", async (req, res) => {
    const select = parseOrThrow(RedriveBody, req.body);
    const results = await deps.deadLetters.redrive(select, subjectOf(res));
    if (!results) throw new HttpProblem(404, `no DLQ message ${"messageId" in select ? select.messageId : ""}`);
    for (const r of results) deps.metrics.redrives.inc({ result: r.result });
    await deps.audit.record(
      subjectOf(res),
      "dlq.redrive",
      results.map((r) => r.messageId),
      { select, results: results.map((r) => r.result) },
    );
    res.json({ results });
  });

  router.get("/tickets", async (req, res) => {
    const query = parseOrThrow(z.object({ overdue: Flag, open: Flag }), req.query, "query");
    const tickets = await deps.tickets.list({ overdue: query.overdue === "true", open: query.open === "true" });
    await deps.audit.record(subjectOf(res), "ticket.list", ["tickets"], query);
    res.json({ tickets });
  });

  router.get("/tickets/:id", async (req, res) => {
    const ticket = await ticketOr404(req.params.id);
    await deps.audit.record(subjectOf(res), "ticket.view", [ticket.id]);
    res.json(ticket);
  });

  router.get("/tickets/:id/templates/:template", async (req, res) => {
    const template = parseOrThrow(Template, req.params.template, "template");
    const ticket = await ticketOr404(req.params.id);
    await deps.audit.record(subjectOf(res), "ticket.template", [ticket.id], { template });
    res.json({
      template,
      text: renderTemplate(template, {
        category: ticket.category,
        sourceProvider: ticket.sourceProvider ?? "your source app",
        destinationProvider: ticket.destinationProvider ?? "your destination app",
      }),
    });
  });

  router.post("/tickets/:id/resolve", async (req, res) => {
    if (!(await deps.tickets.resolve(req.params.id))) throw new HttpProblem(404, `no ticket ${req.params.id}`);
    await deps.audit.record(subjectOf(res), "ticket.resolve", [req.params.id]);
    res.json(await deps.tickets.get(req.params.id));
  });

  router.get("/audit", async (req, res) => {
    const query = parseOrThrow(z.object({ target: z.string().max(256).optional() }), req.query, "query");
    res.json({ entries: await deps.audit.list({ target: query.target }) });
  });

  return router;
}
