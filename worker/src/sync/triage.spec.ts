import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ActivityMetadata, DestinationCapabilities, LedgerEntry } from "@syncwell/core";
import { changedFields, copiesToDelete, decideEdit, fingerprint, passesFilters, triage } from "./triage.ts";

const run = (over: Partial<ActivityMetadata> = {}): ActivityMetadata => ({
  id: "s1",
  startTime: "2026-11-20T06:00:00.000Z",
  endTime: "2026-11-20T06:45:00.000Z",
  type: "run",
  name: "Morning run",
  updatedAt: "2026-11-20T06:45:00.000Z",
  private: false,
  ...over,
});
const copyOf = (r: ActivityMetadata, over: Partial<ActivityMetadata> = {}): ActivityMetadata => ({ ...r, id: "d1", ...over });
const written = (r: ActivityMetadata, over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  sourceId: r.id,
  sourceUpdatedAt: r.updatedAt,
  destinationId: "d1",
  written: true,
  fingerprint: fingerprint(r, "cfg"),
  writtenAt: "2026-11-20T07:00:00.000Z",
  ...over,
});
const ALL: DestinationCapabilities = {
  reportsConflicts: false,
  canDelete: true,
  updatable: ["name", "type", "private", "times"],
  reportsModificationTime: true,
};
const base = { gone: [], config: {}, resync: new Set<string>(), canKeepPrivate: true, salt: "cfg" };

describe("filters", () => {
  it("let through what they name, case-insensitively, and nothing shorter than the minimum", () => {
    assert.ok(passesFilters(run(), undefined));
    assert.ok(passesFilters(run(), { activityTypes: ["run", "ride"] }));
    assert.ok(!passesFilters(run(), { activityTypes: ["ride"] }));
    assert.ok(!passesFilters(run({ name: "ZWIFT - Watopia" }), { excludeNameContains: ["zwift"] }));
    assert.ok(passesFilters(run(), { minDurationSeconds: 45 * 60 }));
    assert.ok(!passesFilters(run(), { minDurationSeconds: 45 * 60 + 1 }));
  });
});

describe("fingerprint", () => {
  it("changes with name, type, privacy and times, and with nothing else", () => {
    const f = fingerprint(run(), "cfg");
    assert.equal(fingerprint(run({ updatedAt: "2030-01-01T00:00:00.000Z", sourceRef: "x" }), "cfg"), f);
    assert.equal(fingerprint(run({ startTime: "2026-11-20T07:00:00+01:00" }), "cfg"), f, "the same instant in another zone");
    for (const over of [{ name: "x" }, { type: "ride" as const }, { private: true }, { endTime: "2026-11-20T06:46:00.000Z" }])
      assert.notEqual(fingerprint(run(over), "cfg"), f, JSON.stringify(over));
    assert.equal(fingerprint(run({ private: undefined }), "cfg"), fingerprint(run({ private: true }), "cfg"), "unknown privacy is private");
    assert.notEqual(fingerprint(run(), "another-config"), f, "salted per config: no guessing names from it");
  });
});

describe("triage", () => {
  it("sorts records into new, edit, delete and skip, and leaves the current ones alone", () => {
    const current = run({ id: "cur" });
    const edited = run({ id: "ed", name: "renamed" });
    const ledger = new Map([
      ["cur", written(current)],
      ["ed", written(run({ id: "ed" }))],
      ["del", written(run({ id: "del" }))],
    ]);
    const out = triage({
      ...base,
      records: [
        current,
        edited,
        run({ id: "new" }),
        run({ id: "priv", private: true }),
        run({ id: "short", endTime: "2026-11-20T06:01:00.000Z" }),
      ],
      gone: ["del", "never-synced"],
      ledger,
      config: { filters: { minDurationSeconds: 600 } },
    });
    assert.deepEqual(out.map((t) => `${t.kind}:${t.kind === "delete" ? t.sourceId : t.record.id}`).sort(), [
      "delete:del",
      "edit:ed",
      "new:new",
      "skip:priv",
      "skip:short",
    ]);
  });

  it("a private record is skipped unless syncPrivate and the destination can keep it private", () => {
    const r = run({ private: undefined });
    assert.equal(triage({ ...base, records: [r], ledger: new Map() })[0]?.kind, "skip");
    assert.equal(triage({ ...base, records: [r], ledger: new Map(), config: { syncPrivate: true } })[0]?.kind, "new");
    assert.equal(
      triage({ ...base, records: [r], ledger: new Map(), config: { syncPrivate: true }, canKeepPrivate: false })[0]?.kind,
      "skip",
    );
  });

  it("a resync brings back a current or deleted-at-destination record; a deleted source record stays deleted", () => {
    const r = run();
    assert.equal(triage({ ...base, records: [r], ledger: new Map([["s1", written(r)]]), resync: new Set(["s1"]) })[0]?.kind, "edit");
    assert.deepEqual(triage({ ...base, records: [], gone: ["s1"], ledger: new Map([["s1", written(r, { deleted: true })]]) }), []);
  });

  it("ledger entries without a fingerprint compare modification times", () => {
    const r = run();
    const old = written(r, { fingerprint: undefined });
    assert.deepEqual(triage({ ...base, records: [r], ledger: new Map([["s1", old]]) }), []);
    assert.equal(
      triage({ ...base, records: [run({ updatedAt: "2026-11-21T00:00:00.000Z" })], ledger: new Map([["s1", old]]) })[0]?.kind,
      "edit",
    );
  });
});

