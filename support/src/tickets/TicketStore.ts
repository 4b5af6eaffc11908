import type { Knex } from "@syncwell/core";
import { byUrgency, contactDeadline, type TicketCategory } from "../playbook.ts";

export interface Ticket {
  id: string;
  origin: "dlq" | "troubleshooter";
  jobId: string | null;
  userId: string;
  syncConfigId: string | null;
  sourceProvider: string | null;
  destinationProvider: string | null;
  category: TicketCategory;
  errorMessage: string | null;
  summary: string | null;
  firstFailureAt: string;
  contactDeadline: string;
  resolvedAt: string | null;
  createdAt: string;
}

/** What opens a ticket: a dead-lettered job, or an escalated conversation. */
export interface NewTicket {
  origin: Ticket["origin"];
  jobId?: string | undefined;
  userId: string;
  syncConfigId?: string | undefined;
  sourceProvider?: string | undefined;
  destinationProvider?: string | undefined;
  category: TicketCategory;
  errorMessage?: string | undefined;
  summary?: string | undefined;
  firstFailureAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : (value as string | null));

/** Tickets in PostgreSQL: one per dead-lettered job (opening twice is a no-op). */
export class TicketStore {
  constructor(private readonly deps: { db: Knex; now?: () => number }) {}

  /** Opens a ticket; answers it and whether it is new (a job that already has one keeps it). */
  async open(ticket: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
    const row = {
      origin: ticket.origin,
      job_id: ticket.jobId ?? null,
      user_id: ticket.userId,
      sync_config_id: ticket.syncConfigId ?? null,
      source_provider: ticket.sourceProvider ?? null,
      destination_provider: ticket.destinationProvider ?? null,
      category: ticket.category,
      error_message: ticket.errorMessage ?? null,
      summary: ticket.summary ?? null,
      first_failure_at: ticket.firstFailureAt,
      contact_deadline: contactDeadline(ticket.firstFailureAt),
    };
    const inserted = await this.deps.db("tickets").insert(row).onConflict("job_id").ignore().returning("*");
    if (inserted[0]) return { ticket: toTicket(inserted[0]), created: true };
    const existing = await this.deps.db("tickets").where({ job_id: ticket.jobId }).first();
    return { ticket: toTicket(existing), created: false };
  }

  async get(id: string): Promise<Ticket | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.deps.db("tickets").where({ id }).first();
    return row ? toTicket(row) : undefined;
  }

  async byJob(jobId: string): Promise<Ticket | undefined> {
    const row = await this.deps.db("tickets").where({ job_id: jobId }).first();
    return row ? toTicket(row) : undefined;
  }

  /** Tickets by urgency (overdue first); `overdue` keeps only open tickets past their deadline. */
  async list(filter: { overdue?: boolean; open?: boolean; userId?: string; limit?: number } = {}): Promise<Ticket[]> {
    const now = new Date(this.#now());
    let query = this.deps.db("tickets").select("*");
    if (filter.userId) query = query.where({ user_id: filter.userId });
    if (filter.open || filter.overdue) query = query.whereNull("resolved_at");
    if (filter.overdue) query = query.where("contact_deadline", "<=", now);
    const rows = await query.orderBy("contact_deadline", "asc").limit(filter.limit ?? 500);
    return byUrgency(rows.map(toTicket), this.#now());
  }

  /** Marks a ticket resolved (when its job was re-driven, or by an agent); false if unknown. */
  async resolve(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const updated = await this.deps
      .db("tickets")
      .where({ id })
      .whereNull("resolved_at")
      .update({ resolved_at: new Date(this.#now()) });
    return updated > 0 || (await this.get(id)) !== undefined;
  }

  /** Open tickets per category, for the gauge. */
  async openCounts(): Promise<Array<{ category: string; count: number }>> {
    const rows: Array<{ category: string; count: string | number }> = await this.deps
      .db("tickets")
      .whereNull("resolved_at")
      .select("category")
      .count({ count: "*" })
      .groupBy("category");
    return rows.map((r) => ({ category: String(r.category), count: Number(r.count) }));
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

function toTicket(row: Record<string, unknown>): Ticket {
  return {
    id: row.id as string,
    origin: row.origin as Ticket["origin"],
    jobId: row.job_id as string | null,
    userId: row.user_id as string,
    syncConfigId: row.sync_config_id as string | null,
    sourceProvider: row.source_provider as string | null,
    destinationProvider: row.destination_provider as string | null,
    category: row.category as TicketCategory,
    errorMessage: row.error_message as string | null,
    summary: row.summary as string | null,
    firstFailureAt: iso(row.first_failure_at) as string,
    contactDeadline: iso(row.contact_deadline) as string,
    resolvedAt: iso(row.resolved_at),
    createdAt: iso(row.created_at) as string,
  };
}
