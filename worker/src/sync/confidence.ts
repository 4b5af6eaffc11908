import type { ConflictStrategy } from "@syncwell/core";

export type DestinationFetchDecision = { fetch: true } | { fetch: false; reason: "source_wins" | "confidence" };

/**
 * Step 5: skip the destination fetch when the source wins anyway, or when the destination has
 * been empty at least `threshold` times in a row (no Redis value = no confidence).
 */
export function destinationFetchDecision(
  strategy: ConflictStrategy,
  confidence: number | undefined,
  threshold: number,
): DestinationFetchDecision {
  if (strategy === "source_wins") return { fetch: false, reason: "source_wins" };
  if (confidence !== undefined && confidence >= threshold) return { fetch: false, reason: "confidence" };
  return { fetch: true };
}

/** What a job saw of the destination, for step 12. */
export interface DestinationObservation {
  fetched: boolean;
  destinationEmpty: boolean;
  pushConflict: boolean;
}

/**
 * Step 12: a push rejected for a conflict or a non-empty destination resets the counter to 0;
 * an empty fetched destination adds one; otherwise it stays.
 */
export function confidenceUpdate(observation: DestinationObservation): "reset" | "increment" | "unchanged" {
  if (observation.pushConflict) return "reset";
  if (!observation.fetched) return "unchanged";
  return observation.destinationEmpty ? "increment" : "reset";
}
