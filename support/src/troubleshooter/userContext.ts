import { tool } from "@langchain/core/tools";
import type { MetadataStore } from "@syncwell/core";
import { z } from "zod";
import type { TicketStore } from "../tickets/TicketStore.ts";
import { type SyncLogStore, syncLogTool } from "./syncLogTool.ts";

/**
 * The troubleshooter's view of a user's account, as LangChain tools bound to one user: their
 * connections' status, their recent failed syncs and their sync log. Ids, providers, states,
 * outcomes, reasons and times only — never tokens, never workout data. The user id comes from the
 * caller's token, never from the model.
 */
export function userContextTools(
  deps: { store: Pick<MetadataStore, "listConnections"> & SyncLogStore; tickets: TicketStore },
  userId: string,
) {
  const connections = tool(
    async () => {
      const list = await deps.store.listConnections(userId);
      return JSON.stringify(list.map((c) => ({ provider: c.provider, status: c.status })));
    },
    { name: "connection_status", description: "The user's partner connections and whether each is active", schema: z.object({}) },
  );
  const failedSyncs = tool(
    async () => {
      const tickets = await deps.tickets.list({ userId, open: true, limit: 5 });
      return JSON.stringify(
        tickets.map((t) => ({
          from: t.sourceProvider,
          to: t.destinationProvider,
          category: t.category,
          failedAt: t.firstFailureAt,
        })),
      );
    },
    { name: "recent_failed_syncs", description: "The user's sync jobs that failed and wait for support", schema: z.object({}) },
  );
  return { connections, failedSyncs, syncLog: syncLogTool(deps, userId) };
}

/** Runs the first two tools: the account context the model and the escalation ticket see (the sync log is read per question). */
export async function describeUser(tools: ReturnType<typeof userContextTools>): Promise<{ text: string; failedCategory?: string }> {
  const [connections, failed] = await Promise.all([tools.connections.invoke({}), tools.failedSyncs.invoke({})]);
  const firstFailure = (JSON.parse(failed) as Array<{ category?: string }>)[0];
  return { text: `connections=${connections} failed_syncs=${failed}`, failedCategory: firstFailure?.category };
}
