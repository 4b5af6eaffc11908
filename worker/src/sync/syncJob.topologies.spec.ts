import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InMemoryPartner, PartnerError } from "@syncwell/core";
import { GARMIN, HotPath, SOURCE, STRAVA } from "./testkit.ts";

describe("fan-out: one source connection feeding several configs (SPEC §14)", () => {
  it("one destructive read (Polar transaction) serves every config on the source, and is committed once", async () => {
    const hot = new HotPath();
    const polar = hot.connect(new InMemoryPartner("polar", SOURCE, { destructiveReads: true }));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const toStrava = hot.config("polar", "strava");
    const toGarmin = hot.config("polar", "garmin");
    polar.add(hot.workout(0, 45));
    polar.add(hot.workout(120, 30));

    assert.deepEqual(await hot.run(toStrava), { kind: "succeeded", recordsWritten: 2 });
    assert.equal(strava.records.length, 2);
    assert.equal(garmin.records.length, 2, "the sibling config got every record from the same read");
    assert.equal(polar.calls.commit, 1);
    assert.equal(polar.calls.get_payload, 1, "payloads were fetched once for both destinations");
    assert.deepEqual(await hot.run(toGarmin), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(garmin.records.length, 2, "nothing twice");
  });

  it("does not commit the read while a sibling config failed, so a retry still sees its records", async () => {
    const hot = new HotPath();
    const polar = hot.connect(new InMemoryPartner("polar", SOURCE, { destructiveReads: true }));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const toStrava = hot.config("polar", "strava");
    hot.config("polar", "garmin");
    polar.add(hot.workout(0, 45));
    garmin.pushesLeft = 0;
    await assert.rejects(hot.run(toStrava), /rate limit/);
    assert.equal(polar.calls.commit, undefined);
    garmin.pushesLeft = undefined;
    assert.deepEqual(await hot.run(toStrava), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(strava.records.length, 1, "Strava's copy was saved before the failure and not pushed again");
    assert.equal(strava.calls.create, 1);
    assert.equal(garmin.records.length, 1);
    assert.equal(polar.calls.commit, 1);
  });
});

describe("overlap means the same thing everywhere (SPEC §14)", () => {
  for (const strategy of ["source_wins", "dest_wins", "newest_wins"] as const) {
    it(`${strategy}: a 30 s overlap is no conflict: both workouts stay`, async () => {
      const hot = new HotPath();
      const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
      const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
      // The watch's workout ends 30 s into the Strava one.
      garmin.add({ ...hot.workout(-30, 30, "watch"), endTime: new Date(Date.parse(hot.at(0)) + 30_000).toISOString() });
      strava.add(hot.workout(0, 45));
      assert.deepEqual(await hot.run(hot.config("strava", "garmin", strategy)), { kind: "succeeded", recordsWritten: 1 });
      assert.deepEqual(garmin.records.map((r) => r.name).sort(), ["run", "watch"]);
    });
  }

  it("source_wins replaces only a destination record that overlaps by more than the threshold", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    garmin.add({ ...hot.workout(5, 30, "watch") });
    strava.add(hot.workout(0, 45));
    await hot.run(hot.config("strava", "garmin", "source_wins"));
    assert.deepEqual(
      garmin.records.map((r) => r.name),
      ["run"],
    );
  });

  it("two overlapping source records are both written and never replace each other", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    strava.add(hot.workout(0, 45, "first"));
    strava.add(hot.workout(10, 45, "second"));
    assert.deepEqual(await hot.run(hot.config("strava", "garmin", "source_wins")), { kind: "succeeded", recordsWritten: 2 });
    assert.deepEqual(garmin.records.map((r) => r.name).sort(), ["first", "second"]);
  });

  it("source_wins to a destination that cannot delete (Strava) keeps its record instead of writing next to it", async () => {
    const hot = new HotPath();
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    strava.add(hot.workout(5, 30, "phone"));
    garmin.add(hot.workout(0, 45, "watch"));
    assert.deepEqual(await hot.run(hot.config("garmin", "strava", "source_wins")), { kind: "succeeded", recordsWritten: 0 });
    assert.deepEqual(
      strava.records.map((r) => r.name),
      ["phone"],
    );
    assert.equal(strava.calls.list_overlapping, 1, "Strava accepts overlapping uploads, so it was read first");
  });
});

