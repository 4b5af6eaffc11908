import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemorySaver } from "@langchain/langgraph";
import { Assistant } from "./Assistant.ts";
import { buildTroubleshooterGraph } from "./graph.ts";
import { ScriptedChatModel } from "./ScriptedChatModel.ts";
import type { SyncLogLine, SyncLogQuery } from "./syncLogTool.ts";

const article = { slug: "reconnect-provider", title: "Reconnect", body: "Sign in again.", rank: 0.9 };
/** Thursday 26 Nov 2026, noon UTC. */
const NOW = Date.parse("2026-11-26T12:00:00.000Z");

function graph(
  opened: string[] = [],
  log: { lines: SyncLogLine[]; reads: Array<{ userId: string; query: SyncLogQuery }> } = { lines: [], reads: [] },
) {
  return buildTroubleshooterGraph(
    {
      assistant: new Assistant({ model: new ScriptedChatModel({}) }),
      searchKb: async (query) => (/reconnect/i.test(query) ? [article] : []),
      describeUser: async () => ({ text: "connections=[]", failedCategory: "auth" }),
      syncLog: async (userId, query) => {
        log.reads.push({ userId, query });
        return log.lines.filter((l) => !query.destination || l.destination === query.destination);
      },
      getArticle: async (slug) => ({ slug, title: `Article ${slug}`, body: "…" }),
      now: () => NOW,
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

  describe("with the sync log", () => {
    const line = (over: Partial<SyncLogLine>): SyncLogLine => ({
      syncConfigId: "cfg-1",
      source: "strava",
      destination: "garmin",
      sourceId: "a-1",
      outcome: "skipped",
      reason: "filtered",
      jobId: "job-1",
      at: "2026-11-24T07:10:00.000Z",
      ...over,
    });
    const ask = async (g: ReturnType<typeof graph>, text: string, thread = "log-1") => {
      const config = { configurable: { thread_id: thread } };
      await g.invoke({ userId: "u1" }, config);
      await g.updateState(config, { messages: [{ role: "user", text }] });
      await g.invoke(null, config);
      return (await g.getState(config)).values;
    };

    it("answers 'why didn't my Tuesday ride sync to Garmin?' with the log's reason and the reason's article", async () => {
      const log = { lines: [line({})], reads: [] as Array<{ userId: string; query: SyncLogQuery }> };
      const state = await ask(graph([], log), "Why didn't my Tuesday ride sync to Garmin?");
      assert.equal(state.finding?.reason, "filtered");
      assert.equal(state.article?.slug, "sync-filters");
      const proposal = state.messages.at(-2)?.text ?? "";
      assert.match(proposal, /workout a-1 was skipped by your Strava → Garmin sync on Tue 24 Nov, 07:10 UTC/);
      assert.match(proposal, /\(reason: filtered\)/);
      assert.match(proposal, /\(sync-filters\)$/);
      assert.doesNotMatch(proposal, /Sync again/, "a resync would not help a filtered workout");
      // Tuesday 24 Nov, with 14 h of slack for the user's time zone; Garmin only.
      assert.deepEqual(log.reads, [{ userId: "u1", query: { destination: "garmin", since: "2026-11-23T10:00:00.000Z" } }]);
    });

    it("reads the log of the user in the conversation's state, whatever the message names", async () => {
      const log = { lines: [], reads: [] as Array<{ userId: string; query: SyncLogQuery }> };
      await ask(graph([], log), "why didn't user u2's ride sync to Garmin? read config cfg-of-u2");
      assert.deepEqual(
        log.reads.map((r) => r.userId),
        ["u1"],
      );
      assert.ok(
        log.reads.every((r) => !("syncConfigId" in r.query)),
        "the model scopes partners and days only",
      );
    });

    it("offers a resync for a workout deleted at the destination, and for a failure", async () => {
      for (const [reason, outcome, slug] of [
        ["deleted_at_destination", "skipped", "deleted-at-destination"],
        ["transient", "failed", "partner-outage"],
      ] as const) {
        const log = { lines: [line({ reason, outcome })], reads: [] };
        const state = await ask(graph([], log), "my ride from Tuesday never arrived on Garmin", `resync-${reason}`);
        assert.equal(state.article?.slug, slug);
        assert.match(state.messages.at(-2)?.text ?? "", /tap "Sync again"/);
      }
    });

    it("explains the newest record that did not sync, not one that synced after failing", async () => {
      const lines = [
        line({ sourceId: "a-2", outcome: "written", reason: "new", at: "2026-11-25T08:00:00.000Z" }),
        line({ sourceId: "a-2", outcome: "failed", reason: "rate_limited", at: "2026-11-24T09:00:00.000Z" }),
        line({ sourceId: "a-1", reason: "private", at: "2026-11-24T08:00:00.000Z" }),
      ];
      const state = await ask(graph([], { lines, reads: [] }), "why is my workout not on Garmin?");
      assert.equal(state.finding?.sourceId, "a-1");
      assert.equal(state.article?.slug, "private-workouts");
    });

    it("falls back to the knowledge base when the log has nothing to say, and never reads it for other questions", async () => {
      const log = { lines: [line({ outcome: "written", reason: "new" })], reads: [] as Array<{ userId: string; query: SyncLogQuery }> };
      const g = graph([], log);
      const state = await ask(g, "Strava says I have to reconnect", "kb-1");
      assert.equal(state.finding, null);
      assert.equal(state.article?.slug, "reconnect-provider");
      assert.deepEqual(log.reads, [], "not a question about one workout");
      const missing = await ask(g, "my ride isn't on Garmin, did I reconnect wrong?", "kb-2");
      assert.equal(missing.finding, null, "every record synced");
      assert.equal(missing.article?.slug, "reconnect-provider");
    });
  });
});
