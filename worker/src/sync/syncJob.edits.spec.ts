import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DestinationCapabilities, InMemoryPartner, PartnerError, type Provider } from "@syncwell/core";
import { GARMIN, HotPath, STRAVA } from "./testkit.ts";

/** A user with a Strava source (webhooks name records) and `destination` fakes, all on the test's clock. */
function setup(destination: Provider, caps: DestinationCapabilities, source: DestinationCapabilities = STRAVA) {
  const hot = new HotPath();
  const now = () => hot.clock;
  const from = hot.connect(new InMemoryPartner(destination === "strava" ? "oura" : "strava", source, { now }));
  const to = hot.connect(new InMemoryPartner(destination, caps, { now }));
  return { hot, from, to };
}

const log = (hot: HotPath, configId: string) => (hot.store.syncLog.get(configId) ?? []).map((e) => `${e.outcome}/${e.reason}`);

describe("edits at the source follow the copy (SPEC §15)", () => {
  it("a renamed activity updates its copy where the destination can update that field", async () => {
    const { hot, from, to } = setup("strava", STRAVA, GARMIN);
    const cfg = hot.config(from.provider, "strava");
    const record = from.add(hot.workout(0, 45, "Morning run"));
    await hot.run(cfg);
    hot.clock += 60_000;
    from.edit(record.id, { name: "Tempo run" });
    assert.deepEqual(await hot.run(cfg), { kind: "succeeded", recordsWritten: 1 });
    assert.deepEqual(
      to.records.map((r) => r.name),
      ["Tempo run"],
    );
    assert.equal(to.calls.update, 1);
    assert.equal(to.calls.create, 1, "updated in place, not uploaded again");
    assert.deepEqual(log(hot, cfg.syncConfigId), ["written/new", "updated/changed_at_source"]);
  });

  it("an edit is seen by its fingerprint where the partner reports no modification time (Strava, Garmin, Oura)", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin");
    const record = from.add(hot.workout(0, 45, "Morning run"));
    await hot.run(cfg);
    const { updatedAt } = record;
    Object.assign(from.edit(record.id, { name: "Tempo run" }), { updatedAt });
    await hot.run(cfg, { trigger: "webhook", recordIds: [record.id] });
    assert.deepEqual(
      to.records.map((r) => r.name),
      ["Tempo run"],
    );
    const lines = log(hot, cfg.syncConfigId).length;
    const fetches = to.calls.list_overlapping;
    await hot.run(cfg, { trigger: "webhook", recordIds: [record.id] });
    assert.equal(log(hot, cfg.syncConfigId).length, lines, "a repeated event that changes nothing leaves no trace");
    assert.equal(to.calls.list_overlapping, fetches, "and costs no destination read");
    assert.equal(to.records.length, 1);
  });

  it("an edit of fields the destination cannot update replaces the copy where it can delete (Garmin)", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    hot.clock += 60_000;
    from.edit(record.id, { endTime: hot.at(50), type: "ride" });
    await hot.run(cfg);
    assert.deepEqual(
      to.records.map((r) => [r.type, r.endTime]),
      [["ride", hot.at(50)]],
      "one copy, with the new times",
    );
    // The replacement is SyncWell's own record: a later edit finds and replaces it again, never a third copy.
    hot.clock += 60_000;
    from.edit(record.id, { name: "Long ride" });
    await hot.run(cfg);
    assert.deepEqual(
      to.records.map((r) => r.name),
      ["Long ride"],
    );
  });

  it("an edit Strava can neither update nor replace (new times) is logged destination_cannot_update", async () => {
    const { hot, from, to } = setup("strava", STRAVA, GARMIN);
    const cfg = hot.config(from.provider, "strava");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    hot.clock += 60_000;
    from.edit(record.id, { startTime: hot.at(5) });
    assert.deepEqual(await hot.run(cfg), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(to.records[0]?.startTime, hot.at(0));
    assert.deepEqual(log(hot, cfg.syncConfigId).at(-1), "skipped/destination_cannot_update");
    const lines = log(hot, cfg.syncConfigId).length;
    const reads = to.calls.list_overlapping;
    hot.clock += 60_000;
    await hot.run(cfg);
    assert.equal(log(hot, cfg.syncConfigId).length, lines, "a decided edit is not decided again at every job");
    assert.equal(to.calls.list_overlapping, reads, "nor does it read the destination again");
  });

  it("a rename with new times reaches Strava as a rename; the times it cannot change are logged", async () => {
    const { hot, from, to } = setup("strava", STRAVA, GARMIN);
    const cfg = hot.config(from.provider, "strava");
    const record = from.add(hot.workout(0, 45, "Evening ride"));
    await hot.run(cfg);
    hot.clock += 60_000;
    from.edit(record.id, { name: "Hill repeats", endTime: hot.at(40) });
    await hot.run(cfg);
    assert.deepEqual(
      to.records.map((r) => [r.name, r.endTime]),
      [["Hill repeats", hot.at(45)]],
    );
    assert.deepEqual(log(hot, cfg.syncConfigId).slice(-2), ["updated/changed_at_source", "skipped/destination_cannot_update"]);
  });

  it("a copy the user deleted at the destination is never uploaded again, except by a resync", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    to.remove(to.records[0]?.id as string);
    hot.clock += 60_000;
    from.edit(record.id, { name: "renamed" });
    await hot.run(cfg);
    assert.equal(to.records.length, 0);
    assert.deepEqual(log(hot, cfg.syncConfigId).at(-1), "skipped/deleted_at_destination");
    const lines = log(hot, cfg.syncConfigId).length;
    hot.clock += 60_000;
    await hot.run(cfg);
    assert.equal(log(hot, cfg.syncConfigId).length, lines, "decided once");
    assert.equal(to.calls.create, 1, "the next sync does not bring it back");
    await hot.run(cfg, { recordIds: [record.id], resync: true });
    assert.deepEqual(
      to.records.map((r) => r.name),
      ["renamed"],
    );
    assert.deepEqual(log(hot, cfg.syncConfigId).at(-1), "written/new", "written as new, its conflicts decided as for any new record");
  });

  it("dest_wins keeps a copy the user changed at the destination after SyncWell wrote it", async () => {
    const modTimes = { ...GARMIN, reportsModificationTime: true };
    const { hot, from, to } = setup("garmin", modTimes, { ...STRAVA, reportsModificationTime: true });
    const cfg = hot.config("strava", "garmin", "dest_wins");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    hot.clock += 60_000;
    to.edit(to.records[0]?.id as string, { name: "my name" });
    hot.clock += 60_000;
    from.edit(record.id, { name: "source name" });
    await hot.run(cfg);
    assert.deepEqual(
      to.records.map((r) => r.name),
      ["my name"],
    );
    assert.deepEqual(log(hot, cfg.syncConfigId).at(-1), "skipped/conflict_kept_destination");
  });
});

