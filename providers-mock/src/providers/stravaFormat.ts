import type { ActivityType } from "@syncwell/core";
import type { StoredActivity } from "../store.ts";
import { heartRateSummary } from "./common.ts";

export const TO_STRAVA: Record<ActivityType, string> = {
  run: "Run",
  ride: "Ride",
  swim: "Swim",
  walk: "Walk",
  hike: "Hike",
  workout: "Workout",
  // Strava has no "Other": its generic sport type is Workout.
  other: "Workout",
};
export const FROM_STRAVA: Record<string, ActivityType> = {
  Run: "run",
  Ride: "ride",
  Swim: "swim",
  Walk: "walk",
  Hike: "hike",
  Workout: "workout",
};

/**
 * Strava's OAuth scopes (developers.strava.com/docs/authentication). SyncWell asks for
 * `activity:read_all`: with `activity:read` only, "Only You" activities are left out of listings,
 * refused by id, and their privacy changes are never reported (docs/webhooks: "Privacy, requires an
 * access token with activity:read_all scope").
 */
export const STRAVA_SCOPES = {
  default: "read,activity:read_all,activity:write",
  known: ["read", "read_all", "profile:read_all", "profile:write", "activity:read", "activity:read_all", "activity:write"],
} as const;

/** What a grant allows; a grant without a recorded scope is SyncWell's default one. */
export function stravaGrant(scope: string | undefined) {
  const scopes = new Set((scope ?? STRAVA_SCOPES.default).split(","));
  return {
    readAll: scopes.has("activity:read_all"),
    read: scopes.has("activity:read") || scopes.has("activity:read_all"),
    write: scopes.has("activity:write"),
  };
}

/** Strava's error body: `{message, errors:[{resource, field, code}]}`. */
export function stravaError(
  status: number,
  message: string,
): { message: string; errors: { resource: string; field: string; code: string }[] } {
  if (status === 429)
    return { message: "Rate Limit Exceeded", errors: [{ resource: "Application", field: "rate limit", code: "exceeded" }] };
  if (status === 401) {
    // A token without the permission a call needs: Strava names the missing one.
    const permission = /^missing (\S+_permission)$/.exec(message)?.[1];
    return {
      message: "Authorization Error",
      errors: [
        permission
          ? { resource: "AccessToken", field: permission, code: "missing" }
          : { resource: "Athlete", field: "access_token", code: "invalid" },
      ],
    };
  }
  if (status === 404) return { message: "Record Not Found", errors: [{ resource: "Activity", field: "id", code: "not found" }] };
  if (status >= 500) return { message: "Internal Server Error", errors: [{ resource: "Application", field: "", code: message }] };
  return { message: "Bad Request", errors: [{ resource: "Activity", field: "", code: message }] };
}

const stravaTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * SummaryActivity (resource_state 2): `private` and `visibility` as Strava reports them ("Only You"
 * is `private: true` / `only_me`), times in UTC plus `start_date_local` and `utc_offset`, and
 * `manual` for an activity made without a file.
 */
export function stravaSummary(a: StoredActivity) {
  const hr = heartRateSummary(a.samples);
  const seconds = Math.round((a.endTime.getTime() - a.startTime.getTime()) / 1000);
  return {
    resource_state: 2,
    athlete: { id: Number(a.partnerUserId), resource_state: 1 },
    id: Number(a.nativeId),
    name: a.name,
    type: TO_STRAVA[a.type],
    sport_type: TO_STRAVA[a.type],
    start_date: stravaTime(a.startTime),
    start_date_local: stravaTime(new Date(a.startTime.getTime() + a.utcOffsetSeconds * 1000)),
    utc_offset: a.utcOffsetSeconds,
    elapsed_time: seconds,
    moving_time: seconds,
    distance: 0,
    external_id: a.externalId,
    upload_id: a.samples.length > 0 ? Number(a.nativeId) + 7_000_000_000 : null,
    manual: a.samples.length === 0,
    private: a.private,
    visibility: a.private ? "only_me" : "everyone",
    has_heartrate: hr.average !== undefined,
    ...(hr.average !== undefined ? { average_heartrate: hr.average, max_heartrate: hr.max } : {}),
  };
}

/**
 * The `updates` of an activity `update` event (docs/webhooks): `title`, `type` and `private`
 * ("true" / "false"), the last only for a grant with `activity:read_all`. Start times and other
 * fields are never reported.
 */
export function stravaUpdates(before: StoredActivity, after: StoredActivity, readAll: boolean): Record<string, string> {
  return {
    ...(before.name !== after.name ? { title: after.name } : {}),
    ...(TO_STRAVA[before.type] !== TO_STRAVA[after.type] ? { type: TO_STRAVA[after.type] } : {}),
    ...(readAll && before.private !== after.private ? { private: String(after.private) } : {}),
  };
}

/**
 * `start_date_local` of a new manual activity (POST /activities: "ISO 8601 formatted date time").
 * Strava places a bare local time in the athlete's time zone — every mock athlete lives in UTC —
 * and the mock honours an explicit offset, which is how a client says which zone it meant.
 */
export function parseStartDateLocal(value: string | undefined): { start: Date; utcOffsetSeconds: number } | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))?$/.exec(value ?? "");
  if (!m?.[1]) return undefined;
  const local = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(local)) return undefined;
  const offset = m[3] ? (m[3] === "-" ? -1 : 1) * (Number(m[4]) * 3600 + Number(m[5]) * 60) : 0;
  if (Math.abs(offset) > 14 * 3600) return undefined;
  return { start: new Date(local - offset * 1000), utcOffsetSeconds: offset };
}
