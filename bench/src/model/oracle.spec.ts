import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { oracle } from "./oracle.ts";
import type { ConfigSpec, CreatedRecord, Observation, PartnerRecord, Provider, Strategy } from "./types.ts";

const T0 = Date.parse("2026-03-02T08:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A workout the user created: `start`/`end` in seconds after T0; `updated` defaults to the end. */
function rec(key: string, provider: Provider, id: string, start: number, end: number, seq = 0, updated = end): CreatedRecord {
  return { key, provider, id, startTime: at(start), endTime: at(end), type: "run", name: key, updatedAt: at(updated), seq };
}
const held = (r: CreatedRecord): PartnerRecord => ({ ...r });
const copy = (of: CreatedRecord, id: string): PartnerRecord => ({ ...held(of), id, externalId: `syncwell-${of.provider}-${of.id}` });
const config = (strategy: Strategy, source: Provider = "strava", destination: "strava" | "garmin" = "garmin", key = "c0"): ConfigSpec => ({
  key,
  source,
  destination,
  strategy,
});

function observe(configs: ConfigSpec[], created: CreatedRecord[], final: Partial<Record<Provider, PartnerRecord[]>>): Observation {
  return { thresholdSeconds: 60, configs, created, final, requests: [], jobs: [], watermarks: {}, boundSeconds: 30 };
}
const kinds = (o: Observation) => oracle(o).map((v) => v.kind);

describe("the model oracle: every eligible record exactly once", () => {
  const s = rec("a0", "strava", "1", 0, 1800);

  it("passes a record copied once", () => {
    assert.deepEqual(oracle(observe([config("source_wins")], [s], { strava: [held(s)], garmin: [copy(s, "g1")] })), []);
  });

  it("lets two identical records at one source share one copy (the destination refuses the identical upload)", () => {
    const twin = rec("a1", "strava", "2", 0, 1800);
    assert.deepEqual(kinds(observe([config("source_wins")], [s, twin], { strava: [held(s), held(twin)], garmin: [copy(s, "g1")] })), []);
  });

  it("lets a record be missing while its config's job waits in the DLQ for a re-drive", () => {
    const o = observe([config("source_wins")], [s], { strava: [held(s)], garmin: [] });
    const dead = { jobId: "j1", configKey: "c0", trigger: "webhook", status: "dead_lettered", errorCategory: "transient" };
    assert.deepEqual(
      kinds({ ...o, jobs: [dead] as Observation["jobs"] }).filter((k) => k === "missing"),
      [],
    );
  });

  it("finds a record that never arrived, and one that arrived twice", () => {
    assert.deepEqual(kinds(observe([config("source_wins")], [s], { strava: [held(s)], garmin: [] })), ["missing"]);
    assert.deepEqual(kinds(observe([config("source_wins")], [s], { strava: [held(s)], garmin: [copy(s, "g1"), copy(s, "g2")] })), [
      "duplicate",
    ]);
  });

  for (const overlap of [0, 30, 59, 60]) {
    it(`under dest_wins, an overlap of ${overlap} s is no conflict: the record is written`, () => {
      const g = rec("a1", "garmin", "g0", 1800 - overlap, 3600);
      assert.deepEqual(kinds(observe([config("dest_wins")], [s, g], { strava: [held(s)], garmin: [held(g)] })), ["missing"]);
      assert.deepEqual(kinds(observe([config("dest_wins")], [s, g], { strava: [held(s)], garmin: [held(g), copy(s, "g1")] })), []);
    });
  }

  for (const overlap of [61, 120]) {
    it(`under dest_wins, an overlap of ${overlap} s with a record already there keeps the record out`, () => {
      const g = rec("a1", "garmin", "g0", 1800 - overlap, 3600);
      assert.deepEqual(kinds(observe([config("dest_wins")], [s, g], { strava: [held(s)], garmin: [held(g)] })), []);
      assert.deepEqual(kinds(observe([config("dest_wins")], [s, g], { strava: [held(s)], garmin: [held(g), copy(s, "g1")] })), [
        "unexpected_write",
      ]);
    });
  }

  it("under dest_wins, a conflicting record the user created after the source record may go either way", () => {
    const later = { ...s, seq: 1 };
    const g = rec("a1", "garmin", "g0", 600, 2400, 2);
    assert.deepEqual(kinds(observe([config("dest_wins")], [later, g], { strava: [held(later)], garmin: [held(g)] })), []);
    assert.deepEqual(kinds(observe([config("dest_wins")], [later, g], { strava: [held(later)], garmin: [held(g), copy(later, "x")] })), []);
  });

  it("under newest_wins, the newer of two conflicting records is kept; an unclear order may go either way", () => {
    const older = rec("a1", "garmin", "g0", 600, 1700, 0, 1700);
    const newerThere = rec("a1", "garmin", "g0", 600, 2400, 0, 2400);
    const unclear = rec("a1", "garmin", "g0", 600, 1700, 0, 5000);
    const o = (g: CreatedRecord, final: PartnerRecord[]) =>
      kinds(observe([config("newest_wins")], [s, g], { strava: [held(s)], garmin: final }));
    assert.deepEqual(o(older, [held(older)]), ["missing"]);
    assert.deepEqual(o(older, [copy(s, "x")]), []);
    assert.deepEqual(o(newerThere, [held(newerThere), copy(s, "x")]), ["unexpected_write"]);
    assert.deepEqual(o(unclear, [held(unclear)]), []);
    assert.deepEqual(o(unclear, [held(unclear), copy(s, "x")]), []);
  });

  it("at Strava, which cannot delete, a record that would replace one may be written beside it or kept out", () => {
    const g = rec("a0", "garmin", "g1", 0, 1800);
    const atStrava = rec("a1", "strava", "5", 600, 2400);
    const toStrava = [config("source_wins", "garmin", "strava")];
    assert.deepEqual(kinds(observe(toStrava, [g, atStrava], { garmin: [held(g)], strava: [held(atStrava)] })), []);
    assert.deepEqual(kinds(observe(toStrava, [g, atStrava], { garmin: [held(g)], strava: [held(atStrava), copy(g, "6")] })), []);
    const apart = rec("a1", "strava", "5", 7200, 9000);
    assert.deepEqual(kinds(observe(toStrava, [g, apart], { garmin: [held(g)], strava: [held(apart)] })), ["missing"]);
  });

  it("counts an identical record the user already had as the record; a copy beside it is a duplicate", () => {
    const twin = rec("a1", "garmin", "g0", 0, 1800);
    const o = (final: PartnerRecord[]) => kinds(observe([config("source_wins")], [s, twin], { strava: [held(s)], garmin: final }));
    assert.deepEqual(o([held(twin)]), []);
    assert.deepEqual(o([copy(s, "x")]), []);
    assert.deepEqual(o([held(twin), copy(s, "x")]), ["duplicate"]);
  });
});

describe("the model oracle: nothing of the user's is deleted, changed or echoed", () => {
  const s = rec("a0", "strava", "1", 0, 1800);

  it("lets source_wins replace a conflicting record, but nothing that overlaps by 60 s or less", () => {
    const conflicting = rec("a1", "garmin", "g0", 1700, 3600);
    const near = rec("a1", "garmin", "g0", 1740, 3600);
    assert.deepEqual(kinds(observe([config("source_wins")], [s, conflicting], { strava: [held(s)], garmin: [copy(s, "x")] })), []);
    assert.deepEqual(kinds(observe([config("source_wins")], [s, near], { strava: [held(s)], garmin: [copy(s, "x")] })), ["deleted"]);
    assert.deepEqual(kinds(observe([config("dest_wins")], [s, conflicting], { strava: [held(s)], garmin: [copy(s, "x")] })), [
      "unexpected_write",
      "deleted",
    ]);
  });

  it("finds a record of the user's changed in place", () => {
    const g = rec("a1", "garmin", "g0", 7200, 9000);
    assert.deepEqual(
      kinds(observe([config("source_wins")], [s, g], { strava: [held(s)], garmin: [copy(s, "x"), { ...held(g), name: "x" }] })),
      ["replaced"],
    );
  });

  it("finds an echo in a two-way pair, even two hops back", () => {
    const configs = [config("source_wins"), config("source_wins", "garmin", "strava", "c1")];
    const there = copy(s, "g1");
    const back: PartnerRecord = { ...held(s), id: "2", externalId: "syncwell-garmin-g1" };
    assert.deepEqual(kinds(observe(configs, [s], { strava: [held(s)], garmin: [there] })), []);
    assert.ok(kinds(observe(configs, [s], { strava: [held(s), back], garmin: [there] })).includes("echo"));
  });

  it("lets a chain forward a copy once, and finds the same workout arriving by two paths", () => {
    const o = rec("a0", "oura", "o1", 0, 1800);
    const configs = [config("source_wins", "oura", "strava"), config("source_wins", "strava", "garmin", "c1")];
    const atStrava: PartnerRecord = { ...held(o), id: "5", externalId: "syncwell-oura-o1" };
    const forwarded: PartnerRecord = { ...held(o), id: "g5", externalId: "syncwell-strava-5" };
    assert.deepEqual(kinds(observe(configs, [o], { oura: [held(o)], strava: [atStrava], garmin: [] })), []);
    assert.deepEqual(kinds(observe(configs, [o], { oura: [held(o)], strava: [atStrava], garmin: [forwarded] })), []);
    assert.deepEqual(
      kinds(observe(configs, [o], { oura: [held(o)], strava: [atStrava], garmin: [forwarded, { ...forwarded, id: "g6" }] })),
      ["duplicate"],
    );
  });

  it("finds a copy whose times moved, and a record nobody created", () => {
    const shifted = { ...copy(s, "x"), startTime: at(3600), endTime: at(5400) };
    assert.deepEqual(kinds(observe([config("source_wins")], [s], { strava: [held(s)], garmin: [shifted] })), ["time_shifted"]);
    const stray: PartnerRecord = { ...held(s), id: "zz" };
    assert.deepEqual(kinds(observe([config("source_wins")], [s], { strava: [held(s)], garmin: [copy(s, "x"), stray] })), [
      "unexpected_write",
    ]);
  });
});

describe("the model oracle: edits and deletions at the source (SPEC §15)", () => {
  const s = rec("a0", "strava", "1", 0, 1800);
  const renamed = (r: CreatedRecord, end = Date.parse(r.endTime)): CreatedRecord => ({
    ...r,
    name: `${r.name} renamed`,
    endTime: new Date(end).toISOString(),
    edited: {
      renamed: true,
      retimed: end !== Date.parse(r.endTime),
      originalName: r.name,
      originalStart: r.startTime,
      originalEnd: r.endTime,
    },
  });

  it("passes a rename that reached the copy, and finds one that did not", () => {
    const e = renamed(s);
    assert.deepEqual(kinds(observe([config("source_wins")], [e], { strava: [held(e)], garmin: [copy(e, "g1")] })), []);
    assert.deepEqual(kinds(observe([config("source_wins")], [e], { strava: [held(e)], garmin: [copy(s, "g1")] })), ["edit_not_applied"]);
  });

  it("lets a Polar rename (no notice of edits) keep the old name at the copy", () => {
    const p = rec("a0", "polar", "p1", 0, 1800);
    const e = renamed(p);
    assert.deepEqual(kinds(observe([config("source_wins", "polar")], [e], { polar: [held(e)], garmin: [copy(p, "g1")] })), []);
  });

  it("lets a copy at Strava keep its old times after a time change (Strava cannot change times), not one at Garmin", () => {
    const g = rec("a0", "garmin", "g0", 0, 1800);
    const e = renamed(g, T0 + 1500_000);
    const stale = { ...copy(g, "s1"), name: e.name };
    assert.deepEqual(kinds(observe([config("source_wins", "garmin", "strava")], [e], { garmin: [held(e)], strava: [stale] })), []);
    const e2 = renamed(s, T0 + 1500_000);
    const stale2 = { ...copy(s, "g1"), name: e2.name };
    assert.deepEqual(kinds(observe([config("source_wins")], [e2], { strava: [held(e2)], garmin: [stale2] })), ["time_shifted"]);
    assert.deepEqual(kinds(observe([config("source_wins")], [e2], { strava: [held(e2)], garmin: [copy(e2, "g1")] })), []);
    // Edited twice at Garmin: a Strava copy written between the edits keeps the middle version's times.
    const twice = { ...renamed(e, T0 + 1200_000), edited: { ...(e.edited as NonNullable<CreatedRecord["edited"]>), pastSpans: [g, e] } };
    const middle = { ...copy(e, "s2"), name: twice.name };
    assert.deepEqual(kinds(observe([config("source_wins", "garmin", "strava")], [twice], { garmin: [held(twice)], strava: [middle] })), []);
  });

  it("finds a Garmin copy that outlived its Strava or Oura source's deletion; a Strava copy, or one of a Polar workout, may stay", () => {
    const gone = { ...s, deleted: true };
    assert.deepEqual(kinds(observe([config("source_wins")], [gone], { strava: [], garmin: [] })), []);
    assert.deepEqual(kinds(observe([config("source_wins")], [gone], { strava: [], garmin: [copy(s, "g1")] })), ["copy_not_deleted"]);
    const o = rec("a0", "oura", "o1", 0, 1800);
    const atStrava = { ...copy(o, "s1") };
    assert.deepEqual(
      kinds(observe([config("source_wins", "oura", "strava")], [{ ...o, deleted: true }], { oura: [], strava: [atStrava] })),
      [],
    );
    const p = rec("a0", "polar", "p1", 0, 1800);
    assert.deepEqual(
      kinds(observe([config("source_wins", "polar")], [{ ...p, deleted: true }], { polar: [], garmin: [copy(p, "g1")] })),
      [],
    );
  });

  it("knows a copy without an external id (a manual activity at Strava) by the sync log's destination id", () => {
    const o = rec("a0", "oura", "o1", 0, 1800);
    const manual: PartnerRecord = { ...held(o), id: "s9" };
    const observed = observe([config("source_wins", "oura", "strava")], [o], { oura: [held(o)], strava: [manual] });
    assert.deepEqual(kinds(observed), ["unexpected_write", "missing"]);
    const written = [{ config: "c0", sourceId: "o1", destinationId: "s9" }];
    assert.deepEqual(kinds({ ...observed, written }), []);
    const twice = { ...observed, final: { oura: [held(o)], strava: [manual, { ...manual, id: "s10" }] } };
    assert.deepEqual(kinds({ ...twice, written: [...written, { config: "c0", sourceId: "o1", destinationId: "s10" }] }), ["duplicate"]);
  });

  it("lets a record replace one the user had, although its own copy went with its source's deletion since", () => {
    const mine = rec("a1", "garmin", "g7", 600, 2400);
    const gone = { ...rec("a0", "oura", "o1", 0, 3000, 1), deleted: true };
    assert.deepEqual(kinds(observe([config("source_wins", "oura")], [gone, mine], { oura: [], garmin: [] })), []);
    assert.deepEqual(kinds(observe([config("dest_wins", "oura")], [gone, mine], { oura: [], garmin: [] })), ["deleted"]);
  });

  it("lets a record that conflicted with a destination record the user deleted go either way", () => {
    const mine = { ...rec("a1", "garmin", "g7", 600, 2400), deleted: true };
    assert.deepEqual(kinds(observe([config("dest_wins")], [s, mine], { strava: [held(s)], garmin: [copy(s, "g1")] })), []);
  });

  it("finds a deletion at the source that took a destination record that was not its copy", () => {
    const mine = rec("a1", "garmin", "g7", 5000, 6800);
    assert.deepEqual(kinds(observe([config("source_wins")], [{ ...s, deleted: true }, mine], { strava: [], garmin: [] })), ["deleted"]);
  });
});

describe("the model oracle: jobs and watermarks", () => {
  const base = observe([config("source_wins")], [], { strava: [], garmin: [] });

  it("passes jobs that ended, and a dead-lettered job with its reason", () => {
    const jobs = [
      { jobId: "j1", trigger: "manual", status: "succeeded" },
      { jobId: "j2", trigger: "webhook", status: "dead_lettered", errorCategory: "transient" },
      { jobId: "j3", trigger: "poll", status: "cancelled" },
    ];
    assert.deepEqual(oracle({ ...base, jobs }), []);
  });

  it("finds a job that did not end, one dead-lettered without a reason, a request answered with two jobs", () => {
    const o: Observation = {
      ...base,
      jobs: [
        { jobId: "j1", trigger: "webhook", status: "retrying" },
        { jobId: "j2", trigger: "manual", status: "dead_lettered" },
      ],
      requests: [{ key: "k", jobIds: ["j1", "j2"], failures: [] }],
    };
    assert.deepEqual(kinds(o), ["job_unfinished", "job_without_reason", "idempotency"]);
  });

  it("finds a watermark that moved back", () => {
    const watermarks = { c0: [undefined, "2026-03-02T08:00:00.000Z", "2026-03-02T09:00:00.000Z", "2026-03-02T08:30:00.000Z"] };
    assert.deepEqual(kinds({ ...base, watermarks }), ["watermark_regression"]);
    assert.deepEqual(kinds({ ...base, watermarks: { c0: [undefined, "2026-03-02T08:00:00.000Z", "2026-03-02T08:00:00.000Z"] } }), []);
  });
});
