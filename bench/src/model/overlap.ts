/** Time relations between workouts, as SPEC §4 step 7 and §14 define them. Pure. */

export interface Timed {
  startTime: string;
  endTime: string;
}

/** Seconds two workouts overlap (0 when they do not). */
export function overlapSeconds(a: Timed, b: Timed): number {
  const from = Math.max(Date.parse(a.startTime), Date.parse(b.startTime));
  const to = Math.min(Date.parse(a.endTime), Date.parse(b.endTime));
  return Math.max(0, (to - from) / 1000);
}

/** Two workouts conflict only when they overlap by more than the threshold. */
export function conflicts(a: Timed, b: Timed, thresholdSeconds: number): boolean {
  return overlapSeconds(a, b) > thresholdSeconds;
}

/** The same workout: same start, same end, same type (what the partners refuse as a duplicate upload). */
export function identical(a: Timed & { type: string }, b: Timed & { type: string }): boolean {
  return Date.parse(a.startTime) === Date.parse(b.startTime) && Date.parse(a.endTime) === Date.parse(b.endTime) && a.type === b.type;
}

/**
 * Which of two records is newer for `newest_wins`. The truth is the partner's modification time
 * (`updatedAt`), but Strava, Garmin and Oura do not report one (the adapters use the end time), so
 * the answer is only certain when both orders agree; otherwise it is `ambiguous`.
 */
export function newer(a: Timed & { updatedAt: string }, b: Timed & { updatedAt: string }): "a" | "b" | "ambiguous" {
  const byUpdate = Math.sign(Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
  const byEnd = Math.sign(Date.parse(a.endTime) - Date.parse(b.endTime));
  if (byUpdate > 0 && byEnd > 0) return "a";
  if (byUpdate < 0 && byEnd < 0) return "b";
  return "ambiguous";
}
