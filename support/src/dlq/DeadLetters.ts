import type { Message } from "@aws-sdk/client-sqs";
import { type Knex, type MetadataStore, parseJobMessage } from "@syncwell/core";
import { categorise, redact, type TicketCategory } from "../playbook.ts";
import type { Ticket, TicketStore } from "../tickets/TicketStore.ts";
import type { DlqQueue } from "./DlqQueue.ts";

/** A DLQ message as support sees it: metadata only, never the job's data. */
export interface DeadLetterView {
  messageId: string;
  jobId: string | null;
  userId: string | null;
  syncConfigId: string | null;
  sourceProvider: string | null;
  destinationProvider: string | null;
  errorCategory: string;
  category: TicketCategory;
  errorMessage: string;
  attempts: number;
  firstFailureAt: string;
  deadLetteredAt: string;
  ageSeconds: number;
  ticketId?: string | undefined;
}

export type RedriveResult = { messageId: string; jobId: string | null; result: "redriven" | "already_redriven" };

type Store = Pick<MetadataStore, "getJob" | "getConfig" | "getConnection" | "updateJob">;

/** The playbook's DLQ operations: look (metadata only), open tickets, and re-drive once. */
export class DeadLetters {
  constructor(private readonly deps: { queue: DlqQueue; store: Store; tickets: TicketStore; db: Knex; now?: () => number }) {}

