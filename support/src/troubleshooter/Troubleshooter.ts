import type { Knex } from "@syncwell/core";
import type { Turn } from "./Assistant.ts";
import type { buildTroubleshooterGraph, TroubleshooterStateValue } from "./graph.ts";
import { type ResyncOffer, resyncOffer } from "./syncLogAdvice.ts";
import type { SyncLogLine } from "./syncLogTool.ts";

export interface ConversationView {
  conversationId: string;
  status: "awaiting_user" | "resolved" | "escalated";
  messages: Turn[];
  article: { slug: string; title: string } | null;
  ticketId: string | null;
  /** The sync-log decision that answers the user's question about one workout, if one was found. */
  finding: Pick<SyncLogLine, "syncConfigId" | "sourceId" | "destinationId" | "outcome" | "reason" | "at"> | null;
  /** Where syncing that workout again would help: the gateway call the app makes (with an Idempotency-Key). */
  resync: ResyncOffer | null;
}

export class ConversationEnded extends Error {
  readonly code = "conversation_ended";
  override readonly name = "ConversationEnded";
}

const findingView = ({ syncConfigId, sourceId, destinationId, outcome, reason, at }: SyncLogLine): ConversationView["finding"] => ({
  syncConfigId,
  sourceId,
  ...(destinationId ? { destinationId } : {}),
  outcome,
  reason,
  at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Conversations with the troubleshooter graph. Each belongs to one user (another user's id is
 * unknown); its state lives in the PostgreSQL checkpointer, so it survives a restart.
 */
export class Troubleshooter {
  #busy = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: { db: Knex; graph: ReturnType<typeof buildTroubleshooterGraph> }) {}

  async start(userId: string, message?: string): Promise<ConversationView> {
    const [row] = await this.deps.db("conversations").insert({ user_id: userId }).returning("id");
    const id = (row as { id: string }).id;
    await this.deps.graph.invoke({ userId }, this.#thread(id));
    return (await (message ? this.send(userId, id, message) : this.view(userId, id))) as ConversationView;
  }

  /** Adds the user's answer and runs the graph to its next question or its end; undefined if unknown. */
  async send(userId: string, id: string, message: string): Promise<ConversationView | undefined> {
    if (!(await this.#owns(userId, id))) return undefined;
    return this.#oneAtATime(id, async () => {
      const snapshot = await this.deps.graph.getState(this.#thread(id));
      if (snapshot.next.length === 0) throw new ConversationEnded("this conversation has ended; start a new one");
      // The graph paused after a question (interruptAfter); the answer is written as that node's.
      await this.deps.graph.updateState(this.#thread(id), { messages: [{ role: "user", text: message }] });
      await this.deps.graph.invoke(null, this.#thread(id));
      return (await this.view(userId, id)) as ConversationView;
    });
  }

  async view(userId: string, id: string): Promise<ConversationView | undefined> {
    if (!(await this.#owns(userId, id))) return undefined;
    const snapshot = await this.deps.graph.getState(this.#thread(id));
    const state = snapshot.values as TroubleshooterStateValue;
    return {
      conversationId: id,
      status: state.outcome === "open" ? "awaiting_user" : state.outcome,
      messages: state.messages,
      article: state.article ? { slug: state.article.slug, title: state.article.title } : null,
      ticketId: state.ticketId,
      finding: state.finding ? findingView(state.finding) : null,
      resync: state.finding ? resyncOffer(state.finding) : null,
    };
  }

  async #owns(userId: string, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    return (await this.deps.db("conversations").where({ id, user_id: userId }).first()) !== undefined;
  }

  #thread(id: string) {
    return { configurable: { thread_id: id } };
  }

  /** One message at a time per conversation (in this process). */
  async #oneAtATime<T>(id: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#busy.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(run);
    this.#busy.set(id, next);
    try {
      return await next;
    } finally {
      if (this.#busy.get(id) === next) this.#busy.delete(id);
    }
  }
}
