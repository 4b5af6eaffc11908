import { check } from "../chaos/checker.ts";
import { expectations } from "./expectations.ts";
import { conflicts, identical, newer } from "./overlap.ts";
import { type AnyRecord, RecordIndex, writtenFrom } from "./provenance.ts";
import type { CreatedRecord, Observation, PartnerRecord, Provider, Violation } from "./types.ts";

/**
 * The generated-scenario test's oracle (pure): what a settled scenario must look like.
 *
 * 1. Every eligible source record is at every destination of each config exactly once
 *    ({@link expectations}); an identical record the user already had there counts as the one.
 * 2. No record the user created is deleted or changed, unless a record SyncWell wrote there
 *    conflicts with it (overlap > threshold) under `source_wins`, or under `newest_wins` from a
 *    source record that is not older.
 * 3. Nothing is echoed: no record reaches a partner it was copied from; no origin is held twice.
 * 4. Every copy keeps its source's start and end (±1 s).
 * 5. Edits and deletions at a source reach the copies where the source tells of them and the
 *    destination can apply them ({@link editViolations}); a workout the user deleted is not "deleted".
 * 6. Every job ended (succeeded, cancelled, dead-lettered with a reason); a retried request got
 *    one job; no watermark moved back (the chaos checker's rules).
 */
export function oracle(observed: Observation): Violation[] {
  const o = withLoggedCopies(observed);
  const index = new RecordIndex(o.final, o.created);
  const holding = (p: Provider) => o.final[p] ?? [];
  const present = (r: CreatedRecord) => holding(r.provider).some((x) => x.id === r.id);
  const violations: Violation[] = [];
  const add = (kind: Violation["kind"], detail: string) => violations.push({ kind, detail });
  // A config whose job ended in the DLQ (with its reason: the jobs check judges that) waits for
  // support's re-drive (SPEC §7): what that job would have synced may be missing until then.
  const awaitingRedrive = new Set(o.jobs.filter((j) => j.status === "dead_lettered" && j.configKey).map((j) => j.configKey));
  const origins = new Map<Provider, Map<string, PartnerRecord[]>>();
  for (const [provider, records] of Object.entries(o.final) as [Provider, readonly PartnerRecord[]][]) {
    const byOrigin = new Map<string, PartnerRecord[]>();
    origins.set(provider, byOrigin);
    for (const record of records) {
      const { path, origin } = index.provenance(provider, record);
      if (path.slice(1).includes(provider)) add("echo", `${provider} ${record.id} came back to ${provider} via ${path.join(" ← ")}`);
      byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), record]);
      const from = writtenFrom(record);
      if (!from && !o.created.some((c) => c.provider === provider && c.id === record.id))
        add("unexpected_write", `${provider} ${record.id} was created by nobody and carries no SyncWell external id`);
      const source = from && index.get(from.provider, from.id);
      const edit = from && o.created.find((c) => c.provider === from.provider && c.id === from.id);
      // A copy may keep the times its source had before an edit where the edit cannot reach it:
      // Strava cannot change times, Polar tells of no edit, a deletion ends the story.
      const before =
        edit?.edited?.retimed && (provider === "strava" || edit.provider === "polar" || edit.deleted) ? edit.edited : undefined;
      // …the times of any version it had: a copy written between two edits carries that version's.
      const earlier = before ? (before.pastSpans ?? [{ startTime: before.originalStart, endTime: before.originalEnd }]) : [];
      if (source && !sameTimes(source, record) && !earlier.some((span) => sameTimes(span, record)))
        add("time_shifted", `${provider} ${record.id} ${span(record)} is a copy of ${from.provider} ${from.id} ${span(source)}`);
    }
  }
  const reported = new Set<string>();
  for (const e of expectations(o, present)) {
    const { record, config } = e;
    const copies = origins.get(config.destination)?.get(`${record.provider}:${record.id}`) ?? [];
    // An identical record the user has there is the record (partners refuse an identical upload);
    // one created after the source record may or may not have been there when it synced.
    const twins = o.created.filter((d) => d.provider === config.destination && identical(d, record) && present(d));
    const preTwin = twins.some((d) => d.seq <= record.seq) ? 1 : 0;
    const lateTwin = twins.some((d) => d.seq > record.seq);
    const what = `${record.key} (${record.provider} ${record.id}) at ${config.destination} [${config.key} ${config.source}→${config.destination}, ${e.why}]`;
    const held = copies.length + preTwin;
    if (held > 1) reported.add(`${config.destination}:${record.provider}:${record.id}`);
    if (e.outcome === "must" && held === 0 && !lateTwin && !awaitingRedrive.has(config.key)) add("missing", what);
    else if (e.outcome !== "must_not" && held > 1)
      add("duplicate", `${what}: ${copies.length} copies${preTwin ? " + the identical one" : ""}`);
    else if (e.outcome === "must_not" && copies.length > 0) add("unexpected_write", `${what}: written`);
  }
  for (const [provider, byOrigin] of origins)
    for (const [origin, records] of byOrigin)
      if (records.length > 1 && !reported.has(`${provider}:${origin}`))
        add("duplicate", `${origin} is held ${records.length} times at ${provider} (${records.map((r) => r.id).join(", ")})`);
  for (const n of o.created) {
    if (n.deleted) continue; // the user deleted it
    const now = holding(n.provider).find((x) => x.id === n.id);
    if (now && sameContent(n, now)) continue;
    if (replacementAllowed(o, index, n)) continue;
    if (now) add("replaced", `${n.key} (${n.provider} ${n.id}) changed: ${span(n)} ${n.name} → ${span(now)} ${now.name}`);
    else add("deleted", `${n.key} (${n.provider} ${n.id}) ${span(n)} is gone`);
  }
  violations.push(...editViolations(o, awaitingRedrive));
  violations.push(...jobViolations(o));
  return violations;
}

