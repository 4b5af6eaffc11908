import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";

/** One line of a conversation. */
export interface Turn {
  role: "assistant" | "user";
  text: string;
}

const SYSTEM = `You are SyncWell's support assistant. SyncWell copies workouts between Strava, Garmin, Polar and Oura.
Be brief and friendly. Never ask for passwords or health data. Never invent features.`;

/** Every prompt starts with its task, so a scripted model can answer it deterministically. */
export type Task = "keywords" | "scope" | "propose" | "resolved" | "clarify" | "sufficient" | "restate" | "summarise";

/**
 * The troubleshooter's use of the chat model. Its answers are text for the user, search words, or
 * parsed as a strict YES/NO: never an id, a URL or a command.
 */
export class Assistant {
  constructor(private readonly deps: { model: BaseChatModel }) {}

  async #ask(task: Task, instruction: string, input: string): Promise<string> {
    const reply = await this.deps.model.invoke([
      new SystemMessage(`TASK: ${task}\n${SYSTEM}\n${instruction}`),
      new HumanMessage(input.slice(0, 8000)),
    ]);
    const text = typeof reply.content === "string" ? reply.content : reply.content.map((c) => ("text" in c ? c.text : "")).join("");
    return text.trim().slice(0, 2000);
  }

  async #yesNo(task: Task, instruction: string, input: string): Promise<boolean> {
    const answer = await this.#ask(task, `${instruction}\nAnswer with exactly one word: YES or NO.`, input);
    return /^\W*yes\b/i.test(answer);
  }

  /** Search words for the help articles. */
  keywords(problem: string, context: string): Promise<string> {
    return this.#ask(
      "keywords",
      "List the 3 to 8 most useful search keywords for our help articles, space separated.",
      `Problem: ${problem}\nAccount: ${context}`,
    );
  }

  /**
   * Which sync and day a question about one workout is about, for the sync log (parsed strictly
   * by `parseScope`: partners and days only, never an id).
   */
  scope(problem: string): Promise<string> {
    return this.#ask(
      "scope",
      `Does the user ask about one particular workout that did not sync, update or get deleted as expected? If not, answer exactly NONE.
If so, answer on one line exactly: from=<strava|garmin|polar|oura|any> to=<strava|garmin|polar|oura|any> day=<monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|any>`,
      `Problem: ${problem}`,
    );
  }

  /** `log`: what the sync log says about the workout (ids, outcome, reason, time), when it was found. */
  propose(problem: string, article: { title: string; body: string }, log?: string): Promise<string> {
    return this.#ask(
      "propose",
      "Explain to the user in at most 4 sentences how the help article solves their problem. Use only the article and the sync log line.",
      `Problem: ${problem}\n${log ? `Sync log: ${log}\n` : ""}Article title: ${article.title}\nArticle: ${article.body}`,
    );
  }

  /** Did the user say the proposed fix worked? Anything unclear counts as no (and escalates). */
  isResolved(reply: string): Promise<boolean> {
    return this.#yesNo("resolved", "We proposed a fix. Did the user confirm that it solved the problem?", `User: ${reply}`);
  }

  clarify(problem: string): Promise<string> {
    return this.#ask("clarify", "Ask ONE short question that would help identify the user's sync problem.", `Problem so far: ${problem}`);
  }

  restate(turns: readonly Turn[]): Promise<string> {
    return this.#ask("restate", "Restate the user's problem in one or two sentences, using their own words.", transcript(turns));
  }

  hasSufficientInfo(problem: string): Promise<boolean> {
    return this.#yesNo(
      "sufficient",
      "Is this specific enough to look for a help article (it names an app, an error or a symptom)?",
      `Problem: ${problem}`,
    );
  }

  summarise(turns: readonly Turn[], context: string): Promise<string> {
    return this.#ask(
      "summarise",
      "Summarise this conversation for a human support agent in at most 5 sentences: problem, what was tried, account state.",
      `${transcript(turns)}\nAccount: ${context}`,
    );
  }
}

export const transcript = (turns: readonly Turn[]) => turns.map((t) => `${t.role === "user" ? "User" : "Assistant"}: ${t.text}`).join("\n");
