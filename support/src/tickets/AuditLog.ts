import type { Knex } from "@syncwell/core";

export type AuditAction = "dlq.list" | "dlq.inspect" | "dlq.redrive" | "ticket.list" | "ticket.view" | "ticket.template" | "ticket.resolve";

export interface AuditEntry {
  actor: string;
  action: AuditAction;
  target: string;
  details: Record<string, unknown>;
  at: string;
}

/** Who looked at or moved which message, and when. Append-only. */
export class AuditLog {
  constructor(private readonly deps: { db: Knex }) {}

  async record(actor: string, action: AuditAction, targets: readonly string[], details: Record<string, unknown> = {}): Promise<void> {
    if (targets.length === 0) targets = ["-"];
    await this.deps.db("audit_log").insert(targets.map((target) => ({ actor, action, target, details: JSON.stringify(details) })));
  }

  async list(filter: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    let query = this.deps.db("audit_log").select("actor", "action", "target", "details", "at");
    if (filter.target) query = query.where({ target: filter.target });
    const rows = await query.orderBy("id", "desc").limit(filter.limit ?? 100);
    return rows.map((r) => ({ ...r, at: (r.at as Date).toISOString() }) as AuditEntry);
  }
}
