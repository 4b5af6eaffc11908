import type { ConflictStrategy, DestinationCapabilities } from "@syncwell/core";

export type DestinationFetchDecision = { fetch: true } | { fetch: false; reason: "source_wins" | "confidence" };

/**
 * Step 5: whether the job reads the destination before writing (SPEC §4, §14). Both skips rely
 * on the push reporting a conflict the job did not see, so they apply only to a destination that
 * reports conflicts; every other destination is read, or a conflict would become a duplicate.
 * - `source_wins`: a conflict reported at push is replaced there, so no read is needed.
 * - Sync confidence: empty at least `threshold` times in a row (no Redis value = no confidence).
 */
export function destinationFetchDecision(input: {
  strategy: ConflictStrategy;
  capabilities: DestinationCapabilities;
  confidence: number | undefined;
  threshold: number;
}): DestinationFetchDecision {
  if (!input.capabilities.reportsConflicts) return { fetch: true };
  if (input.strategy === "source_wins") return { fetch: false, reason: "source_wins" };
  if (input.confidence !== undefined && input.confidence >= input.threshold) return { fetch: false, reason: "confidence" };
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
