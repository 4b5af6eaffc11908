import {
  type ActivityMetadata,
  type ChangeResult,
  type ErrorCategory,
  type LedgerEntry,
  PushIncompleteError,
  type PushResult,
  type RecordChange,
  type SyncLogBatch,
  type SyncLogEntry,
  type SyncReason,
} from "@syncwell/core";
import { fingerprint, type Triage } from "./triage.ts";

/** One record to push: new, or an edit written anew (replacing its copy where `replacesId` is set). */
export interface Push {
  record: ActivityMetadata;
  replacesId?: string | undefined;
  onConflict: "replace" | "report";
  why: "new" | "changed_at_source";
}

/** One change to a copy at the destination, with the ledger entry it belongs to. */
export interface Change {
  change: RecordChange;
  sourceId: string;
  entry: LedgerEntry;
  /** Fields of an update the destination cannot change: the copy keeps them, and the log says so. */
  unapplied?: readonly string[] | undefined;
}

type LogLine = Omit<SyncLogEntry, "jobId" | "at">;

/** A source version older than any: what the ledger holds of a record that was never synced. */
const NEVER = new Date(0).toISOString();

/**
 * What a pair's job decided and did, as ledger entries (so a retry does not redo it) and sync-log
 * lines (so the user can see why, SPEC §15): ids, outcomes, reasons and times only.
 */
export class Bookkeeping {
  readonly entries: LedgerEntry[] = [];
  readonly #lines: LogLine[] = [];
  readonly #logged = new Set<string>();
  /** Records marked before their push (see {@link intents}). */
  readonly #intended = new Set<string>();

  constructor(
    private readonly jobId: string,
    private readonly at: string,
    /** What the ledger already held of the pair's records. */
    private readonly known: ReadonlyMap<string, LedgerEntry>,
    /** The fingerprints' salt (the config's id). */
    private readonly salt: string,
  ) {}