describe("conflict strategies apply to edits (SPEC §15)", () => {
  it("newest_wins keeps a copy changed at the destination after the source's edit", async () => {
    const modTimes = { ...GARMIN, reportsModificationTime: true };
    const { hot, from, to } = setup("garmin", modTimes, { ...STRAVA, reportsModificationTime: true });
    const cfg = hot.config("strava", "garmin", "newest_wins");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    hot.clock += 60_000;
    from.edit(record.id, { name: "source name" });
    hot.clock += 60_000;
    to.edit(to.records[0]?.id as string, { name: "my newer name" });
    await hot.run(cfg);
    assert.deepEqual(
      to.records.map((r) => r.name),
      ["my newer name"],
    );
    assert.deepEqual(log(hot, cfg.syncConfigId).at(-1), "skipped/older_than_destination");
  });

  it("where modification times do not compare, the source's edit is the newest thing known", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin", "newest_wins");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    to.edit(to.records[0]?.id as string, { name: "renamed at Garmin" });
    hot.clock += 60_000;
    from.edit(record.id, { name: "renamed at Strava" });
    await hot.run(cfg);
    assert.deepEqual(
      to.records.map((r) => r.name),
      ["renamed at Strava"],
    );
  });
});

describe("deletes at the source (SPEC §15)", () => {
  it("a deletion named by a webhook deletes the copy where the destination can delete", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    from.remove(record.id);
    await hot.run(cfg, { trigger: "webhook", recordIds: [record.id] });
    assert.equal(to.records.length, 0);
    assert.deepEqual(log(hot, cfg.syncConfigId), ["written/new", "deleted/deleted_at_source"]);
    await hot.run(cfg, { trigger: "webhook", recordIds: [record.id] });
    assert.equal(to.calls.delete, 1, "a repeated event deletes nothing twice");
  });

  it("where the destination cannot delete (Strava) the log says destination_cannot_delete, once", async () => {
    const { hot, from, to } = setup("strava", STRAVA, GARMIN);
    const cfg = hot.config(from.provider, "strava");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    from.remove(record.id);
    await hot.run(cfg, { trigger: "webhook", recordIds: [record.id] });
    await hot.run(cfg, { trigger: "webhook", recordIds: [record.id] });
    assert.equal(to.records.length, 1);
    assert.deepEqual(log(hot, cfg.syncConfigId), ["written/new", "skipped/destination_cannot_delete"]);
  });

  it("a webhook naming a record that was never synced (or another user's) deletes nothing", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin");
    to.add(hot.workout(0, 45, "the user's own"));
    from.add(hot.workout(100, 30));
    await hot.run(cfg, { trigger: "webhook", recordIds: ["someone-elses"] });
    assert.equal(to.records.length, 2);
    assert.equal(to.calls.delete, undefined);
  });
});