describe("destination capabilities drive the confidence skip (SPEC §14)", () => {
  it("dest_wins to Strava never skips the destination fetch, so an overlapping workout is never duplicated", async () => {
    const hot = new HotPath();
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const config = hot.config("garmin", "strava", "dest_wins");
    for (let i = 0; i < 12; i++) {
      garmin.add(hot.workout(i * 100, 30, `g${i}`));
      await hot.run(config);
    }
    strava.add(hot.workout(2000, 30, "phone"));
    garmin.add(hot.workout(2000, 30, "watch"));
    await hot.run(config);
    assert.equal(strava.records.filter((r) => r.startTime === hot.at(2000)).length, 1, "no duplicate");
    assert.equal(strava.calls.list_overlapping, 13);
  });
});

describe("two-way pairs: no echo (SPEC §14)", () => {
  it("a record SyncWell wrote is never synced back, even where the partner drops the external id", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { dropsExternalIds: true }));
    const there = hot.config("strava", "garmin", "dest_wins");
    const back = hot.config("garmin", "strava", "dest_wins");
    strava.add(hot.workout(0, 45, "phone"));
    await hot.run(there);
    hot.clock += 60_000;
    assert.deepEqual(await hot.run(back), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(strava.records.length, 1);
    assert.equal(garmin.calls.get_payload, undefined, "the copy was recognised on metadata");
  });
});

describe("progress under rate limits (SPEC §14)", () => {
  it("saves every pushed record before waiting, so retries make progress and nothing is pushed twice", async () => {
    const hot = new HotPath();
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const config = hot.config("garmin", "strava");
    for (let i = 0; i < 15; i++) garmin.add(hot.workout(i * 100, 30, `r${i}`));
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 10 && outcomes.at(-1) !== "succeeded"; attempt++) {
      strava.pushesLeft = 4;
      try {
        outcomes.push((await hot.run(config)).kind);
      } catch (error) {
        outcomes.push((error as { category?: string }).category ?? "error");
      }
    }
    assert.deepEqual(outcomes, ["rate_limited", "rate_limited", "rate_limited", "succeeded"]);
    assert.equal(strava.records.length, 15);
    assert.equal(strava.calls.create, 15 + 3, "15 writes and the three pushes that met the limit");
  });

  it("plans pushes within the room the partner's window reports, and hands the rest to the next run instead of meeting a 429", async () => {
    const hot = new HotPath();
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA, { reportsBudget: true }));
    const config = hot.config("garmin", "strava");
    for (let i = 0; i < 9; i++) garmin.add(hot.workout(i * 100, 30, `r${i}`));
    strava.pushesLeft = 4;
    assert.deepEqual(await hot.run(config), { kind: "more", recordsWritten: 4 });
    assert.equal(strava.calls.create, 4, "no push met the limit");
    strava.pushesLeft = 10;
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 5 });
    assert.equal(strava.records.length, 9);
  });

  it("writes a fair share per job and hands the rest to the next run", async () => {
    const hot = new HotPath({ maxRecordsPerJob: 5 });
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const config = hot.config("garmin", "strava");
    for (let i = 0; i < 12; i++) garmin.add(hot.workout(i * 100, 30));
    assert.deepEqual(await hot.run(config), { kind: "more", recordsWritten: 5 });
    assert.equal((await hot.store.getConfig(hot.userId, config.syncConfigId))?.lastSyncTime, undefined, "no watermark yet");
    assert.deepEqual(await hot.run(config), { kind: "more", recordsWritten: 5 });
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 2 });
    assert.equal(strava.records.length, 12);
  });
});

describe("webhooks are hints: late data (SPEC §14)", () => {
  it("a record uploaded days after it was recorded syncs when a webhook named it, whatever the lookback", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA, { listBy: "startTime", lookbackSeconds: 7 * 86400 }));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin");
    await hot.run(config);
    const late = strava.add({ ...hot.workout(-8 * 24 * 60, 45) });
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 0 }, "the listing alone misses it");
    assert.deepEqual(await hot.run(config, { trigger: "webhook", recordIds: [late.id] }), { kind: "succeeded", recordsWritten: 1 });
    assert.equal(garmin.records.length, 1);
  });

  it("a webhook naming a record that does not exist (or is another user's) syncs nothing", async () => {
    const hot = new HotPath();
    hot.connect(new InMemoryPartner("strava", STRAVA, { listBy: "startTime" }));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin");
    assert.deepEqual(await hot.run(config, { trigger: "webhook", recordIds: ["nope"] }), { kind: "succeeded", recordsWritten: 0 });
    assert.equal(garmin.records.length, 0);
  });
});

