/** Bounds and steps of the adaptive interval. */
export interface ScheduleBounds {
  minSeconds: number;
  maxSeconds: number;
}

/** Activity per hour of the day (UTC): how often new data was found in that hour. */
export type ActivityHours = number[];

export const emptyActivity = (): ActivityHours => Array.from({ length: 24 }, () => 0);

const clamp = (value: number, { minSeconds, maxSeconds }: ScheduleBounds) => Math.min(maxSeconds, Math.max(minSeconds, value));

/**
 * The base interval after a poll: halved after new data (the user is active), grown by half
 * after an empty poll, always within bounds.
 */
export function nextBaseInterval(currentSeconds: number, hadData: boolean, bounds: ScheduleBounds): number {
  return Math.round(clamp(hadData ? currentSeconds / 2 : currentSeconds * 1.5, bounds));
}

/**
 * How busy an hour usually is for this user, 0 (never active) to 1 (the busiest hour), smoothed
 * with the neighbouring hours. An unknown pattern is neutral (0.5).
 */
export function hourWeight(activity: ActivityHours, hour: number): number {
  const total = activity.reduce((a, b) => a + b, 0);
  if (total === 0) return 0.5;
  const at = (h: number) => activity[(h + 24) % 24] ?? 0;
  const smoothed = (h: number) => at(h - 1) * 0.25 + at(h) * 0.5 + at(h + 1) * 0.25;
  const peak = Math.max(...activity.map((_, h) => smoothed(h)));
  return peak === 0 ? 0.5 : smoothed(hour) / peak;
}

/**
 * The delay until the next poll: the base interval, shortened in the user's active hours and
 * stretched in quiet ones (×0.5 at the busiest hour, ×2 when never active). It never jumps over
 * an hour the user is usually active in: the poll then comes right after that hour (workouts
 * are uploaded when they end). Always within bounds.
 */
export function nextPollDelay(baseSeconds: number, activity: ActivityHours, atMs: number, bounds: ScheduleBounds): number {
  const hour = new Date(atMs + baseSeconds * 1000).getUTCHours();
  let delay = clamp(baseSeconds * (2 - 1.5 * hourWeight(activity, hour)), bounds);
  const hourMs = 3600_000;
  const known = activity.some((n) => n > 0);
  for (let top = Math.floor(atMs / hourMs) * hourMs; known && top < atMs + delay * 1000; top += hourMs) {
    if (hourWeight(activity, new Date(top).getUTCHours()) < ACTIVE_WEIGHT) continue;
    const afterActiveHour = (top + hourMs + AFTER_ACTIVE_MS - atMs) / 1000;
    delay = Math.min(delay, clamp(afterActiveHour, bounds));
    break;
  }
  return Math.round(delay);
}

/** An hour at least this busy (relative to the user's busiest) is "usually active". */
const ACTIVE_WEIGHT = 0.5;
/** How long after an active hour the poll comes (uploads trail the workout a little). */
const AFTER_ACTIVE_MS = 5 * 60_000;

/** Counts a poll that found data in the hour it happened. */
export function recordActivity(activity: ActivityHours, atMs: number): ActivityHours {
  const next = activity.length === 24 ? [...activity] : emptyActivity();
  const hour = new Date(atMs).getUTCHours();
  next[hour] = (next[hour] ?? 0) + 1;
  return next;
}
