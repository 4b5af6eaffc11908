import { Annotation, type BaseCheckpointSaver, END, START, StateGraph } from "@langchain/langgraph";
import type { Article } from "../kb/articles.ts";
import type { Match } from "../kb/KnowledgeBase.ts";
import type { TicketCategory } from "../playbook.ts";
import type { Assistant, Turn } from "./Assistant.ts";
import { parseScope, scopeQuery } from "./scope.ts";
import { articleFor, explainFinding, findingForModel, pickFinding, resyncOffer, resyncSentence } from "./syncLogAdvice.ts";
import type { SyncLogLine, SyncLogQuery } from "./syncLogTool.ts";

const last = <T>(fallback: T) => Annotation<T>({ reducer: (_, next) => next, default: () => fallback });

/** The conversation state checkpointed after every node. */
export const TroubleshooterState = Annotation.Root({
  userId: last(""),
  messages: Annotation<Turn[]>({ reducer: (all, more) => all.concat(more), default: () => [] }),
  problem: last(""),
  query: last(""),
  context: last(""),
  failedCategory: last<string | null>(null),
  article: last<Match | null>(null),
  /** What the user's sync log says about the workout asked about (ids, outcome, reason, time). */
  finding: last<SyncLogLine | null>(null),
  found: last(false),
  sufficient: last(false),
  resolved: last(false),
  ticketId: last<string | null>(null),
  outcome: last<"open" | "resolved" | "escalated">("open"),
});
export type TroubleshooterStateValue = typeof TroubleshooterState.State;

/** The nodes that end with a question: the graph pauses after them until the user answers. */
export const WAITS_FOR_USER = ["GreetUser", "AskClarifyingQuestion", "GetUserFeedback"] as const;

export interface GraphDeps {
  assistant: Assistant;
  searchKb(query: string): Promise<Match[]>;
  describeUser(userId: string): Promise<{ text: string; failedCategory?: string | undefined }>;
  /** The user's sync log (the `sync_log` tool bound to `userId`). */
  syncLog(userId: string, query: SyncLogQuery): Promise<SyncLogLine[]>;
  /** A help article by slug: the one a sync-log reason points to. */
  getArticle(slug: string): Promise<Article | undefined>;
  openTicket(ticket: { userId: string; category: TicketCategory; summary: string }): Promise<string>;
  /** The playbook category of a worker category, for the escalation ticket. */
  ticketCategory(failedCategory: string | null): TicketCategory;
  /** The least relevance an article needs to be proposed. */
  minRank: number;
  now?: () => number;
}

const withFinding = (context: string, finding: SyncLogLine | null) =>
  finding ? `${context} sync_log=${findingForModel(finding)}` : context;
const say = (text: string): Turn => ({ role: "assistant", text });
const userText = (s: TroubleshooterStateValue) =>
  s.messages
    .filter((m) => m.role === "user")
    .map((m) => m.text)
    .join("\n");

/**
 * The seed's troubleshooter, node for node: GreetUser → AnalyzeProblem → CheckKB → FoundInKB?
 * (yes → ProposeSolution → GetUserFeedback → Resolved? (yes → EndSuccess, no → EscalateToHuman →
 * EndEscalated); no → AskClarifyingQuestion → AnalyzeUserResponse → SufficientInfo? (yes → CheckKB,
 * no → AskClarifyingQuestion)).
 */