describe("token refresh on the hot path (SPEC §4)", () => {
  const unauthorised = () => new PartnerError("auth", "401", { provider: "strava", operation: "list_metadata", status: 401 });

  it("a 401 refreshes the token once and the call is tried again", async () => {
    let refreshed = 0;
    const hot = new HotPath();
    hot.handler = hot.withTokens({
      refreshed: async (c) => {
        refreshed += 1;
        return { accessToken: "fresh", providerUserId: c.providerUserId };
      },
    });
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    hot.connect(new InMemoryPartner("garmin", GARMIN));
    strava.add(hot.workout(0, 45));
    strava.failNext("list_metadata", unauthorised());
    assert.deepEqual(await hot.run(hot.config("strava", "garmin")), { kind: "succeeded", recordsWritten: 1 });
    assert.equal(refreshed, 1);
  });

  it("a second 401 after the refresh fails the job as an auth failure", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    hot.connect(new InMemoryPartner("garmin", GARMIN));
    strava.failNext("list_metadata", unauthorised());
    strava.failNext("list_metadata", unauthorised());
    await assert.rejects(hot.run(hot.config("strava", "garmin")), (e: PartnerError) => e.category === "auth");
  });
});

describe("two source records never replace each other (SPEC §14)", () => {
  it("a second overlapping workout synced later keeps the first one's copy, even where the destination drops external ids", async () => {
    const hot = new HotPath();
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { dropsExternalIds: true }));
    const config = hot.config("strava", "garmin", "source_wins");
    strava.add(hot.workout(0, 45, "watch"));
    await hot.run(config);
    hot.clock += 60_000;
    strava.add(hot.workout(10, 45, "manual entry"));
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 1 });
    assert.deepEqual(garmin.records.map((r) => r.name).sort(), ["manual entry", "watch"]);
  });
});

describe("a duplicate at the destination stays the user's record", () => {
  it("an identical workout the user already had at Garmin is not taken for SyncWell's, so Garmin → Strava still syncs it", async () => {
    const hot = new HotPath();
    const polar = hot.connect(new InMemoryPartner("polar", SOURCE, { destructiveReads: true }));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { dropsExternalIds: true }));
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const chainIn = hot.config("polar", "garmin", "newest_wins");
    const chainOut = hot.config("garmin", "strava", "newest_wins");
    polar.add(hot.workout(0, 38, "same run from the strap"));
    // The watch uploads the same run just after the job read Garmin: the push meets it as a duplicate.
    const read = garmin.fetchOverlapping.bind(garmin);
    garmin.fetchOverlapping = async (c, range) => {
      const seen = await read(c, range);
      garmin.add(hot.workout(0, 38, "watch run"));
      return seen;
    };
    assert.deepEqual(await hot.run(chainIn), { kind: "succeeded", recordsWritten: 0 }, "Garmin refused the identical upload");
    garmin.fetchOverlapping = read;
    hot.clock += 60_000;
    assert.deepEqual(await hot.run(chainOut), { kind: "succeeded", recordsWritten: 1 });
    assert.deepEqual(
      strava.records.map((r) => r.name),
      ["watch run"],
    );
  });

  it("the user's record that stands for a source record is never replaced by a later job's conflicting record (model run #711)", async () => {
    const hot = new HotPath();
    const polar = hot.connect(new InMemoryPartner("polar", SOURCE, { destructiveReads: true }));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN, { dropsExternalIds: true }));
    const config = hot.config("polar", "garmin", "source_wins");
    polar.add(hot.workout(0, 51, "walk from the strap"));
    const watch = garmin.add(hot.workout(0, 51, "walk from the watch"));
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 0 }, "already there: the watch's walk stands for it");
    hot.clock += 60_000;
    // A run recorded later overlaps the walk by 15 minutes; the next job reads only the run.
    polar.add(hot.workout(36, 29, "run"));
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 1 });
    assert.deepEqual(garmin.records.map((r) => r.name).sort(), ["run", watch.name], "the walk stays: it is the strap's walk there too");
  });
});
