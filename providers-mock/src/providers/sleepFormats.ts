import type { Sleep } from "@syncwell/core";

type Stage = Sleep["stages"][number]["stage"];

/** Oura's `sleep_phase_5_min` characters (API v2 sleep model): 1 = deep, 2 = light, 3 = REM, 4 = awake. */
const OURA_PHASE: Record<Stage, string> = { deep: "1", light: "2", rem: "3", awake: "4" };

/** Polar's hypnogram codes (AccessLink sleep model): 0 = wake, 1 = REM, 2 = lighter non-REM, 3 = light non-REM, 4 = deep non-REM. */
const POLAR_CODE: Record<Stage, number> = { awake: 0, rem: 1, light: 2, deep: 4 };

/** The stage at a moment of the session; time no stage covers counts as awake (out of sleep). */
function stageAt(stages: Sleep["stages"], offsetSeconds: number): Stage {
  return stages.find((s) => offsetSeconds >= s.startOffsetSeconds && offsetSeconds < s.startOffsetSeconds + s.seconds)?.stage ?? "awake";
}

/** One character per started 5 minutes of the session, each the stage at that slot's start. */
export function ouraPhases(stages: Sleep["stages"], totalSeconds: number): string {
  const slots = Math.ceil(totalSeconds / 300);
  return Array.from({ length: slots }, (_, i) => OURA_PHASE[stageAt(stages, i * 300)]).join("");
}

/** Seconds of each stage, as Oura and Polar total them. */
export function stageSeconds(stages: Sleep["stages"]): Record<Stage, number> {
  const totals: Record<Stage, number> = { awake: 0, light: 0, deep: 0, rem: 0 };
  for (const s of stages) totals[s.stage] += s.seconds;
  return totals;
}

/** Local wall-clock `HH:MM` of an instant in an offset. */
function localClock(ms: number, offsetSeconds: number): string {
  return new Date(ms + offsetSeconds * 1000).toISOString().slice(11, 16);
}

/**
 * Polar's hypnogram: the local `HH:MM` at which each stage begins, mapped to its code. A gap between
 * stages is written as wake, as Polar classifies the whole span from falling asleep to waking up.
 */
export function polarHypnogram(stages: Sleep["stages"], startMs: number, offsetSeconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  let covered = 0;
  for (const s of [...stages].sort((a, b) => a.startOffsetSeconds - b.startOffsetSeconds)) {
    if (s.startOffsetSeconds > covered) out[localClock(startMs + covered * 1000, offsetSeconds)] = POLAR_CODE.awake;
    out[localClock(startMs + s.startOffsetSeconds * 1000, offsetSeconds)] = POLAR_CODE[s.stage];
    covered = Math.max(covered, s.startOffsetSeconds + s.seconds);
  }
  return out;
}
