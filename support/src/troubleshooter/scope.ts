import { PROVIDERS, type Provider } from "@syncwell/core";
import type { SyncLogQuery } from "./syncLogTool.ts";

export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type Day = (typeof WEEKDAYS)[number] | "today" | "yesterday";

/** Which sync and day a question about one workout is about, as the model read it. */
export interface Scope {
  source?: Provider | undefined;
  destination?: Provider | undefined;
  day?: Day | undefined;
}

const DAYS: readonly string[] = [...WEEKDAYS, "today", "yesterday"];

/**
 * Reads the model's answer to the scope task (`from=… to=… day=…`, or NONE) strictly: a value that
 * is not a known partner or day counts as "any", and an answer with none of the three fields means
 * the question is not about one workout.
 */
export function parseScope(answer: string): Scope | null {
  const field = (name: string) => new RegExp(`\\b${name}=([a-z_]+)`, "i").exec(answer)?.[1]?.toLowerCase();
  const [from, to, day] = [field("from"), field("to"), field("day")];
  if (from === undefined && to === undefined && day === undefined) return null;
  const provider = (value: string | undefined) =>
    (PROVIDERS as readonly string[]).includes(value ?? "") ? (value as Provider) : undefined;
  return { source: provider(from), destination: provider(to), day: DAYS.includes(day ?? "") ? (day as Day) : undefined };
}

/** How far a user's day may be from UTC's: a day is searched with this much slack on each side. */
const ZONE_SLACK_MS = 14 * 3600_000;
const DAY_MS = 86400_000;

/**
 * The sync-log query for a scope, and the end of the day asked about: a decision about a workout of
 * that day is at or after its start (the workout may have been uploaded days later), and the ones
 * within the day are the likelier answer.
 */
export function scopeQuery(scope: Scope, nowMs: number): { query: SyncLogQuery; dayEnd?: string | undefined } {
  const query: SyncLogQuery = {
    ...(scope.source ? { source: scope.source } : {}),
    ...(scope.destination ? { destination: scope.destination } : {}),
  };
  if (!scope.day) return { query };
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const back =
    scope.day === "today" ? 0 : scope.day === "yesterday" ? 1 : (new Date(today).getUTCDay() - WEEKDAYS.indexOf(scope.day) + 7) % 7;
  const start = today - back * DAY_MS;
  return {
    query: { ...query, since: new Date(start - ZONE_SLACK_MS).toISOString() },
    dayEnd: new Date(start + DAY_MS + ZONE_SLACK_MS).toISOString(),
  };
}
