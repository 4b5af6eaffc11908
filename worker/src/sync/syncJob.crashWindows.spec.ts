import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InMemoryPartner, PartnerError, type SyncStateStore } from "@syncwell/core";
import { GARMIN, HotPath, SOURCE, STRAVA } from "./testkit.ts";

/** Makes the store's `method` die once, at its call number `at` (the process is killed there); the next job starts afresh. */
function crashOnce(hot: HotPath, method: keyof SyncStateStore, at = 1): void {
  const store = hot.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = (store[method] as (...args: unknown[]) => Promise<unknown>).bind(hot.store);
  let calls = 0;
  store[method] = async (...args: unknown[]) => {
    if (++calls < at) return original(...args);
    store[method] = original;
    throw new Error(`killed in ${String(method)}`);
  };
}

describe("crash windows of the hot path (SPEC §14): every two-write step survives a crash between its writes", () => {
  it("partner + ledger: killed after the push, before the ledger write, the retry writes nothing twice", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin");
    strava.add(hot.workout(0, 40, "a"));
    strava.add(hot.workout(60, 40, "b"));
    crashOnce(hot, "markWritten", 2); // the first marks the pushes (Garmin drops external ids), the second is the ledger
    await assert.rejects(hot.run(config), /killed in markWritten/);
    assert.equal(garmin.records.length, 2, "the pushes happened");
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(garmin.records.length, 2, "the partner's duplicate rule (external id) caught the re-push");
    assert.equal(
      (
        await hot.store.getLedger(
          config.syncConfigId,
          strava.records.map((r) => r.id),
        )
      ).size,
      2,
      "and the ledger has them now",
    );
    const entries = await hot.store.getLedger(
      config.syncConfigId,
      strava.records.map((r) => r.id),
    );
    assert.ok(
      [...entries.values()].every((e) => e.written === true),
      "as SyncWell's copies (found by external id), so edits and deletes still follow them",
    );
  });

  it("partner + ledger where the partner drops external ids: the retry knows the copy is SyncWell's, and edits follow it", async () => {
    const hot = new HotPath();
    const now = () => hot.clock;
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA, { now }));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { now, dropsExternalIds: true }));
    const config = hot.config("strava", "garmin", "dest_wins");
    const record = strava.add(hot.workout(0, 40, "a"));
    crashOnce(hot, "markWritten", 2);
    await assert.rejects(hot.run(config), /killed in markWritten/);
    await hot.run(config);
    assert.equal(garmin.records.length, 1);
    assert.equal(hot.store.ledgers.get(config.syncConfigId)?.get(record.id)?.written, true, "SyncWell's copy, not the user's twin");
    // Killed again, and the user renames the workout before the retry: the retry applies the rename.
    const other = strava.add(hot.workout(100, 40, "b"));
    crashOnce(hot, "markWritten", 2);
    await assert.rejects(hot.run(config), /killed in markWritten/);
    hot.clock += 60_000;
    strava.edit(other.id, { name: "b renamed" });
    await hot.run(config);
    assert.deepEqual(garmin.records.map((r) => r.name).sort(), ["a", "b renamed"]);
    hot.clock += 60_000;
    strava.edit(record.id, { name: "renamed" });
    await hot.run(config);
    assert.deepEqual(garmin.records.map((r) => r.name).sort(), ["b renamed", "renamed"]);
  });

  it("killed after a push the partner keeps no external id for, then the record is deleted at its source: the copy is found by its times and deleted", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { dropsExternalIds: true }));
    const config = hot.config("strava", "garmin");
    const record = strava.add(hot.workout(0, 40, "a"));
    const users = garmin.add(hot.workout(120, 40, "the user's own"));
    crashOnce(hot, "markWritten", 2);
    await assert.rejects(hot.run(config), /killed in markWritten/);
    assert.equal(garmin.records.length, 2, "the push landed; its ledger write did not");
    strava.remove(record.id);
    await hot.run(config, { trigger: "webhook", recordIds: [record.id] });
    assert.deepEqual(
      garmin.records.map((r) => r.id),
      [users.id],
      "SyncWell's copy is gone, the user's workout stays",
    );
    assert.equal(hot.store.ledgers.get(config.syncConfigId)?.get(record.id)?.deleted, true);
    // Killed the same way before the upload reached the partner: nothing to delete, and the record is never asked about again.
    const other = strava.add(hot.workout(200, 40, "b"));
    const pushData = garmin.pushData.bind(garmin);
    garmin.pushData = async () => {
      garmin.pushData = pushData;
      throw new Error("killed before the upload");
    };
    await assert.rejects(hot.run(config), /killed before the upload/);
    strava.remove(other.id);
    await hot.run(config, { trigger: "webhook", recordIds: [other.id] });
    assert.deepEqual(
      garmin.records.map((r) => r.id),
      [users.id],
    );
    assert.equal(hot.store.ledgers.get(config.syncConfigId)?.get(other.id)?.deleted, true);
  });

  it("an upload that failed after it landed (still processing) is taken for SyncWell's copy on the retry", async () => {
    const hot = new HotPath();
    const now = () => hot.clock;
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { now }));
    // A Strava that has not listed the processed upload's external id yet.
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA, { now, dropsExternalIds: true }));
    const config = hot.config("garmin", "strava");
    const record = garmin.add(hot.workout(0, 40, "a"));
    const push = strava.pushData.bind(strava);
    strava.pushData = async (c, records) => {
      strava.pushData = push;
      return (await push(c, records)).map((r) => ({
        externalId: r.externalId,
        status: "failed",
        message: "upload still processing",
        retryable: true,
        mayHaveLanded: true,
      }));
    };
    await assert.rejects(hot.run(config), /still processing/);
    await hot.run(config);
    assert.equal(strava.records.length, 1);
    assert.equal(hot.store.ledgers.get(config.syncConfigId)?.get(record.id)?.written, true);
    hot.clock += 60_000;
    garmin.edit(record.id, { name: "renamed" });
    await hot.run(config);
    assert.deepEqual(
      strava.records.map((r) => r.name),
      ["renamed"],
    );
  });

  it("a refused push (a 503) is not taken for a landed one: the user's identical record it then meets stays the user's", async () => {
    const hot = new HotPath();
    const now = () => hot.clock;
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { now }));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA, { now, dropsExternalIds: true }));
    const config = hot.config("garmin", "strava");
    const record = garmin.add(hot.workout(0, 40, "a"));
    strava.failNext("create", new PartnerError("transient", "503", { provider: "strava", operation: "create", status: 503 }));
    await assert.rejects(hot.run(config), /503/);
    strava.add({ ...hot.workout(0, 40, "the user's own"), type: "run" });
    await hot.run(config);
    assert.notEqual(hot.store.ledgers.get(config.syncConfigId)?.get(record.id)?.written, true);
    hot.clock += 60_000;
    garmin.edit(record.id, { name: "renamed" });
    await hot.run(config);
    assert.deepEqual(
      strava.records.map((r) => r.name),
      ["the user's own"],
      "an edit never reaches the user's own record",
    );
  });

  it("a push the partner answered with a refusal that fails the job (a 401 after the refresh) takes its mark back: the user's identical workout met on the retry stays the user's", async () => {
    const hot = new HotPath();
    const polar = hot.connect(new InMemoryPartner("polar", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { dropsExternalIds: true }));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const toGarmin = hot.config("polar", "garmin");
    const onwards = hot.config("garmin", "strava");
    const record = polar.add(hot.workout(0, 40, "walk"));
    const denied = () => new PartnerError("auth", "401", { provider: "garmin", operation: "create", status: 401 });
    garmin.failNext("create", denied());
    garmin.failNext("create", denied());
    await assert.rejects(hot.run(toGarmin), /401/);
    const users = garmin.add(hot.workout(0, 40, "walk, from the watch"));
    await hot.run(toGarmin);
    assert.notEqual(hot.store.ledgers.get(toGarmin.syncConfigId)?.get(record.id)?.written, true, "not taken for SyncWell's copy");
    await hot.run(onwards);
    assert.deepEqual(
      strava.records.map((r) => r.name),
      [users.name],
      "so the user's workout goes on to Strava",
    );
  });

  it("source_wins at Garmin uploads before it deletes: a failed upload leaves the user's conflicting record", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin");
    garmin.add(hot.workout(5, 40, "watch"));
    strava.add(hot.workout(0, 40, "run"));
    garmin.failNext("create", new PartnerError("transient", "500", { provider: "garmin", operation: "create", status: 500 }));
    await assert.rejects(hot.run(config), /500/);
    assert.deepEqual(
      garmin.records.map((r) => r.name),
      ["watch"],
    );
    await hot.run(config);
    assert.deepEqual(
      garmin.records.map((r) => r.name),
      ["run"],
    );
  });

  it("replace (delete, then upload): killed in between, the retry writes the edited record again", async () => {
    const hot = new HotPath();
    const now = () => hot.clock;
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA, { now }));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { now }));
    const config = hot.config("strava", "garmin");
    const record = strava.add(hot.workout(0, 40));
    await hot.run(config);
    hot.clock += 60_000;
    strava.edit(record.id, { endTime: hot.at(50) });
    const push = garmin.pushData.bind(garmin);
    garmin.pushData = async (_c, records) => {
      for (const r of records) if (r.replacesId) garmin.remove(r.replacesId);
      garmin.pushData = push;
      throw new Error("killed between the delete and the upload");
    };
    await assert.rejects(hot.run(config), /killed between/);
    assert.equal(garmin.records.length, 0, "the copy was deleted");
    await hot.run(config);
    assert.deepEqual(
      garmin.records.map((r) => r.endTime),
      [hot.at(50)],
      "written again with the edit, not taken for a copy the user deleted",
    );
  });

  it("delete + ledger: killed after the copy was deleted, the repeated event finishes it once", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin");
    const record = strava.add(hot.workout(0, 40));
    await hot.run(config);
    strava.remove(record.id);
    crashOnce(hot, "markWritten");
    await assert.rejects(hot.run(config, { trigger: "webhook", recordIds: [record.id] }), /killed/);
    assert.equal(garmin.records.length, 0);
    await hot.run(config, { trigger: "webhook", recordIds: [record.id] });
    assert.deepEqual(
      hot.store.syncLog.get(config.syncConfigId)?.map((e) => `${e.outcome}/${e.reason}`),
      ["written/new", "deleted/deleted_at_source"],
    );
    assert.equal(hot.store.ledgers.get(config.syncConfigId)?.get(record.id)?.deleted, true);
  });

  it("ledger + watermark: killed before the watermark moved, the retry re-lists and skips by the ledger", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin");
    strava.add(hot.workout(0, 40, "a"));
    crashOnce(hot, "advanceWatermark");
    await assert.rejects(hot.run(config), /killed in advanceWatermark/);
    const pushes = garmin.calls.create;
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(garmin.calls.create, pushes, "no push again");
    assert.equal(strava.calls.get_payload, 1, "no payload again");
    assert.ok((await hot.store.getConfig(hot.userId, config.syncConfigId))?.lastSyncTime);
  });

  it("fan-out pushes + commit: killed before the destructive read was committed, the retry re-reads and writes nothing twice", async () => {
    const hot = new HotPath();
    const polar = hot.connect(new InMemoryPartner("polar", SOURCE, { destructiveReads: true }));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const toStrava = hot.config("polar", "strava");
    hot.config("polar", "garmin");
    polar.add(hot.workout(0, 40, "a"));
    // The last write before the commit is the sibling's watermark.
    const store = hot.store as unknown as { advanceWatermark: SyncStateStore["advanceWatermark"] };
    const original = store.advanceWatermark.bind(hot.store);
    let calls = 0;
    store.advanceWatermark = async (...args) => {
      if (++calls === 2) throw new Error("killed before commit");
      return original(...args);
    };
    await assert.rejects(hot.run(toStrava), /killed before commit/);
    assert.equal(polar.calls.commit, undefined);
    store.advanceWatermark = original;
    assert.deepEqual(await hot.run(toStrava), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(strava.records.length, 1);
    assert.equal(garmin.records.length, 1);
    assert.equal(polar.calls.commit, 1);
  });
});
