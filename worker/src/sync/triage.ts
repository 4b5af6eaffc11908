import { createHash } from "node:crypto";
import {
  type ActivityMetadata,
  type ConflictStrategy,
  type DestinationCapabilities,
  type EditableField,
  externalIdFor,
  isPrivate,
  type LedgerEntry,
  type SyncConfig,
  type SyncReason,
} from "@syncwell/core";

/**
 * What a job does about one source record of a sync pair (SPEC §15), decided on metadata and the
 * ledger before anything is read from the destination:
 * - `new`: never written for this config (conflict resolution decides how);
 * - `edit`: written before and changed at the source since (or named by a resync);
 * - `delete`: written before (or its push cut short) and gone at the source (a webhook named it, the source no longer has it);
 * - `skip`: filtered out or private, before any payload is read.
 */
export type Triage =
  | { kind: "new"; record: ActivityMetadata }
  | { kind: "edit"; record: ActivityMetadata; entry: LedgerEntry }
  | { kind: "delete"; sourceId: string; entry: LedgerEntry }
  | { kind: "skip"; record: ActivityMetadata; reason: "filtered" | "private" };

export interface TriageInput {
  /** Source records listed or named, not written by SyncWell. */
  records: readonly ActivityMetadata[];
  /** Ids a webhook named that the source no longer returns. */
  gone: readonly string[];
  ledger: ReadonlyMap<string, LedgerEntry>;
  config: Pick<SyncConfig, "syncPrivate" | "filters">;
  /** Whether the destination can keep a record private (set its privacy); a private record goes nowhere else. */
  canKeepPrivate: boolean;
  /** Records to sync again whatever the ledger says (`POST …/records/{id}/resync`). */
  resync: ReadonlySet<string>;
  /** What fingerprints are salted with (the config's id): a digest nobody can match against guessed names. */
  salt: string;
}

/**
 * A digest of what an edit can change (name, type, privacy, times, and the values of a daily total or a measurement), salted with the config's id: the
 * ledger keeps it, not the name. Strava, Garmin and Oura report no modification time for an edit, so
 * this is how it is seen.
 */
export function fingerprint(record: ActivityMetadata, salt: string): string {
  const what = [salt, record.name, record.type, isPrivate(record), Date.parse(record.startTime), Date.parse(record.endTime)];
  // A daily total or a measurement is its values (absent for workouts, whose digests stay as they were).
  if (record.values !== undefined) what.push(record.values);
  return createHash("sha256").update(what.join("\n")).digest("base64url").slice(0, 22);
}

/**
 * Whether the ledger's entry leaves nothing to do: the record is as it was handled (by its
 * fingerprint where kept, else by modification time), or it was deleted at the source.
 */
function nothingToDo(entry: LedgerEntry, record: ActivityMetadata, salt: string): boolean {
  if (entry.deleted) return true;
  if (entry.fingerprint !== undefined) return entry.fingerprint === fingerprint(record, salt);
  return Date.parse(entry.sourceUpdatedAt) >= Date.parse(record.updatedAt);
}

/** True when a copy of the record was written at the destination and is still meant to be there. */
export const hasCopy = (entry: LedgerEntry | undefined): entry is LedgerEntry & { destinationId: string } =>
  entry?.written === true && entry.destinationId !== undefined && entry.deleted !== true;

/** Whether the config's filters let the record through (name matches are case-insensitive). */
export function passesFilters(record: ActivityMetadata, filters: SyncConfig["filters"]): boolean {
  if (!filters) return true;
  if (filters.activityTypes && !filters.activityTypes.includes(record.type)) return false;
  const name = record.name.toLowerCase();
  if (filters.excludeNameContains?.some((part) => name.includes(part.toLowerCase()))) return false;
  const seconds = (Date.parse(record.endTime) - Date.parse(record.startTime)) / 1000;
  if (filters.minDurationSeconds !== undefined && seconds < filters.minDurationSeconds) return false;
  return true;
}

/**
 * Sorts the pair's records into what to do, oldest change first. Records the ledger holds at their
 * current version need nothing (unless resynced). Filters and privacy apply to records with no copy
 * at the destination; a copy that exists follows its source's edits (a record made private makes its
 * copy private, it is not left public).
 */
export function triage(input: TriageInput): Triage[] {
  const out: Triage[] = [];
  const ordered = [...input.records].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
  for (const record of ordered) {
    const entry = input.ledger.get(record.id);
    if (entry && nothingToDo(entry, record, input.salt) && !input.resync.has(record.id)) continue;
    if (hasCopy(entry)) {
      out.push({ kind: "edit", record, entry });
      continue;
    }
    if (!passesFilters(record, input.config.filters)) out.push({ kind: "skip", record, reason: "filtered" });
    else if (isPrivate(record) && !(input.config.syncPrivate && input.canKeepPrivate))
      out.push({ kind: "skip", record, reason: "private" });
    else out.push({ kind: "new", record });
  }
  for (const sourceId of [...new Set(input.gone)].sort()) {
    const entry = input.ledger.get(sourceId);
    // A marked push cut short before its ledger write may have left a copy: it is looked for.
    if (hasCopy(entry) || (entry?.pushing && !entry.deleted)) out.push({ kind: "delete", sourceId, entry });
  }
  return out;
}

