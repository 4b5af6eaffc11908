import type { ErrorCategory } from "@syncwell/core";

/** The DLQ playbook's categories (SPEC §7). */
export type TicketCategory = "third_party" | "bad_data" | "authentication" | "unknown";

/** What a dead-lettered job tells support, without any health data. */
export interface DeadLetter {
  errorCategory?: string | undefined;
  errorMessage?: string | undefined;
}

/**
 * Categorises a dead-lettered job as the playbook does: partner 5xx/timeouts → third party,
 * 400/422 and malformed messages → bad data, 401 → authentication, anything else → unknown.
 * Prefers the worker's own category; falls back to the HTTP status in the message.
 */
export function categorise(dead: DeadLetter): TicketCategory {
  const byCategory: Partial<Record<ErrorCategory, TicketCategory>> = {
    transient: "third_party",
    rate_limited: "third_party",
    permanent: "bad_data",
    invalid_message: "bad_data",
    auth: "authentication",
  };
  const known = byCategory[dead.errorCategory as ErrorCategory];
  if (known) return known;
  const status = /\banswered (\d{3})\b/.exec(dead.errorMessage ?? "")?.[1];
  if (status === "401" || status === "403") return "authentication";
  if (status === "400" || status === "422") return "bad_data";
  if (status?.startsWith("5")) return "third_party";
  return "unknown";
}

/** The playbook's promise: contact the user within 24 h of the first failure. */
export const CONTACT_WITHIN_MS = 24 * 3600_000;

export function contactDeadline(firstFailureAt: string): string {
  return new Date(Date.parse(firstFailureAt) + CONTACT_WITHIN_MS).toISOString();
}

/** Overdue tickets first (most overdue first), then by deadline; resolved tickets last. */
export function byUrgency<T extends { contactDeadline: string; resolvedAt?: string | null | undefined }>(
  tickets: readonly T[],
  nowMs: number,
): T[] {
  const rank = (t: T) => (t.resolvedAt ? 2 : Date.parse(t.contactDeadline) <= nowMs ? 0 : 1);
  return [...tickets].sort((a, b) => rank(a) - rank(b) || Date.parse(a.contactDeadline) - Date.parse(b.contactDeadline));
}

/**
 * Removes personal data from an error message before support sees it: e-mail addresses, bearer
 * tokens and long hex/base64 secrets, and anything after "name"/"title" keys of a partner body.
 */
export function redact(message: string): string {
  return message
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, "[email]")
    .replace(/Bearer\s+\S+/gi, "Bearer [redacted]")
    .replace(/\b[0-9a-f]{32,}\b/gi, "[secret]")
    .replace(/"(name|title|description|firstname|lastname)"\s*:\s*"[^"]*"/gi, '"$1":"[redacted]"');
}

export type TemplateName = "initial_contact" | "resolved_by_fix" | "user_action_needed";

const PROVIDER_NAMES: Record<string, string> = { strava: "Strava", garmin: "Garmin", polar: "Polar", oura: "Oura", withings: "Withings" };

/** A partner's name as users know it. */
export const providerName = (provider: string): string => PROVIDER_NAMES[provider] ?? provider;

/** The playbook's communication templates, filled from a ticket's metadata only. */
export function renderTemplate(
  template: TemplateName,
  ticket: { category: TicketCategory; sourceProvider: string; destinationProvider: string },
): string {
  const source = providerName(ticket.sourceProvider);
  const destination = providerName(ticket.destinationProvider);
  const cause: Record<TicketCategory, string> = {
    third_party: `${source} or ${destination} was not answering reliably`,
    bad_data: `${destination} refused some of the workout data`,
    authentication: `SyncWell's access to your ${source} or ${destination} account stopped working`,
    unknown: "something unexpected happened",
  };
  switch (template) {
    case "initial_contact":
      return `Hi,\n\nA sync of your workouts from ${source} to ${destination} did not complete because ${cause[ticket.category]}. Nothing was lost: we are on it and will write again as soon as it is fixed.\n\nThe SyncWell team`;
    case "resolved_by_fix":
      return `Hi,\n\nThe problem with your ${source} → ${destination} sync is fixed and your workouts have been synced. You do not need to do anything.\n\nThe SyncWell team`;
    case "user_action_needed":
      return `Hi,\n\nTo keep syncing your workouts from ${source} to ${destination}, please reconnect your ${ticket.category === "authentication" ? `${source} and ${destination} accounts` : "accounts"} in the SyncWell app (Settings → Connections). Your workouts will sync right after.\n\nThe SyncWell team`;
  }
}