/**
 * A record SyncWell wrote without an external id (Strava takes a manual activity, one without
 * samples, with no external id) is still its copy: the config's sync log names it as the
 * destination of a written source record. Such a record gets the external id it would have had,
 * so every check sees it as the copy it is. A record the user created is never re-labelled.
 */
function withLoggedCopies(o: Observation): Observation {
  if (!o.written?.length) return o;
  const final: Partial<Record<Provider, PartnerRecord[]>> = {};
  for (const [provider, records] of Object.entries(o.final) as [Provider, readonly PartnerRecord[]][])
    final[provider] = records.map((r) => {
      if (r.externalId || o.created.some((c) => c.provider === provider && c.id === r.id)) return r;
      const item = o.written?.find(
        (w) => w.destinationId === r.id && o.configs.some((c) => c.key === w.config && c.destination === provider),
      );
      const config = item && o.configs.find((c) => c.key === item.config);
      return item && config ? { ...r, externalId: `syncwell-${config.source}-${item.sourceId}` } : r;
    });
  return { ...o, final };
}

/** Sources that tell SyncWell of an edit (Strava and Oura `update`, a Garmin ping); Polar does not. */
const TELLS_EDITS: readonly Provider[] = ["strava", "oura", "garmin"];
/** Sources that tell SyncWell of a deletion (Strava and Oura `delete`); Polar and Garmin do not. */
const TELLS_DELETES: readonly Provider[] = ["strava", "oura"];
/** Destinations that can delete a copy (Strava cannot delete for apps). */
const CAN_DELETE: readonly Provider[] = ["garmin"];

/**
 * SPEC §15, for the workouts the user edited or deleted at a source after they were recorded:
 * every copy SyncWell wrote of a renamed workout ends with the new name (where the source tells of
 * edits; the copy's times are judged with every copy's); a workout deleted at a source that tells
 * of deletions leaves no copy where the destination can delete (a copy at Strava may stay). Records
 * that are not SyncWell's copy of it are judged by the deletion check: nothing else goes.
 */
function editViolations(o: Observation, awaitingRedrive: ReadonlySet<string | undefined>): Violation[] {
  const out: Violation[] = [];
  for (const n of o.created) {
    if (!n.deleted && !n.edited?.renamed) continue;
    for (const [holder, records] of Object.entries(o.final) as [Provider, readonly PartnerRecord[]][]) {
      const config = o.configs.find((c) => c.source === n.provider && c.destination === holder && !awaitingRedrive.has(c.key));
      if (!config) continue;
      const what = `${n.key} (${n.provider} ${n.id})`;
      for (const copy of records) {
        const from = writtenFrom(copy);
        if (from?.provider !== n.provider || from.id !== n.id) continue;
        if (n.deleted && TELLS_DELETES.includes(n.provider) && CAN_DELETE.includes(holder))
          out.push({
            kind: "copy_not_deleted",
            detail: `${what} was deleted at ${n.provider}; its copy ${holder} ${copy.id} is still there`,
          });
        else if (!n.deleted && TELLS_EDITS.includes(n.provider) && copy.name !== n.name)
          out.push({
            kind: "edit_not_applied",
            detail: `${what} was renamed "${n.name}"; its copy ${holder} ${copy.id} is still "${copy.name}"`,
          });
      }
    }
  }
  return out;
}