describe("decideEdit", () => {
  const edit = (record: ActivityMetadata, destination: ActivityMetadata[], over: Partial<Parameters<typeof decideEdit>[0]> = {}) =>
    decideEdit({
      sourceProvider: "strava",
      record,
      entry: written(run()),
      destination,
      strategy: "source_wins",
      capabilities: ALL,
      comparableModificationTimes: false,
      resync: false,
      ...over,
    });

  it("updates the fields that changed where the destination can, else replaces, else says it cannot", () => {
    const renamed = run({ name: "Tempo" });
    assert.deepEqual(edit(renamed, [copyOf(run())]), { kind: "update", destinationId: "d1", fields: ["name"] });
    assert.deepEqual(edit(renamed, [copyOf(run())], { capabilities: { ...ALL, updatable: [] } }), { kind: "replace", destinationId: "d1" });
    assert.deepEqual(edit(renamed, [copyOf(run())], { capabilities: { ...ALL, updatable: [], canDelete: false } }), {
      kind: "skip",
      reason: "destination_cannot_update",
      destinationId: "d1",
    });
  });

  it("a copy already like the source is left alone; a copy gone is not written again unless resynced", () => {
    assert.deepEqual(edit(run(), [copyOf(run())]), { kind: "skip", reason: "already_at_destination", destinationId: "d1" });
    assert.deepEqual(edit(run({ name: "x" }), []), { kind: "skip", reason: "deleted_at_destination" });
    assert.deepEqual(edit(run({ name: "x" }), [], { resync: true }), { kind: "write" });
  });

  it("a copy gone because an edit's replacement was cut short is written again", () => {
    assert.deepEqual(edit(run({ name: "x" }), [], { entry: written(run(), { replacing: true }) }), { kind: "write" });
  });

  it("a replacement (a new upload) of a private record needs a destination that keeps it private", () => {
    const caps = { ...ALL, updatable: [] };
    assert.equal(edit(run({ name: "x", private: true }), [copyOf(run())], { capabilities: caps }).kind, "skip");
    assert.equal(
      edit(run({ name: "x", private: true }), [copyOf(run())], { capabilities: { ...caps, updatable: ["private" as const] } }).kind,
      "replace",
    );
  });

  it("finds the copy by its external id where the ledger's destination id is stale", () => {
    const copy = copyOf(run(), { id: "d9", externalId: "syncwell-strava-s1" });
    assert.equal(edit(run({ name: "x" }), [copy]).kind, "update");
  });

  it("dest_wins keeps a copy changed after SyncWell wrote it; newest_wins keeps a copy newer than the edit", () => {
    const comparable = { comparableModificationTimes: true };
    const touched = copyOf(run(), { updatedAt: "2026-11-20T08:00:00.000Z" });
    const renamed = run({ name: "x", updatedAt: "2026-11-20T07:30:00.000Z" });
    assert.equal(edit(renamed, [touched], { ...comparable, strategy: "dest_wins" }).kind, "skip");
    assert.equal(edit(renamed, [touched], { ...comparable, strategy: "newest_wins" }).kind, "skip");
    assert.equal(
      edit(run({ name: "x", updatedAt: "2026-11-20T09:00:00.000Z" }), [touched], { ...comparable, strategy: "newest_wins" }).kind,
      "update",
    );
    assert.equal(
      edit(renamed, [touched], { strategy: "dest_wins" }).kind,
      "update",
      "without comparable times the edit is the newest thing known",
    );
  });

  it("compares privacy only where the copy reports it, and times to the second", () => {
    assert.deepEqual(changedFields(run({ private: true }), copyOf(run(), { private: undefined })), []);
    assert.deepEqual(changedFields(run({ private: true }), copyOf(run())), ["private"]);
    assert.deepEqual(changedFields(run(), copyOf(run(), { endTime: "2026-11-20T06:45:00.400Z" })), []);
  });
});

describe("copiesToDelete: what a record deleted at its source takes with it", () => {
  const record = run();
  const marked: LedgerEntry = {
    sourceId: record.id,
    sourceUpdatedAt: new Date(0).toISOString(),
    pushing: true,
    pushedStart: record.startTime,
    pushedEnd: record.endTime,
  };
  it("the copy the ledger names", () => {
    assert.deepEqual(copiesToDelete(written(record), [copyOf(record)], new Set()), ["d1"]);
  });
  it("a cut-short push: the record at the pushed times (±1 s), not one SyncWell wrote for another record, nor one at other times", () => {
    const landed = copyOf(record, { id: "d9", startTime: "2026-11-20T06:00:00.600Z" });
    const other = copyOf(record, { id: "d2", startTime: "2026-11-20T06:00:05.000Z" });
    assert.deepEqual(copiesToDelete(marked, [other, landed], new Set()), ["d9"]);
    assert.deepEqual(copiesToDelete(marked, [landed], new Set(["d9"])), []);
    assert.deepEqual(copiesToDelete(marked, [other], new Set()), []);
  });
  it("a replacement cut short: the old copy and the new one", () => {
    const entry = { ...written(record), ...marked, written: true, destinationId: "d1", replacing: true };
    assert.deepEqual(copiesToDelete(entry, [copyOf(record, { id: "d1", name: "old" }), copyOf(record, { id: "d7" })], new Set()), [
      "d1",
      "d7",
    ]);
  });
  it("triage sends a gone record with a mark to be looked for, and one already deleted nowhere", () => {
    const input = { records: [], gone: [record.id], config: {}, canKeepPrivate: true, resync: new Set<string>(), salt: "cfg" };
    assert.equal(triage({ ...input, ledger: new Map([[record.id, marked]]) })[0]?.kind, "delete");
    assert.deepEqual(triage({ ...input, ledger: new Map([[record.id, { ...marked, deleted: true }]]) }), []);
    assert.deepEqual(triage({ ...input, ledger: new Map() }), []);
  });
});
