import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { Task } from "./Assistant.ts";

const SPECIFIC = /\b(strava|garmin|polar|oura|reconnect|duplicat\w*|missing|late|rate|limit|outage|down|error|authori[sz]\w*|expired)\b/i;
/** A question about one workout that did not arrive (what the scope task looks for). */
const ONE_WORKOUT =
  /\b(didn'?t|did not|doesn'?t|does not|wasn'?t|was not|isn'?t|is not|never|not)\b[^.?!]*\b(sync\w*|arriv\w*|show\w* up|appear\w*|upload\w*|updat\w*|delet\w*|there|(on|at|in) (strava|garmin|polar|oura))\b|\b(missing|skipped)\b/i;
const PARTNER = "(strava|garmin|polar|oura)";
const NEGATIVE = /\b(no|not|nope|didn'?t|doesn'?t|still|never)\b/i;

/**
 * A deterministic chat model for tests and offline demos: it reads the prompt's TASK line and
 * answers by simple rules, so the graph's paths are reproducible. Not a language model.
 */
export class ScriptedChatModel extends BaseChatModel {
  _llmType(): string {
    return "syncwell-scripted";
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const system = String(messages[0]?.content ?? "");
    const input = String(messages.at(-1)?.content ?? "");
    const task = /^TASK: (\w+)/.exec(system)?.[1] as Task | undefined;
    const text = answer(task, input);
    return { generations: [{ text, message: new AIMessage(text) }] };
  }
}

function answer(task: Task | undefined, input: string): string {
  const field = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(input)?.[1] ?? "";
  const userLines = [...input.matchAll(/^User: (.*)$/gm)].map((m) => m[1]).join(" ");
  switch (task) {
    case "keywords":
      return field("Problem");
    case "scope":
      return scope(input.replace(/^Problem: /, ""));
    case "propose":
      return `This should fix it: ${field("Article title")}.`;
    case "resolved":
      return NEGATIVE.test(input) ? "NO" : "YES";
    case "clarify":
      return "Which app shows the problem (Strava, Garmin, Polar or Oura), and what exactly does it say?";
    case "sufficient":
      return SPECIFIC.test(field("Problem")) ? "YES" : "NO";
    case "restate":
      return userLines;
    case "summarise":
      return `The user reported: ${userLines}. The proposed help article did not solve it.`;
    default:
      return "";
  }
}

/** `from=… to=… day=…` for a question about one workout, read off its words; else NONE. */
function scope(problem: string): string {
  if (!ONE_WORKOUT.test(problem)) return "NONE";
  const to = new RegExp(`\\b(?:to|on|at|in|into) ${PARTNER}\\b`, "i").exec(problem)?.[1];
  const from = new RegExp(`\\bfrom ${PARTNER}\\b`, "i").exec(problem)?.[1];
  const day =
    /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday)\b/i.exec(problem)?.[1] ??
    (/\bthis (morning|afternoon|evening)\b|\btonight\b/i.test(problem) ? "today" : undefined);
  return `from=${from ?? "any"} to=${to ?? "any"} day=${day ?? "any"}`.toLowerCase();
}