/** A record SyncWell wrote at the native's partner conflicts with it, under a strategy that lets it replace it. */
function replacementAllowed(o: Observation, index: RecordIndex, n: CreatedRecord): boolean {
  const allows = (source: CreatedRecord | AnyRecord | undefined, from: Provider) =>
    o.configs.some(
      (c) =>
        c.source === from &&
        c.destination === n.provider &&
        (c.strategy === "source_wins" || (c.strategy === "newest_wins" && (!source || newer(source, n) !== "b"))),
    );
  // A copy that replaced it may be gone since: its source was deleted and told SyncWell so.
  if (
    o.created.some((d) => d.deleted && TELLS_DELETES.includes(d.provider) && conflicts(d, n, o.thresholdSeconds) && allows(d, d.provider))
  )
    return true;
  return (o.final[n.provider] ?? []).some((x) => {
    const from = writtenFrom(x);
    if (!from || !conflicts(x, n, o.thresholdSeconds)) return false;
    const source = index.get(from.provider, from.id);
    return o.configs.some(
      (c) =>
        c.source === from.provider &&
        c.destination === n.provider &&
        (c.strategy === "source_wins" || (c.strategy === "newest_wins" && (!source || newer(source, n) !== "b"))),
    );
  });
}

function jobViolations(o: Observation): Violation[] {
  const out: Violation[] = [];
  const report = check(
    {
      requests: o.jobs.map((j) => ({ key: j.jobId, jobIds: [j.jobId] })),
      jobs: new Map(o.jobs.map((j) => [j.jobId, { status: j.status, errorCategory: j.errorCategory }])),
      users: [],
      dlq: [],
      lastSyncTimes: new Map(Object.entries(o.watermarks)),
      leftoverMessages: 0,
    },
    (id) => id,
  );
  const jobs = (pick: (s: string, c?: string) => boolean) =>
    o.jobs
      .filter((j) => pick(j.status, j.errorCategory))
      .map(
        (j) =>
          `${j.jobId.slice(0, 8)} (${j.trigger}${j.configKey ? ` ${j.configKey}` : ""}: ${j.status}, ${j.attempts ?? "?"} attempts${j.errorMessage ? `, ${j.errorMessage}` : ""})`,
      )
      .join("; ");
  if (report.jobsLost > 0)
    out.push({
      kind: "job_unfinished",
      detail: `${report.jobsLost} not ended within ${o.boundSeconds} s: ${jobs((s) => !["succeeded", "dead_lettered", "cancelled"].includes(s))}`,
    });
  if (report.deadLetteredWithoutReason > 0) out.push({ kind: "job_without_reason", detail: jobs((s, c) => s === "dead_lettered" && !c) });
  for (const r of o.requests) {
    if (new Set(r.jobIds).size > 1)
      out.push({ kind: "idempotency", detail: `request ${r.key} got jobs ${[...new Set(r.jobIds)].join(", ")}` });
    if (r.failures.length > 0) out.push({ kind: "idempotency", detail: `request ${r.key} failed: ${r.failures.join("; ")}` });
  }
  if (report.lastSyncTimeRegressions > 0)
    for (const [key, samples] of Object.entries(o.watermarks)) {
      let highest = "";
      for (const sample of samples) {
        if (sample !== undefined && sample < highest) out.push({ kind: "watermark_regression", detail: `${key}: ${highest} → ${sample}` });
        else if (sample !== undefined) highest = sample;
      }
    }
  return out;
}

const span = (r: { startTime: string; endTime: string }) => `${r.startTime.slice(5, 19)}–${r.endTime.slice(11, 19)}`;

function sameTimes(a: Pick<AnyRecord, "startTime" | "endTime">, b: Pick<AnyRecord, "startTime" | "endTime">): boolean {
  return (
    Math.abs(Date.parse(a.startTime) - Date.parse(b.startTime)) <= 1000 && Math.abs(Date.parse(a.endTime) - Date.parse(b.endTime)) <= 1000
  );
}

function sameContent(created: CreatedRecord, now: PartnerRecord): boolean {
  return sameTimes(created, now) && created.type === now.type && created.name === now.name && !now.externalId;
}
