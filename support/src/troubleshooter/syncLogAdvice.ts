import type { SyncReason } from "@syncwell/core";
import { providerName } from "../playbook.ts";
import type { SyncLogLine } from "./syncLogTool.ts";

/** What the troubleshooter says about one reason code: why, which help article, and whether a resync helps. */
interface Advice {
  /** The help article that explains it (a slug of the knowledge base); null for a success. */
  article: string | null;
  /** Whether syncing the record again (`POST …/records/{sourceId}/resync`) would help. */
  resync: boolean;
  because(from: string, to: string): string;
}

const ADVICE: Record<SyncReason, Advice> = {
  new: { article: null, resync: false, because: (_, to) => `it was written to ${to}` },
  changed_at_source: { article: null, resync: false, because: (_, to) => `its copy at ${to} was updated after an edit` },
  deleted_at_source: { article: null, resync: false, because: (from, to) => `it was deleted at ${from}, so its copy at ${to} was too` },
  filtered: {
    article: "sync-filters",
    resync: false,
    because: () =>
      "it did not pass this sync's filters (activity types, excluded name words or minimum duration), so it was skipped on purpose",
  },
  private: {
    article: "private-workouts",
    resync: false,
    because: (from) => `it is private at ${from} (or ${from} does not say), and this sync leaves private workouts out`,
  },
  conflict_kept_destination: {
    article: "kept-destination-workout",
    resync: false,
    because: (_, to) => `${to} already had an overlapping workout, and this sync's conflict strategy kept the one at ${to}`,
  },
  older_than_destination: {
    article: "newer-at-destination",
    resync: false,
    because: (_, to) => `the overlapping workout at ${to} was newer, and this sync's "newest wins" strategy kept it`,
  },
  already_at_destination: {
    article: "already-at-destination",
    resync: false,
    because: (_, to) => `it was already at ${to}, so nothing needed writing`,
  },
  destination_cannot_delete: {
    article: "destination-cannot-delete",
    resync: false,
    because: (from, to) => `it was deleted at ${from}, but ${to} does not let apps delete workouts, so its copy is still there`,
  },
  destination_cannot_update: {
    article: "destination-cannot-update",
    resync: false,
    because: (from, to) => `it was edited at ${from}, but ${to} cannot take that change, so its copy shows the earlier version`,
  },
  deleted_at_destination: {
    article: "deleted-at-destination",
    resync: true,
    because: (_, to) => `its copy was deleted at ${to}, and SyncWell never uploads a workout you deleted there again by itself`,
  },
  transient: {
    article: "partner-outage",
    resync: true,
    because: (from, to) => `${from} or ${to} was down or answering with errors`,
  },
  rate_limited: {
    article: "rate-limits",
    resync: true,
    because: (from, to) => `${from} or ${to} limited how many requests SyncWell could make`,
  },
  auth: {
    article: "reconnect-provider",
    resync: true,
    because: (from, to) => `SyncWell's access to ${from} or ${to} stopped working`,
  },
  permanent: { article: "rejected-workout-data", resync: true, because: (_, to) => `${to} refused it as invalid` },
  unknown: { article: "resync-a-workout", resync: true, because: () => "something unexpected went wrong" },
};

/** The help article for a reason code, or null for a success. */
export const articleFor = (reason: SyncReason): string | null => ADVICE[reason].article;

const PROBLEMS = new Set(["skipped", "failed"]);

/**
 * The decision to explain, from matching log lines (newest first): the newest record whose latest
 * decision was a skip or a failure — within the day asked about (up to `dayEnd`) before any later
 * one, and one that was simply already at the destination last. Null when every record synced.
 */
export function pickFinding(lines: readonly SyncLogLine[], dayEnd?: string): SyncLogLine | null {
  const seen = new Set<string>();
  const latest = lines.filter((line) => {
    const key = `${line.syncConfigId}\n${line.sourceId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const end = dayEnd ? Date.parse(dayEnd) : Number.POSITIVE_INFINITY;
  const rank = (l: SyncLogLine) => (Date.parse(l.at) <= end ? 0 : 2) + (l.reason === "already_at_destination" ? 1 : 0);
  const candidates = latest.filter((l) => PROBLEMS.has(l.outcome));
  return candidates.reduce<SyncLogLine | null>((best, l) => (best === null || rank(l) < rank(best) ? l : best), null);
}

const WHEN = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});

const VERBS: Record<SyncLogLine["outcome"], string> = {
  written: "was written by",
  updated: "was updated by",
  deleted: "was deleted by",
  skipped: "was skipped by",
  failed: "failed in",
};

/** What the log says, for the user: deterministic text from the reason code, never from the model. */
export function explainFinding(line: SyncLogLine): string {
  const from = providerName(line.source);
  const to = providerName(line.destination);
  const when = WHEN.format(new Date(line.at));
  return `From your sync log: workout ${line.sourceId} ${VERBS[line.outcome]} your ${from} → ${to} sync on ${when} UTC: ${ADVICE[line.reason].because(from, to)} (reason: ${line.reason}).`;
}

/** How the app syncs the record again (the gateway's resync route), where that would help. */
export interface ResyncOffer {
  syncConfigId: string;
  sourceId: string;
  method: "POST";
  path: string;
}

export function resyncOffer(line: SyncLogLine): ResyncOffer | null {
  if (!ADVICE[line.reason].resync) return null;
  const path = `/v1/sync-configs/${encodeURIComponent(line.syncConfigId)}/records/${encodeURIComponent(line.sourceId)}/resync`;
  return { syncConfigId: line.syncConfigId, sourceId: line.sourceId, method: "POST", path };
}

/** The resync offer, in words (the app shows the button). */
export function resyncSentence(line: SyncLogLine): string {
  const first = line.reason === "auth" ? "Once you have reconnected, you" : "You";
  return `${first} can sync this workout again: open the sync log in the app and tap "Sync again" on it.`;
}

/** The finding as the model sees it: ids, partners, outcome, reason and time only. */
export const findingForModel = (line: SyncLogLine): string =>
  `sync ${line.syncConfigId} ${line.source}->${line.destination} record ${line.sourceId} outcome=${line.outcome} reason=${line.reason} at=${line.at}`;