export function buildTroubleshooterGraph(deps: GraphDeps, checkpointer: BaseCheckpointSaver) {
  /** For a question about one workout, the sync-log decision that answers it (the model only scopes partners and day). */
  const lookUp = async (userId: string, problem: string): Promise<SyncLogLine | null> => {
    const scope = parseScope(await deps.assistant.scope(problem));
    if (!scope) return null;
    const { query, dayEnd } = scopeQuery(scope, deps.now?.() ?? Date.now());
    return pickFinding(await deps.syncLog(userId, query), dayEnd);
  };
  const graph = new StateGraph(TroubleshooterState)
    .addNode("GreetUser", () => ({
      messages: [say("Hi, I'm SyncWell's assistant. What's going wrong with your sync?")],
    }))
    .addNode("AnalyzeProblem", async (s) => {
      const problem = userText(s);
      const [user, finding] = await Promise.all([deps.describeUser(s.userId), lookUp(s.userId, problem)]);
      const context = withFinding(user.text, finding);
      const keywords = await deps.assistant.keywords(problem, context);
      return { problem, context, finding, failedCategory: user.failedCategory ?? null, query: `${problem} ${keywords}` };
    })
    // The article a sync-log reason points to comes first; else the most relevant one.
    .addNode("CheckKB", async (s) => {
      const slug = s.finding ? articleFor(s.finding.reason) : null;
      const pinned = slug ? await deps.getArticle(slug) : undefined;
      return { article: pinned ? { ...pinned, rank: 1 } : ((await deps.searchKb(s.query))[0] ?? null) };
    })
    .addNode("FoundInKB", (s) => ({ found: s.article !== null && s.article.rank >= deps.minRank }))
    .addNode("ProposeSolution", async (s) => {
      const article = s.article as Match;
      const text = await deps.assistant.propose(s.problem, article, s.finding ? findingForModel(s.finding) : undefined);
      const why = s.finding ? `${explainFinding(s.finding)}\n\n` : "";
      const resync = s.finding && resyncOffer(s.finding) ? `\n\n${resyncSentence(s.finding)}` : "";
      return { messages: [say(`${why}${text}${resync}\n\nHelp article: "${article.title}" (${article.slug})`)] };
    })
    .addNode("GetUserFeedback", () => ({ messages: [say("Did that solve the problem?")] }))
    .addNode("Resolved", async (s) => {
      const reply = s.messages.findLast((m) => m.role === "user")?.text ?? "";
      return { resolved: await deps.assistant.isResolved(reply) };
    })
    .addNode("EndSuccess", () => ({ outcome: "resolved" as const, messages: [say("Great, happy syncing!")] }))
    .addNode("AskClarifyingQuestion", async (s) => ({ messages: [say(await deps.assistant.clarify(s.problem || userText(s)))] }))
    .addNode("AnalyzeUserResponse", async (s) => {
      const problem = await deps.assistant.restate(s.messages);
      const finding = s.finding ?? (await lookUp(s.userId, problem));
      const context = s.finding ? s.context : withFinding(s.context, finding);
      const keywords = await deps.assistant.keywords(problem, context);
      return { problem, finding, context, query: `${userText(s)} ${problem} ${keywords}` };
    })
    .addNode("SufficientInfo", async (s) => ({ sufficient: await deps.assistant.hasSufficientInfo(s.problem) }))
    .addNode("EscalateToHuman", async (s) => {
      const summary = await deps.assistant.summarise(s.messages, s.context);
      const failed = s.failedCategory ?? (s.finding?.outcome === "failed" ? s.finding.reason : null);
      const ticketId = await deps.openTicket({ userId: s.userId, category: deps.ticketCategory(failed), summary });
      return { ticketId };
    })
    .addNode("EndEscalated", () => ({
      outcome: "escalated" as const,
      messages: [say("I've passed this to our support team with a summary of our conversation. They will contact you within 24 hours.")],
    }))
    .addEdge(START, "GreetUser")
    .addEdge("GreetUser", "AnalyzeProblem")
    .addEdge("AnalyzeProblem", "CheckKB")
    .addEdge("CheckKB", "FoundInKB")
    .addConditionalEdges("FoundInKB", (s) => (s.found ? "ProposeSolution" : "AskClarifyingQuestion"), [
      "ProposeSolution",
      "AskClarifyingQuestion",
    ])
    .addEdge("ProposeSolution", "GetUserFeedback")
    .addEdge("GetUserFeedback", "Resolved")
    .addConditionalEdges("Resolved", (s) => (s.resolved ? "EndSuccess" : "EscalateToHuman"), ["EndSuccess", "EscalateToHuman"])
    .addEdge("EscalateToHuman", "EndEscalated")
    .addEdge("AskClarifyingQuestion", "AnalyzeUserResponse")
    .addEdge("AnalyzeUserResponse", "SufficientInfo")
    .addConditionalEdges("SufficientInfo", (s) => (s.sufficient ? "CheckKB" : "AskClarifyingQuestion"), [
      "CheckKB",
      "AskClarifyingQuestion",
    ])
    .addEdge("EndSuccess", END)
    .addEdge("EndEscalated", END);
  return graph.compile({ checkpointer, interruptAfter: [...WAITS_FOR_USER] });
}
