import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemorySaver } from "@langchain/langgraph";
import { Assistant } from "./Assistant.ts";
import { buildTroubleshooterGraph } from "./graph.ts";
import { ScriptedChatModel } from "./ScriptedChatModel.ts";

const article = { slug: "reconnect-provider", title: "Reconnect", body: "Sign in again.", rank: 0.9 };

function graph(opened: string[] = []) {
  return buildTroubleshooterGraph(
    {
      assistant: new Assistant({ model: new ScriptedChatModel({}) }),
      searchKb: async (query) => (/reconnect/i.test(query) ? [article] : []),
      describeUser: async () => ({ text: "connections=[]", failedCategory: "auth" }),
      openTicket: async (t) => {
        opened.push(`${t.category}: ${t.summary}`);
        return "ticket-1";
      },
      ticketCategory: (c) => (c === "auth" ? "authentication" : "unknown"),
      minRank: 0.2,
    },
    new MemorySaver(),
  );
}

describe("the troubleshooter graph", () => {
  it("has exactly the seed's nodes and edges", () => {
    const drawn = graph().getGraph();
    assert.deepEqual(Object.keys(drawn.nodes).sort(), [
      "AnalyzeProblem",
      "AnalyzeUserResponse",
      "AskClarifyingQuestion",
      "CheckKB",
      "EndEscalated",
      "EndSuccess",
      "EscalateToHuman",
      "FoundInKB",
      "GetUserFeedback",
      "GreetUser",
      "ProposeSolution",
      "Resolved",
      "SufficientInfo",
      "__end__",
      "__start__",
    ]);
    assert.deepEqual(drawn.edges.map((e) => `${e.source} -> ${e.target}${e.conditional ? " (if)" : ""}`).sort(), [
      "AnalyzeProblem -> CheckKB",
      "AnalyzeUserResponse -> SufficientInfo",
      "AskClarifyingQuestion -> AnalyzeUserResponse",
      "CheckKB -> FoundInKB",
      "EndEscalated -> __end__",
      "EndSuccess -> __end__",
      "EscalateToHuman -> EndEscalated",
      "FoundInKB -> AskClarifyingQuestion (if)",
      "FoundInKB -> ProposeSolution (if)",
      "GetUserFeedback -> Resolved",
      "GreetUser -> AnalyzeProblem",
      "ProposeSolution -> GetUserFeedback",
      "Resolved -> EndSuccess (if)",
      "Resolved -> EscalateToHuman (if)",
      "SufficientInfo -> AskClarifyingQuestion (if)",
      "SufficientInfo -> CheckKB (if)",
      "__start__ -> GreetUser",
    ]);
  });

  it("walks vague → clarify → specific → propose → not fixed → escalate, pausing only after questions", async () => {
    const opened: string[] = [];
    const g = graph(opened);
    const thread = { configurable: { thread_id: "t1" } };
    const next = async () => (await g.getState(thread)).next;
    await g.invoke({ userId: "u1" }, thread);
    assert.deepEqual(await next(), ["AnalyzeProblem"], "paused after GreetUser");
    const answer = async (text: string) => {
      await g.updateState(thread, { messages: [{ role: "user", text }] });
      await g.invoke(null, thread);
      return next();
    };
    assert.deepEqual(await answer("it is broken"), ["AnalyzeUserResponse"], "paused after AskClarifyingQuestion");
    assert.deepEqual(await answer("Strava says reconnect"), ["Resolved"], "paused after GetUserFeedback");
    assert.deepEqual(await answer("no, still broken"), [], "ended");
    const state = (await g.getState(thread)).values;
    assert.equal(state.outcome, "escalated");
    assert.equal(state.ticketId, "ticket-1");
    assert.deepEqual(opened, [
      "authentication: The user reported: it is broken Strava says reconnect no, still broken. The proposed help article did not solve it.",
    ]);
  });

  it("parses the model's verdicts strictly: anything but YES is no", async () => {
    const assistant = new Assistant({ model: new ScriptedChatModel({}) });
    assert.equal(await assistant.isResolved("yes thanks"), true);
    assert.equal(await assistant.isResolved("it did not help"), false);
    assert.equal(await assistant.hasSufficientInfo("it is broken"), false);
    assert.equal(await assistant.hasSufficientInfo("Garmin shows an error"), true);
  });
});