  /** Every message in the DLQ, oldest first. */
  async list(filter: { category?: TicketCategory } = {}): Promise<DeadLetterView[]> {
    const views = await this.deps.queue.withMessages((messages) => this.#views(messages));
    return views.filter((v) => !filter.category || v.category === filter.category);
  }

  /**
   * Gives every reasonless DLQ message its reason (SQS moved it after maxReceiveCount receives
   * that never ended: the worker stopped mid-job each time), marks its job dead-lettered, and
   * opens a ticket for every dead-lettered job that has none; answers the new tickets.
   */
  async openTickets(): Promise<Ticket[]> {
    await this.deps.queue.withMessages(async (messages) => {
      for (const message of messages.filter((m) => !m.MessageAttributes?.errorCategory)) {
        const parsed = parseJobMessage(message.Body ?? "");
        const job = parsed.ok ? parsed.message : undefined;
        const reason = `moved to the DLQ by SQS after ${message.Attributes?.ApproximateReceiveCount ?? "5"} receives without an outcome (the worker stopped mid-job each time)`;
        if (job) await this.deps.store.updateJob(job.jobId, { status: "dead_lettered", errorCategory: "unknown", errorMessage: reason });
        await this.deps.queue.annotate(message, job?.jobId ?? message.MessageId ?? "invalid", {
          errorCategory: job ? "unknown" : "invalid_message",
          errorMessage: job ? reason : parsed.ok ? reason : parsed.reason,
          ...(job ? { userId: job.userId, syncConfigId: job.syncConfigId, jobId: job.jobId } : {}),
        });
      }
    });
    const opened: Ticket[] = [];
    for (const view of await this.list()) {
      if (!view.userId) continue; // not a job at all: visible in the list, nobody to contact
      const { ticket, created } = await this.deps.tickets.open({
        origin: "dlq",
        jobId: view.jobId ?? undefined,
        userId: view.userId,
        syncConfigId: view.syncConfigId ?? undefined,
        sourceProvider: view.sourceProvider ?? undefined,
        destinationProvider: view.destinationProvider ?? undefined,
        category: view.category,
        errorMessage: view.errorMessage,
        firstFailureAt: view.firstFailureAt,
      });
      if (created) opened.push(ticket);
    }
    return opened;
  }

  /**
   * Re-drives the chosen messages to HotPathSyncQueue: receive → send → delete. The body is sent
   * unchanged, so the job keeps its id and the worker's ledger keeps it from writing twice. A
   * message is re-driven at most once (the `redrives` row is claimed first).
   */
  async redrive(select: { messageId: string } | { category: TicketCategory }, actor: string): Promise<RedriveResult[] | undefined> {
    if ("messageId" in select) {
      const previous = await this.deps.db("redrives").where({ dlq_message_id: select.messageId }).first();
      if (previous?.state === "sent") return [{ messageId: select.messageId, jobId: previous.job_id, result: "already_redriven" }];
    }
    return this.deps.queue.withMessages(async (messages) => {
      const views = await this.#views(messages);
      const chosen = views.filter((v) => ("messageId" in select ? v.messageId === select.messageId : v.category === select.category));
      if ("messageId" in select && chosen.length === 0) return undefined;
      const results: RedriveResult[] = [];
      for (const view of chosen) {
        const message = messages.find((m) => m.MessageId === view.messageId) as Message;
        results.push(await this.#redriveOne(message, view, actor));
      }
      return results;
    });
  }

  async #redriveOne(message: Message, view: DeadLetterView, actor: string): Promise<RedriveResult> {
    const claimed = await this.deps
      .db("redrives")
      .insert({ dlq_message_id: view.messageId, job_id: view.jobId, actor, state: "sending" })
      .onConflict("dlq_message_id")
      .ignore()
      .returning("state");
    const previous = claimed.length === 0 ? await this.deps.db("redrives").where({ dlq_message_id: view.messageId }).first() : undefined;
    if (previous?.state === "sent") {
      // Sent before, but the delete was lost: finish the move without sending again.
      await this.deps.queue.delete(message);
      return { messageId: view.messageId, jobId: view.jobId, result: "already_redriven" };
    }
    // Status first: the worker may finish the job before this call returns.
    if (view.jobId) await this.deps.store.updateJob(view.jobId, { status: "queued" });
    await this.deps.queue.moveToMainQueue(message, view.userId ?? view.messageId);
    await this.deps.db("redrives").where({ dlq_message_id: view.messageId }).update({ state: "sent" });
    return { messageId: view.messageId, jobId: view.jobId, result: "redriven" };
  }

  async #views(messages: readonly Message[]): Promise<DeadLetterView[]> {
    const providers = new Map<string, Promise<[string | null, string | null]>>();
    const views = await Promise.all(
      messages.map(async (m) => {
        const attribute = (name: string) => m.MessageAttributes?.[name]?.StringValue;
        const parsed = parseJobMessage(m.Body ?? "");
        const job = parsed.ok ? parsed.message : undefined;
        const userId = job?.userId ?? attribute("userId") ?? null;
        const syncConfigId = job?.syncConfigId ?? attribute("syncConfigId") ?? null;
        const jobId = job?.jobId ?? attribute("jobId") ?? null;
        const errorCategory = attribute("errorCategory") ?? "unknown";
        const errorMessage = redact(attribute("errorMessage") ?? "moved by SQS after repeated receives");
        const record = jobId ? await this.deps.store.getJob(jobId) : undefined;
        const key = `${userId}/${syncConfigId}`;
        if (!providers.has(key)) providers.set(key, this.#providers(userId, syncConfigId));
        const [sourceProvider, destinationProvider] = await (providers.get(key) as Promise<[string | null, string | null]>);
        const deadLetteredAt = new Date(Number(m.Attributes?.SentTimestamp ?? this.#now())).toISOString();
        return {
          messageId: m.MessageId as string,
          jobId,
          userId,
          syncConfigId,
          sourceProvider,
          destinationProvider,
          errorCategory,
          category: categorise({ errorCategory, errorMessage }),
          errorMessage,
          attempts: record?.attempts ?? Number(attribute("receiveCount") ?? m.Attributes?.ApproximateReceiveCount ?? 0),
          firstFailureAt: record?.firstFailedAt ?? deadLetteredAt,
          deadLetteredAt,
          ageSeconds: Math.max(0, Math.round((this.#now() - Date.parse(deadLetteredAt)) / 1000)),
          ticketId: jobId ? (await this.deps.tickets.byJob(jobId))?.id : undefined,
        } satisfies DeadLetterView;
      }),
    );
    return views.sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt));
  }

  async #providers(userId: string | null, syncConfigId: string | null): Promise<[string | null, string | null]> {
    if (!userId || !syncConfigId) return [null, null];
    const config = await this.deps.store.getConfig(userId, syncConfigId);
    if (!config) return [null, null];
    const [source, destination] = await Promise.all([
      this.deps.store.getConnection(userId, config.sourceConnectionId),
      this.deps.store.getConnection(userId, config.destinationConnectionId),
    ]);
    return [source?.provider ?? null, destination?.provider ?? null];
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