describe("privacy and filters (SPEC §15)", () => {
  it("private records are skipped unless the config says syncPrivate; unknown privacy counts as private", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin");
    const hidden = from.add({ ...hot.workout(0, 45), private: true });
    const before = to.records.length;
    const unknown = from.add({ ...hot.workout(100, 45), private: undefined });
    from.add(hot.workout(200, 45));
    assert.deepEqual(await hot.run(cfg), { kind: "succeeded", recordsWritten: 1 });
    assert.equal(from.calls.get_payload, 1);
    assert.deepEqual(
      (hot.store.syncLog.get(cfg.syncConfigId) ?? []).filter((e) => e.reason === "private").map((e) => e.sourceId),
      [hidden.id, unknown.id],
    );
    assert.equal(to.records.length, before + 1);
  });

  it("with syncPrivate a private record is written and stays private at the destination", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin", "source_wins", { syncPrivate: true });
    from.add({ ...hot.workout(0, 45), private: undefined });
    await hot.run(cfg);
    assert.equal(to.records[0]?.private, true);
  });

  it("a private record goes only where the destination can keep it private (not Strava)", async () => {
    const { hot, from, to } = setup("strava", STRAVA, GARMIN);
    const cfg = hot.config(from.provider, "strava", "source_wins", { syncPrivate: true });
    from.add({ ...hot.workout(0, 45), private: true });
    assert.deepEqual(await hot.run(cfg), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(to.records.length, 0);
    assert.deepEqual(log(hot, cfg.syncConfigId), ["skipped/private"]);
  });

  it("a record made private after it was synced makes its copy private", async () => {
    const everything: DestinationCapabilities = { ...STRAVA, updatable: ["name", "type", "private", "times"] };
    const { hot, from, to } = setup("strava", everything, GARMIN);
    const cfg = hot.config(from.provider, "strava");
    const record = from.add(hot.workout(0, 45));
    await hot.run(cfg);
    assert.equal(to.records[0]?.private, false);
    hot.clock += 60_000;
    from.edit(record.id, { private: true });
    await hot.run(cfg);
    assert.equal(to.records[0]?.private, true);
  });

  it("filters skip on metadata, before any payload is read", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin", "source_wins", {
      filters: { activityTypes: ["run"], excludeNameContains: ["ZWIFT"], minDurationSeconds: 600 },
    });
    from.add(hot.workout(0, 45, "Zwift - Watopia"));
    from.add({ ...hot.workout(100, 45), type: "walk" });
    from.add(hot.workout(200, 5, "short"));
    from.add(hot.workout(300, 45, "kept"));
    assert.deepEqual(await hot.run(cfg), { kind: "succeeded", recordsWritten: 1 });
    assert.deepEqual(
      to.records.map((r) => r.name),
      ["kept"],
    );
    assert.equal(from.calls.get_payload, 1, "one payload: the kept record's");
    assert.deepEqual(log(hot, cfg.syncConfigId).sort(), ["skipped/filtered", "skipped/filtered", "skipped/filtered", "written/new"]);
    hot.clock += 60_000;
    await hot.run(cfg);
    assert.equal((hot.store.syncLog.get(cfg.syncConfigId) ?? []).length, 4, "a filtered record is decided once, not at every listing");
  });
});

describe("the sync log (SPEC §15)", () => {
  it("holds ids, outcomes and reasons only, and costs no write of its own on success", async () => {
    const { hot, from } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin");
    from.add(hot.workout(0, 45, "Secret name"));
    await hot.run(cfg);
    assert.equal(
      hot.store.calls.markWritten,
      2,
      "the log rides in the ledger's write (the other marks the push: Garmin drops external ids)",
    );
    const [entry] = hot.store.syncLog.get(cfg.syncConfigId) ?? [];
    assert.deepEqual(Object.keys(entry ?? {}).sort(), ["at", "destinationId", "jobId", "outcome", "reason", "sourceId"]);
    assert.ok(!JSON.stringify(entry).includes("Secret"));
  });

  it("a partner failure is logged as failed with its category, and the job still fails", async () => {
    const { hot, from, to } = setup("garmin", GARMIN);
    const cfg = hot.config("strava", "garmin");
    from.add(hot.workout(0, 45));
    to.failNext("list_overlapping", new PartnerError("transient", "503", { provider: "garmin", operation: "list", status: 503 }));
    await assert.rejects(hot.run(cfg), /503/);
    assert.deepEqual(log(hot, cfg.syncConfigId), ["failed/transient"]);
    const [id] = hot.store.syncLog.get(cfg.syncConfigId)?.map((e) => e.sourceId) ?? [];
    assert.ok(hot.store.ledgers.get(cfg.syncConfigId)?.has(id as string), "known as the user's, so a resync finds it");
    assert.deepEqual(await hot.run(cfg), { kind: "succeeded", recordsWritten: 1 }, "and still pending");
    assert.equal(to.records.length, 1);
  });
});
