import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { ChatOllama } from "@langchain/ollama";
import { createDatabase, createPlatformClients, createTokenVerifier, type Logger, migrate, registerQueueDepth } from "@syncwell/core";
import { agentAuthOptions, type SupportConfig, userAuthOptions } from "./config.ts";
import { SUPPORT_MIGRATIONS } from "./db/migrations.ts";
import { DeadLetters } from "./dlq/DeadLetters.ts";
import { DlqQueue } from "./dlq/DlqQueue.ts";
import { watchDlq } from "./dlq/DlqWatcher.ts";
import { createSupportApi } from "./http/createSupportApi.ts";
import { supportRoutes } from "./http/supportRoutes.ts";
import { troubleshooterRoutes } from "./http/troubleshooterRoutes.ts";
import { KnowledgeBase } from "./kb/KnowledgeBase.ts";
import { createSupportMetrics } from "./metrics.ts";
import { categorise } from "./playbook.ts";
import { AuditLog } from "./tickets/AuditLog.ts";
import { TicketStore } from "./tickets/TicketStore.ts";
import { Assistant } from "./troubleshooter/Assistant.ts";
import { buildTroubleshooterGraph } from "./troubleshooter/graph.ts";
import { ScriptedChatModel } from "./troubleshooter/ScriptedChatModel.ts";
import type { SyncLogLine } from "./troubleshooter/syncLogTool.ts";
import { Troubleshooter } from "./troubleshooter/Troubleshooter.ts";
import { describeUser, userContextTools } from "./troubleshooter/userContext.ts";

export interface RunningSupport {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The least full-text relevance for an article to be proposed (ts_rank_cd, normalised by length). */
const MIN_ARTICLE_RANK = 0.2;

function chatModel(config: SupportConfig): BaseChatModel {
  if (config.TROUBLESHOOTER_LLM === "scripted") return new ScriptedChatModel({});
  return new ChatOllama({ baseUrl: config.OLLAMA_BASE_URL, model: config.OLLAMA_MODEL, temperature: 0 });
}

/** Wires the support service (DLQ playbook, tickets, troubleshooter) and listens. */
export async function startSupport(config: SupportConfig, logger: Logger): Promise<RunningSupport> {
  const clients = await createPlatformClients(config, logger);
  const db = await createDatabase(config.DATABASE_URL, config.SUPPORT_DB_SCHEMA);
  const checkpointer = PostgresSaver.fromConnString(config.DATABASE_URL, { schema: config.SUPPORT_DB_SCHEMA });
  const closeStorage = async () => {
    clients.close();
    await Promise.allSettled([db.destroy(), checkpointer.end()]);
  };
  try {
    await migrate(db, config.SUPPORT_DB_SCHEMA, SUPPORT_MIGRATIONS);
    await checkpointer.setup();
    const kb = new KnowledgeBase({ db });
    await kb.seed();

    const metrics = createSupportMetrics();
    const tickets = new TicketStore({ db });
    const audit = new AuditLog({ db });
    metrics.ticketsOpen(() => tickets.openCounts());
    registerQueueDepth(metrics.registry, clients.sqs, { [clients.names.hotPathDlq]: clients.queues.hotPathDlqUrl });
    const queue = new DlqQueue({ sqs: clients.sqs }, { dlqUrl: clients.queues.hotPathDlqUrl, queueUrl: clients.queues.hotPathQueueUrl });
    const deadLetters = new DeadLetters({ queue, store: clients.store, tickets, db });

    const graph = buildTroubleshooterGraph(
      {
        assistant: new Assistant({ model: chatModel(config) }),
        searchKb: (query) => kb.search(query),
        describeUser: (userId) => describeUser(userContextTools({ store: clients.store, tickets }, userId)),
        syncLog: async (userId, query) =>
          JSON.parse(await userContextTools({ store: clients.store, tickets }, userId).syncLog.invoke(query)) as SyncLogLine[],
        getArticle: (slug) => kb.get(slug),
        openTicket: async ({ userId, category, summary }) => {
          const { ticket } = await tickets.open({
            origin: "troubleshooter",
            userId,
            category,
            summary,
            firstFailureAt: new Date().toISOString(),
          });
          metrics.ticketsOpened.inc({ category, origin: "troubleshooter" });
          return ticket.id;
        },
        ticketCategory: (failed) => (failed ? categorise({ errorCategory: failed }) : "unknown"),
        minRank: MIN_ARTICLE_RANK,
      },
      checkpointer,
    );
    const troubleshooter = new Troubleshooter({ db, graph });
    const app = createSupportApi(
      {
        support: supportRoutes({ deadLetters, tickets, audit, metrics }),
        troubleshooter: troubleshooterRoutes({ troubleshooter, metrics, logger }),
        metrics,
        logger,
      },
      { agents: createTokenVerifier(agentAuthOptions(config)), users: createTokenVerifier(userAuthOptions(config)) },
    );
    const server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.SUPPORT_PORT, config.SUPPORT_HOST, () => resolve());
    });
    const watcher = watchDlq({ deadLetters, metrics, logger }, { intervalSeconds: config.DLQ_WATCH_INTERVAL_SECONDS });
    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      async close() {
        await watcher.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await closeStorage();
      },
    };
  } catch (error) {
    await closeStorage();
    throw error;
  }
}
