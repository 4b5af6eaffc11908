import { conflicts, identical, newer } from "./overlap.ts";
import type { ConfigSpec, CreatedRecord, Destination, Observation } from "./types.ts";

/** Whether a destination can replace (delete) a record SyncWell did not write: Strava cannot delete for apps. */
export const CAN_REPLACE: Record<Destination, boolean> = { strava: false, garmin: true };

/** What a config must do with one source record at its destination. */
export type Outcome = "must" | "must_not" | "either";

export interface Expectation {
  config: ConfigSpec;
  record: CreatedRecord;
  outcome: Outcome;
  why: string;
}

/**
 * Eligibility, per config and per workout the user recorded at the config's source (SPEC §4
 * step 7, §14). A destination record *pre-exists* a source record when it was created before it
 * (initial data all pre-exists); records overlapping by more than the threshold conflict.
 *
 * - No conflicting pre-existing destination record: the record is written (exactly once).
 * - `source_wins`: always written (it may replace what it conflicts with).
 * - `dest_wins`: not written when it conflicts with a pre-existing destination record.
 * - `newest_wins`: not written when a conflicting pre-existing record is newer, written when it
 *   is newer than all of them; `either` when which is newer is ambiguous (see {@link newer}).
 *
 * A record identical to another at its own source (same start, end and type) is `either`: the
 * destinations refuse an identical upload as a duplicate, so both may be one copy there.
 *
 * A destination that cannot delete (Strava, SPEC §14) cannot replace: there, a record that would
 * replace a conflicting one (`source_wins`, or the newer one under `newest_wins`) is `either`:
 * written beside it or kept out are both defensible (the engine keeps it out, as the sync log's
 * `conflict_kept_destination`); which one is the product's call.
 *
 * Outside `source_wins`, the answer is `either` when the engine could not have known it: a
 * conflicting destination record created after the source record (a race with the sync), or a
 * conflicting record at the same source (whether SyncWell's own earlier copy counts as
 * "the destination's" is not specified). A source record that is gone from its partner at the end
 * (replaced by another config) is `either` too; the deletion check judges that removal.
 */
export function expectations(o: Observation, presentAtSource: (r: CreatedRecord) => boolean): Expectation[] {
  const out: Expectation[] = [];
  const t = o.thresholdSeconds;
  for (const config of o.configs) {
    const atDestination = o.created.filter((c) => c.provider === config.destination);
    const atSource = o.created.filter((c) => c.provider === config.source);
    for (const record of atSource) {
      const expect = (outcome: Outcome, why: string) => out.push({ config, record, outcome, why });
      if (!presentAtSource(record)) {
        expect("either", "removed from its source during the scenario");
        continue;
      }
      // The destinations refuse an identical upload as a duplicate (SPEC §14): two identical
      // records at one source may share one copy there.
      if (atSource.some((s) => s !== record && identical(record, s))) {
        expect("either", "identical to another record at its source: the destination keeps one copy");
        continue;
      }
      const conflicting = atDestination.filter((d) => conflicts(record, d, t));
      const pre = conflicting.filter((d) => d.seq <= record.seq);
      const late = conflicting.filter((d) => !pre.includes(d));
      const names = (rs: readonly CreatedRecord[]) => rs.map((r) => r.key).join(", ");
      if (conflicting.some((d) => d.deleted)) {
        // The user deleted it during the scenario: whether it was still there when the record synced is a race.
        expect("either", `conflicts with ${names(conflicting.filter((d) => d.deleted))}, which the user deleted`);
        continue;
      }
      const unknowable = late.length > 0 || atSource.some((s) => s !== record && conflicts(record, s, t));
      const cannotReplace = !CAN_REPLACE[config.destination] && conflicting.length > 0;
      if (config.strategy === "source_wins") {
        if (cannotReplace) expect("either", `source_wins over ${names(conflicting)}, which ${config.destination} cannot replace`);
        else expect("must", pre.length > 0 ? `source_wins over ${names(pre)}` : "no conflict");
        continue;
      }
      if (config.strategy === "dest_wins" && pre.length > 0) {
        expect("must_not", `dest_wins: conflicts with ${names(pre)}`);
        continue;
      }
      if (config.strategy === "newest_wins" && record.edited && pre.length > 0) {
        // The edit made it newer than it was when it was first judged: either answer is defensible.
        expect("either", `newest_wins: edited after it was judged against ${names(pre)}`);
        continue;
      }
      if (config.strategy === "newest_wins") {
        const newerThere = pre.filter((d) => newer(record, d) === "b");
        if (newerThere.length > 0) {
          expect("must_not", `newest_wins: ${names(newerThere)} is newer`);
          continue;
        }
        const unclear = pre.filter((d) => newer(record, d) === "ambiguous");
        if (unclear.length > 0) {
          expect("either", `newest_wins: ambiguous against ${names(unclear)}`);
          continue;
        }
      }
      if (cannotReplace && pre.length > 0)
        expect("either", `newest_wins: newer than ${names(pre)}, which ${config.destination} cannot replace`);
      else if (unknowable) expect("either", `${config.strategy}: conflicts with a later destination record or another source record`);
      else expect("must", pre.length > 0 ? `newest_wins: newer than ${names(pre)}` : "no conflict");
    }
  }
  return out;
}