/**
 * The destination records to delete for a record deleted at its source: the copy the ledger names,
 * and where a marked push was cut short before its ledger write (`pushing`), the copy it may have
 * left, found by the pushed times (±1 s); never a record SyncWell wrote for another source record.
 */
export function copiesToDelete(
  entry: LedgerEntry,
  destination: readonly ActivityMetadata[],
  writtenForOthers: ReadonlySet<string>,
): string[] {
  const ids = hasCopy(entry) ? [entry.destinationId] : [];
  const { pushedStart, pushedEnd } = entry;
  if (!entry.pushing || !pushedStart || !pushedEnd) return ids;
  const near = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b)) < 1000;
  const left = destination.find(
    (d) => near(d.startTime, pushedStart) && near(d.endTime, pushedEnd) && !writtenForOthers.has(d.id) && !ids.includes(d.id),
  );
  return left ? [...ids, left.id] : ids;
}

/** The times a delete must look at the destination for: those of a marked push that may have left a copy. */
export function pushedSpan(entry: LedgerEntry): { startTime: string; endTime: string }[] {
  return entry.pushing && entry.pushedStart && entry.pushedEnd ? [{ startTime: entry.pushedStart, endTime: entry.pushedEnd }] : [];
}

/** How an edit reaches the destination's copy, or why it does not. */
export type EditDecision =
  /** `unapplied`: the fields the destination can neither update nor replace (kept as they were there). */
  | { kind: "update"; destinationId: string; fields: EditableField[]; unapplied?: EditableField[] }
  /** Delete the copy and write the record anew (a destination that can delete but not update these fields). */
  | { kind: "replace"; destinationId: string }
  /** Write the record as new (a resync whose copy is gone). */
  | { kind: "write" }
  | { kind: "skip"; reason: SyncReason; destinationId?: string | undefined };

export interface EditInput {
  sourceProvider: string;
  record: ActivityMetadata;
  entry: LedgerEntry & { destinationId?: string | undefined };
  /** The destination's records around the copy's old and new times. */
  destination: readonly ActivityMetadata[];
  strategy: ConflictStrategy;
  capabilities: DestinationCapabilities;
  /** Both partners report real modification times (so `updatedAt`s compare). */
  comparableModificationTimes: boolean;
  resync: boolean;
}

/** Fields in which the copy differs from the source record (times within a second are equal). */
export function changedFields(record: ActivityMetadata, copy: ActivityMetadata): EditableField[] {
  const fields: EditableField[] = [];
  if (copy.name !== record.name) fields.push("name");
  if (copy.type !== record.type) fields.push("type");
  // Only where the destination reports privacy: a copy whose privacy is unknown cannot be compared.
  if (copy.private !== undefined && copy.private !== isPrivate(record)) fields.push("private");
  const apart = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b)) >= 1000;
  if (apart(copy.startTime, record.startTime) || apart(copy.endTime, record.endTime)) fields.push("times");
  // A day's totals or a measurement, where both sides say them.
  if (copy.values !== undefined && record.values !== undefined && copy.values !== record.values) fields.push("values");
  return fields;
}

/**
 * Decides an edit (SPEC §15), the conflict strategies applying as to new records: `dest_wins` keeps
 * a copy the user changed at the destination after SyncWell wrote it, `newest_wins` keeps a copy
 * newer than the source's edit (both only where modification times are real). A copy deleted at the
 * destination is never uploaded again, except by a resync.
 */
export function decideEdit(input: EditInput): EditDecision {
  const { record, entry, capabilities } = input;
  const ownExternalId = externalIdFor(input.sourceProvider, record.id);
  const copy = input.destination.find((d) => d.id === entry.destinationId || d.externalId === ownExternalId);
  // Gone because an edit's replacement was cut short (its upload failed), or resynced: written again.
  if (!copy) return input.resync || entry.replacing ? { kind: "write" } : { kind: "skip", reason: "deleted_at_destination" };
  const fields = changedFields(record, copy);
  if (fields.length === 0) return { kind: "skip", reason: "already_at_destination", destinationId: copy.id };
  if (input.comparableModificationTimes && !input.resync) {
    const copyChanged = Date.parse(copy.updatedAt);
    if (input.strategy === "dest_wins" && entry.writtenAt && copyChanged > Date.parse(entry.writtenAt))
      return { kind: "skip", reason: "conflict_kept_destination", destinationId: copy.id };
    if (input.strategy === "newest_wins" && copyChanged > Date.parse(record.updatedAt))
      return { kind: "skip", reason: "older_than_destination", destinationId: copy.id };
  }
  if (fields.every((f) => capabilities.updatable.includes(f))) return { kind: "update", destinationId: copy.id, fields };
  if (capabilities.canDelete) {
    // A replacement is a new upload: a private record goes up only where it can be kept private.
    if (isPrivate(record) && !capabilities.updatable.includes("private"))
      return { kind: "skip", reason: "private", destinationId: copy.id };
    return { kind: "replace", destinationId: copy.id };
  }
  // What it can update is updated (a rename reaches Strava even when the times changed too).
  const updatable = fields.filter((f) => capabilities.updatable.includes(f));
  const unapplied = fields.filter((f) => !capabilities.updatable.includes(f));
  if (updatable.length > 0) return { kind: "update", destinationId: copy.id, fields: updatable, unapplied };
  return { kind: "skip", reason: "destination_cannot_update", destinationId: copy.id };
}
