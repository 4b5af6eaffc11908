import {
  type ActivityMetadata,
  CONFLICT_RULES,
  type ConflictRule,
  type ConflictStrategy,
  externalIdFor,
  writtenBySyncWell,
} from "@syncwell/core";

/** One source record to write, and what it replaces at the destination. */
export interface WritePlan {
  sourceId: string;
  replacesId?: string | undefined;
  /** When the destination reports an overlap the plan did not know of: replace it (source wins) or report a conflict. */
  onConflict: "replace" | "report";
}

export interface SkippedRecord {
  sourceId: string;
  /** The destination record is SyncWell's own copy of this record (found by its external id or the ledger). */
  ours?: boolean;
  reason: "conflict_kept_destination" | "older_than_destination" | "already_at_destination";
  destinationId: string;
}

export interface ConflictResolution {
  writes: WritePlan[];
  skipped: SkippedRecord[];
}

export interface ConflictInput {
  sourceProvider: string;
  source: readonly ActivityMetadata[];
  /** The destination's records in the span; undefined when the fetch was skipped. */
  destination: readonly ActivityMetadata[] | undefined;
  strategy: ConflictStrategy;
  /** Records conflict when their time ranges overlap by more than this. */
  overlapSeconds: number;
  /**
   * Whether both partners report real modification times, so `updatedAt`s compare (newest_wins);
   * else the end times do.
   * @defaultValue false
   */
  comparableModificationTimes?: boolean;
  /** Destination records SyncWell itself wrote (copies of source records): never a conflict. */
  writtenBySyncWell?: ReadonlySet<string>;
  /** The user's destination records that stand for a source record already (any config's, any job's): never replaced. */
  standIns?: ReadonlySet<string>;
  /** Where the config wrote source records before (source id → destination id), for partners that drop external ids. */
  ledger?: ReadonlyMap<string, { destinationId?: string | undefined; written?: boolean | undefined; pushing?: boolean | undefined }>;
  /**
   * Whether the destination can delete a record (a replacement needs it); where it cannot, a
   * record that would replace one is skipped instead of written next to it.
   * @defaultValue true
   */
  canReplace?: boolean;
  /** How the data type's records conflict and when two are the same record (SPEC §18). @defaultValue workouts' */
  rule?: ConflictRule;
}

/**
 * Decides, on metadata only, which source records to write (SPEC §4 step 7). Pure and
 * deterministic: the same input always gives the same plan, in source start-time order.
 * - source_wins: every record is written, replacing what it overlaps.
 * - dest_wins: a record that conflicts is skipped.
 * - newest_wins: the newer record is kept; a tie keeps the destination's. "Newer" compares
 *   modification times only when both partners report one; otherwise their `updatedAt` mean
 *   different things (Polar's upload time, Garmin's end time) and the end times are compared.
 * A destination record that is this source record's own earlier write is never a conflict: the
 * record is already there. Nor is the same activity the user already has there (same type, start
 * and end): under every strategy it is kept and the record counts as already there. Nor is any
 * other record SyncWell wrote there (by external id, or by its own marks where the partner drops
 * it): two source records never replace each other.
 */
export function resolveConflicts(input: ConflictInput): ConflictResolution {
  const writes: WritePlan[] = [];
  const skipped: SkippedRecord[] = [];
  const rule = input.rule ?? CONFLICT_RULES.workouts;
  const ordered = [...input.source].sort((a, b) => a.startTime.localeCompare(b.startTime) || a.id.localeCompare(b.id));
  // Destination records that stand for a source record (the same activity, or one the ledger holds as
  // already there) are that record: a winning record of the same job never replaces one.
  const standIns = new Set<string>(input.standIns);
  for (const d of input.destination ?? [])
    if (ordered.some((r) => rule.same(r, d)) || [...(input.ledger?.values() ?? [])].some((e) => e.destinationId === d.id))
      standIns.add(d.id);
  for (const record of ordered) {
    if (input.destination === undefined) {
      writes.push({ sourceId: record.id, onConflict: input.strategy === "source_wins" ? "replace" : "report" });
      continue;
    }
    const ownExternalId = externalIdFor(input.sourceProvider, record.id);
    const ownId = input.ledger?.get(record.id)?.destinationId;
    const own = input.destination.find((d) => d.externalId === ownExternalId || (ownId !== undefined && d.id === ownId));
    if (own) {
      // SyncWell's copy from an earlier run (e.g. one whose ledger write a crash cut short).
      const ours = own.externalId === ownExternalId || input.ledger?.get(record.id)?.written === true;
      skipped.push({ sourceId: record.id, reason: "already_at_destination", destinationId: own.id, ours });
      continue;
    }
    const users = input.destination.filter((d) => !writtenBySyncWell(d) && !input.writtenBySyncWell?.has(d.id));
    // The same activity already there (the watch uploaded it too): nothing to write, nothing to
    // replace. Where an earlier push of this record may have landed (`pushing`: cut short before its
    // ledger write) and the partner drops external ids, it is SyncWell's own copy.
    const twin = users.find((d) => rule.same(record, d));
    if (twin) {
      const ours = input.ledger?.get(record.id)?.pushing === true;
      skipped.push({ sourceId: record.id, reason: "already_at_destination", destinationId: twin.id, ...(ours ? { ours } : {}) });
      continue;
    }
    const conflicts = users
      .map((d) => ({ d, overlap: rule.overlapSeconds(record, d) }))
      .filter(({ overlap }) => overlap > input.overlapSeconds)
      .sort((a, b) => b.overlap - a.overlap || a.d.id.localeCompare(b.d.id))
      .map(({ d }) => d);
    const main = conflicts[0];
    if (!main) {
      writes.push({ sourceId: record.id, onConflict: input.strategy === "source_wins" ? "replace" : "report" });
      continue;
    }
    const canReplace = input.canReplace ?? true;
    // What a winning record may replace: never a record that stands for another source record.
    const replaceable = conflicts.find((d) => !standIns.has(d.id));
    if (input.strategy === "source_wins") {
      if (!canReplace) skipped.push({ sourceId: record.id, reason: "conflict_kept_destination", destinationId: main.id });
      else writes.push({ sourceId: record.id, replacesId: replaceable?.id, onConflict: replaceable ? "replace" : "report" });
    } else if (input.strategy === "dest_wins") {
      skipped.push({ sourceId: record.id, reason: "conflict_kept_destination", destinationId: main.id });
    } else {
      const when = (r: ActivityMetadata) => Date.parse(input.comparableModificationTimes ? r.updatedAt : r.endTime);
      const newestDestination = Math.max(...conflicts.map(when));
      if (when(record) > newestDestination && canReplace)
        writes.push({ sourceId: record.id, replacesId: replaceable?.id, onConflict: replaceable ? "replace" : "report" });
      else skipped.push({ sourceId: record.id, reason: "older_than_destination", destinationId: main.id });
    }
  }
  return { writes, skipped };
}
