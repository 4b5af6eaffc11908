import { Annotation, type BaseCheckpointSaver, END, START, StateGraph } from "@langchain/langgraph";
import type { Match } from "../kb/KnowledgeBase.ts";
import type { TicketCategory } from "../playbook.ts";
import type { Assistant, Turn } from "./Assistant.ts";

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
  openTicket(ticket: { userId: string; category: TicketCategory; summary: string }): Promise<string>;
  /** The playbook category of a worker category, for the escalation ticket. */
  ticketCategory(failedCategory: string | null): TicketCategory;
  /** The least relevance an article needs to be proposed. */
  minRank: number;
}

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
  const graph = new StateGraph(TroubleshooterState)
    .addNode("GreetUser", () => ({
      messages: [say("Hi, I'm SyncWell's assistant. What's going wrong with your sync?")],
    }))
    .addNode("AnalyzeProblem", async (s) => {
      const problem = userText(s);
      const user = await deps.describeUser(s.userId);
      const keywords = await deps.assistant.keywords(problem, user.text);
      return { problem, context: user.text, failedCategory: user.failedCategory ?? null, query: `${problem} ${keywords}` };
    })
    .addNode("CheckKB", async (s) => ({ article: (await deps.searchKb(s.query))[0] ?? null }))
    .addNode("FoundInKB", (s) => ({ found: s.article !== null && s.article.rank >= deps.minRank }))
    .addNode("ProposeSolution", async (s) => {
      const article = s.article as Match;
      const text = await deps.assistant.propose(s.problem, article);
      return { messages: [say(`${text}\n\nHelp article: "${article.title}" (${article.slug})`)] };
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
      const keywords = await deps.assistant.keywords(problem, s.context);
      return { problem, query: `${userText(s)} ${problem} ${keywords}` };
    })
    .addNode("SufficientInfo", async (s) => ({ sufficient: await deps.assistant.hasSufficientInfo(s.problem) }))
    .addNode("EscalateToHuman", async (s) => {
      const summary = await deps.assistant.summarise(s.messages, s.context);
      const ticketId = await deps.openTicket({ userId: s.userId, category: deps.ticketCategory(s.failedCategory), summary });
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