  #fingerprint(record: ActivityMetadata): string {
    return fingerprint(record, this.salt);
  }

  /**
   * A record that failed before the ledger knew it is remembered as never synced (an entry older than
   * any version), so it stays pending and a resync of it finds it is the user's.
   */
  #failed(
    sourceId: string,
    reason: SyncReason,
    destinationId?: string,
    push: { landed: ActivityMetadata } | "refused" | "none" = "none",
  ): void {
    const known = this.known.get(sourceId);
    if (this.#intended.has(sourceId)) {
      // Marked before a push that never landed (a rate limit, a refusal): the mark goes again.
      if (push === "refused") this.entries.push(known ?? { sourceId, sourceUpdatedAt: NEVER });
    } else if (typeof push === "object") {
      // A push that failed after it may have landed (an upload still processing): marked now, so the
      // retry takes the duplicate it meets for SyncWell's copy.
      this.entries.push(pushingMark(known ?? { sourceId, sourceUpdatedAt: NEVER }, push.landed));
    } else if (!known && !this.entries.some((e) => e.sourceId === sourceId)) this.entries.push({ sourceId, sourceUpdatedAt: NEVER });
    this.#line({ sourceId, destinationId, outcome: "failed", reason });
  }

  get hasAny(): boolean {
    return this.entries.length > 0 || this.#lines.length > 0;
  }

  log(): SyncLogBatch {
    return { jobId: this.jobId, at: this.at, entries: this.#lines };
  }

  #line(line: LogLine): void {
    this.#lines.push(line);
    this.#logged.add(line.sourceId);
  }

  /**
   * A record decided without a write; an edit's skip keeps what the ledger knew of its copy. The
   * ledger names a destination record only where it is this record there (already there; `ours`:
   * SyncWell's own copy); a record kept in a conflict is the user's, named in the log only.
   */
  skip(
    record: ActivityMetadata,
    reason: SyncReason,
    at: { destinationId?: string; entry?: LedgerEntry; ours?: boolean; copy?: ActivityMetadata } = {},
  ): void {
    const there = reason === "already_at_destination" ? at.destinationId : undefined;
    // SyncWell's copy found at the destination (after a cut-short run) shows the record as it was
    // written, which an edit since may have changed: its own fingerprint makes the next job compare.
    const copy = at.ours && there ? at.copy : undefined;
    const as = copy ? { ...copy, private: copy.private ?? record.private } : record;
    this.entries.push({
      ...at.entry,
      sourceId: record.id,
      sourceUpdatedAt: record.updatedAt,
      fingerprint: this.#fingerprint(as),
      destinationId: at.entry?.destinationId ?? there,
      ...(at.ours && there ? { written: true, writtenAt: this.at, startTime: as.startTime, endTime: as.endTime } : {}),
    });
    this.#line({ sourceId: record.id, destinationId: at.destinationId, outcome: "skipped", reason });
  }

  /**
   * What to save before pushing: an edit about to replace its copy (delete, then upload) is marked
   * `replacing`, so a cut-short replacement is written again; where the destination drops external
   * ids, every record is marked `pushing`, so a retry that finds the same activity there knows it is
   * SyncWell's copy, not the user's.
   */
  intents(pushes: readonly Push[], markPushes: boolean): LedgerEntry[] {
    return pushes.flatMap((p): LedgerEntry[] => {
      const known = this.known.get(p.record.id);
      const replacing = p.replacesId !== undefined && p.why === "changed_at_source" && known !== undefined;
      if (!replacing && !markPushes) return [];
      this.#intended.add(p.record.id);
      return [
        markPushes
          ? pushingMark(known ?? { sourceId: p.record.id, sourceUpdatedAt: NEVER }, p.record, replacing)
          : { ...(known as LedgerEntry), replacing: true },
      ];
    });
  }

  /** A record named for a resync that the source cannot read by id (outside its listing): said, not silently dropped. */
  unread(sourceId: string): void {
    this.#failed(sourceId, "permanent");
  }

  /** A record deleted at the source whose copy the destination cannot delete: remembered, never asked again. */
  keepDeleted(sourceId: string, entry: LedgerEntry): void {
    this.entries.push({ ...entry, deleted: true });
    this.#line({ sourceId, destinationId: entry.destinationId, outcome: "skipped", reason: "destination_cannot_delete" });
  }

  /** A record deleted at its source whose cut-short push left no copy: nothing to delete, never asked again. */
  forget(sourceId: string, entry: LedgerEntry): void {
    const { pushing: _, pushedStart: __, pushedEnd: ___, ...rest } = entry;
    this.entries.push({ ...rest, sourceId, deleted: true });
  }

  #written(push: Push, destinationId: string | undefined): void {
    const { record } = push;
    this.entries.push({
      sourceId: record.id,
      sourceUpdatedAt: record.updatedAt,
      destinationId,
      written: true,
      startTime: record.startTime,
      endTime: record.endTime,
      writtenAt: this.at,
      fingerprint: this.#fingerprint(record),
    });
    this.#line({ sourceId: record.id, destinationId, outcome: push.why === "new" ? "written" : "updated", reason: push.why });
  }

  pushed(pushes: readonly Push[], results: readonly PushResult[]): void {
    results.forEach((r, i) => {
      const push = pushes[i];
      if (!push) return;
      const { record } = push;
      if (r.status === "written") {
        this.#written(push, r.destinationId);
      } else if (r.status === "duplicate" && this.known.get(record.id)?.pushing) {
        // The copy an earlier push of this record left before its ledger write was cut short.
        this.#written(push, r.destinationId);
      } else if (r.status === "duplicate") {
        // Only a record this push created is SyncWell's: a duplicate may be the user's own (an
        // identical workout already there), which must still sync onwards from that partner.
        this.entries.push({
          sourceId: record.id,
          sourceUpdatedAt: record.updatedAt,
          destinationId: r.destinationId,
          written: false,
          fingerprint: this.#fingerprint(record),
        });
        this.#line({ sourceId: record.id, destinationId: r.destinationId, outcome: "skipped", reason: "already_at_destination" });
      } else {
        // A refusal or a rate limit never landed; a failure may have (an upload still processing).
        this.#failed(record.id, failureReason(r), undefined, r.status === "failed" && r.mayHaveLanded ? { landed: record } : "refused");
      }
    });
  }

  changed(changes: readonly Change[], results: readonly ChangeResult[]): void {
    // A record with two copies to delete (a cut-short push left one) is deleted when both are.
    const unfinished = new Set(results.flatMap((r, i) => (r.status === "deferred" || r.status === "failed" ? [changes[i]?.sourceId] : [])));
    results.forEach((r, i) => {
      const c = changes[i];
      if (!c) return;
      const { sourceId, entry, change } = c;
      if (r.status === "deferred" || r.status === "failed") {
        this.#failed(sourceId, failureReason(r), change.destinationId);
      } else if (change.kind === "delete") {
        if (!unfinished.has(sourceId)) this.entries.push({ ...entry, deleted: true });
        this.#line({ sourceId, destinationId: change.destinationId, outcome: "deleted", reason: "deleted_at_source" });
      } else if (r.status === "gone") {
        this.entries.push({ ...entry, sourceUpdatedAt: change.record.updatedAt, fingerprint: this.#fingerprint(change.record) });
        this.#line({ sourceId, destinationId: change.destinationId, outcome: "skipped", reason: "deleted_at_destination" });
      } else {
        const { record } = change;
        this.entries.push({
          ...entry,
          sourceUpdatedAt: record.updatedAt,
          startTime: record.startTime,
          endTime: record.endTime,
          writtenAt: this.at,
          fingerprint: this.#fingerprint(record),
        });
        this.#line({ sourceId, destinationId: change.destinationId, outcome: "updated", reason: "changed_at_source" });
        if (c.unapplied && c.unapplied.length > 0)
          this.#line({ sourceId, destinationId: change.destinationId, outcome: "skipped", reason: "destination_cannot_update" });
      }
    });
  }

  /**
   * After a failure part-way, every candidate not yet decided is logged as failed with its category.
   * `partnerAnswered`: the partner answered the call that failed (a refusal, an expired token), so
   * no push that was about to start landed and the marks saved before them are taken back.
   */
  failRest(candidates: readonly Triage[], category: ErrorCategory, partnerAnswered = false): void {
    const reason: SyncReason = category === "invalid_message" ? "unknown" : category;
    for (const c of candidates) {
      const sourceId = c.kind === "delete" ? c.sourceId : c.record.id;
      if (!this.#logged.has(sourceId)) this.#failed(sourceId, reason, undefined, partnerAnswered ? "refused" : "none");
    }
  }
}

function failureReason(r: { status: string; retryable?: boolean }): SyncReason {
  if (r.status === "deferred") return "rate_limited";
  return r.status === "failed" && !r.retryable ? "permanent" : "transient";
}

/**
 * Step 10: any record not written (or change not made) fails the job, with the category of what
 * stopped it: a rate limit waits (the rest comes back `deferred`), a refusal is permanent.
 */
export function judge(provider: string, expected: number, results: ReadonlyArray<PushResult | ChangeResult>): void {
  const deferred = results.flatMap((r) => (r.status === "deferred" ? [r] : []));
  if (deferred.length > 0) {
    const wait = Math.max(0, ...deferred.map((r) => r.retryAfterSeconds ?? 0)) || undefined;
    throw new PushIncompleteError(`${deferred.length} of ${expected} records wait for ${provider}'s rate limit`, "rate_limited", wait);
  }
  const failed = results.filter((r) => r.status === "failed" || r.status === "conflict");
  if (failed.length > 0 || results.length < expected) {
    const retryable = failed.every((r) => r.status === "conflict" || (r.status === "failed" && r.retryable));
    const first = failed[0];
    throw new PushIncompleteError(
      `${failed.length} of ${expected} records not written to ${provider}${first && "message" in first ? `: ${first.message}` : ""}`,
      retryable ? "transient" : "permanent",
    );
  }
}

/** The times a copy was written with (an edit that moved them still finds it), where the ledger has them. */
/**
 * The mark saved before a push to a destination that keeps no external id (`pushing`, with the
 * pushed record's times): a retry that meets the same activity there takes it for SyncWell's copy,
 * and a record deleted at its source before the ledger write finds and deletes the copy by them.
 */
function pushingMark(entry: LedgerEntry, record: ActivityMetadata, replacing = false): LedgerEntry {
  return { ...entry, ...(replacing ? { replacing: true } : {}), pushing: true, pushedStart: record.startTime, pushedEnd: record.endTime };
}

export function writtenSpan(entry: LedgerEntry): { startTime: string; endTime: string }[] {
  return entry.startTime && entry.endTime ? [{ startTime: entry.startTime, endTime: entry.endTime }] : [];
}
