import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SYNC_REASONS } from "@syncwell/core";
import { ARTICLES } from "../kb/articles.ts";
import { articleFor, explainFinding, findingForModel, pickFinding, resyncOffer } from "./syncLogAdvice.ts";
import type { SyncLogLine } from "./syncLogTool.ts";

const line = (over: Partial<SyncLogLine>): SyncLogLine => ({
  syncConfigId: "cfg-1",
  source: "strava",
  destination: "garmin",
  sourceId: "a-1",
  outcome: "skipped",
  reason: "filtered",
  jobId: "job-1",
  at: "2026-11-24T07:10:00.000Z",
  ...over,
});

describe("what the troubleshooter makes of a sync-log entry", () => {
  it("has a help article in the knowledge base for every reason a workout was skipped or failed", () => {
    const slugs = new Set(ARTICLES.map((a) => a.slug));
    const successes = new Set(["new", "changed_at_source", "deleted_at_source"]);
    for (const reason of SYNC_REASONS) {
      const slug = articleFor(reason);
      if (successes.has(reason)) assert.equal(slug, null, reason);
      else assert.ok(slug && slugs.has(slug), `${reason} → ${slug}`);
    }
  });

  it("offers a resync for failures and for copies deleted at the destination only", () => {
    const offered = SYNC_REASONS.filter((reason) => resyncOffer(line({ reason })) !== null);
    assert.deepEqual(offered, ["deleted_at_destination", "transient", "rate_limited", "auth", "permanent", "unknown"]);
    assert.deepEqual(resyncOffer(line({ reason: "transient", outcome: "failed", syncConfigId: "c/1", sourceId: "a 1" })), {
      syncConfigId: "c/1",
      sourceId: "a 1",
      method: "POST",
      path: "/v1/sync-configs/c%2F1/records/a%201/resync",
    });
  });

  it("picks the newest record whose latest decision was a skip or a failure", () => {
    const lines = [
      line({ sourceId: "a-3", outcome: "written", reason: "new", at: "2026-11-25T09:00:00.000Z" }),
      line({ sourceId: "a-2", outcome: "updated", reason: "changed_at_source", at: "2026-11-25T08:00:00.000Z" }),
      line({ sourceId: "a-2", outcome: "failed", reason: "transient", at: "2026-11-25T07:00:00.000Z" }),
      line({ sourceId: "a-1", outcome: "skipped", reason: "private", at: "2026-11-24T07:00:00.000Z" }),
      line({ sourceId: "a-0", outcome: "failed", reason: "auth", at: "2026-11-23T07:00:00.000Z" }),
    ];
    assert.equal(pickFinding(lines)?.sourceId, "a-1");
    assert.equal(pickFinding(lines.slice(0, 3)), null, "everything synced in the end");
    assert.equal(pickFinding([]), null);
  });

  it("prefers the day asked about, and a real skip over one already at the destination", () => {
    const lines = [
      line({ sourceId: "later", reason: "filtered", at: "2026-11-26T07:00:00.000Z" }),
      line({ sourceId: "there", reason: "already_at_destination", at: "2026-11-24T09:00:00.000Z" }),
      line({ sourceId: "that-day", reason: "conflict_kept_destination", at: "2026-11-24T08:00:00.000Z" }),
    ];
    assert.equal(pickFinding(lines, "2026-11-25T14:00:00.000Z")?.sourceId, "that-day");
    assert.equal(pickFinding(lines)?.sourceId, "later");
    assert.equal(pickFinding(lines.slice(1, 2), "2026-11-25T14:00:00.000Z")?.sourceId, "there", "still better than nothing");
  });

  it("explains in fixed words from the reason code, with ids and times only", () => {
    assert.equal(
      explainFinding(line({ reason: "conflict_kept_destination", destinationId: "g-9" })),
      "From your sync log: workout a-1 was skipped by your Strava → Garmin sync on Tue 24 Nov, 07:10 UTC: Garmin already had an overlapping workout, and this sync's conflict strategy kept the one at Garmin (reason: conflict_kept_destination).",
    );
    assert.match(
      explainFinding(line({ outcome: "failed", reason: "rate_limited" })),
      /failed in your Strava → Garmin sync .*limited how many requests/,
    );
    assert.equal(
      findingForModel(line({})),
      "sync cfg-1 strava->garmin record a-1 outcome=skipped reason=filtered at=2026-11-24T07:10:00.000Z",
    );
  });
});
