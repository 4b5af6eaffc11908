import { z } from "zod";

/**
 * Where the worker's run-time tunables come from (SPEC §16): AWS AppConfig in production, the
 * environment locally. A job reads the current value when it runs, so a new AppConfig deployment
 * takes effect on the next job without a restart.
 */
export interface SettingsSource {
  /** The conflict threshold in force now (seconds two records may overlap before they conflict). Never throws, never waits. */
  conflictOverlapSeconds(): number;
  /** Stops polling (if the source polls) and releases its client. Safe to call twice. */
  close(): void;
}

/**
 * The AppConfig document holding the sync tuning, e.g. `{"conflictOverlapSeconds": 60}`. Keys it
 * does not name are ignored, so a document may carry tomorrow's settings before a worker reads them.
 * The stack's hosted version and its JSON Schema validator (stacks/src/syncTuning.ts) follow it.
 */
export const SyncSettingsDocument = z.object({
  conflictOverlapSeconds: z.number().int().min(0).max(86_400),
});
export type SyncSettings = z.infer<typeof SyncSettingsDocument>;
