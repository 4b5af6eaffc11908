import type { Redis } from "@syncwell/core";
import { createSyncUser, ok, type SyncUser, sleep } from "../client.ts";

type Stats = Record<string, Record<string, { calls: number; bytes: number }>>;
export interface Cost {
  calls: number;
  bytes: number;
}
export interface JobCost {
  measured: Cost;
  /** SPEC §12's minimum number of partner calls for this job. */
  minimumCalls: number;
  /** Fetch every listed payload and always the destination, from this run's per-call sizes. */
  naive: Cost;
  perOperation: Record<string, number>;
}

const RECORDS = 5;
const span = (start: number, ms: number) => ({ startTime: new Date(start).toISOString(), endTime: new Date(start + ms).toISOString() });
const slot = (n: number) => {
  const start = Math.floor((Date.now() - (n + 1) * 3 * 3600_000) / 1000) * 1000;
  return { startTime: new Date(start).toISOString(), endTime: new Date(start + 45 * 60_000).toISOString() };
};

/**
 * Partner calls and bytes of one job of each kind, read from providers-mock's own counters (the
 * partners' view). Each kind runs for a fresh user, so nothing else touches the counters.
 */
export async function partnerCosts(
  deps: { urls: { gateway: string; providersMock: string }; jwtSecret: string; redis: Redis },
  progress: (line: string) => void,
) {
  const { gateway, providersMock } = deps.urls;
  const record = async (provider: string, partnerUserId: string, workouts: object[]) =>
    ok("POST", `${providersMock}/${provider}/_admin/users/${partnerUserId}/activities`, { json: workouts });
  const workouts = (name: string, count = RECORDS, offset = 0) =>
    Array.from({ length: count }, (_, i) => i + offset).map((n) => ({
      type: "run",
      name: `${name} ${n}`,
      ...slot(n),
      samples: Array.from({ length: 60 }, (_, s) => ({ offsetSeconds: s * 60, heartRate: 120 + (s % 30) })),
    }));
  const nights = () =>
    Array.from({ length: RECORDS }, (_, n) => {
      const start = Math.floor((Date.now() - (n + 1) * 86400_000 - 8 * 3600_000) / 1000) * 1000;
      const stages = [
        { stage: "light", startOffsetSeconds: 0, seconds: 5400 },
        { stage: "deep", startOffsetSeconds: 5400, seconds: 3600 },
        { stage: "rem", startOffsetSeconds: 9000, seconds: 1800 },
        { stage: "light", startOffsetSeconds: 10800, seconds: 16200 },
      ];
      return { kind: "sleep", type: "other", name: "Sleep", ...span(start, 7.5 * 3600_000), sleep: { stages } };
    });
  const weighIns = () =>
    Array.from({ length: RECORDS }, (_, n) => {
      const at = Math.floor((Date.now() - (n + 1) * 86400_000) / 1000) * 1000;
      return { kind: "body", type: "other", name: "Weigh-in", ...span(at, 0), body: { weightKg: 72 + n / 10, fatPercent: 18 } };
    });
  let counter = 0;
  const unique = () => `${Date.now()}-${counter++}`;
  const runJob = async (user: SyncUser): Promise<{ stats: Stats; recordsWritten: number }> => {
    await ok("POST", `${providersMock}/_admin/stats/reset`);
    const { jobId } = await ok<{ jobId: string }>("POST", `${gateway}/v1/sync-configs/${user.syncConfigId}/sync`, {
      token: user.token,
      headers: { "idempotency-key": `cost-${unique()}` },
    });
    for (let i = 0; i < 600; i++) {
      const job = await ok<{ status: string; recordsWritten?: number }>("GET", `${gateway}/v1/sync-jobs/${jobId}`, { token: user.token });
      if (job.status === "succeeded")
        return { stats: await ok<Stats>("GET", `${providersMock}/_admin/stats`), recordsWritten: job.recordsWritten ?? 0 };
      if (job.status === "dead_lettered" || job.status === "cancelled") throw new Error(`bench job ${job.status}`);
      await sleep(50);
    }
    throw new Error("bench job did not finish in 30 s");
  };
  const user = (name: string, strategy = "source_wins") =>
    createSyncUser(deps.urls, deps.jwtSecret, `bench-cost-${name}-${unique()}`, { strategy });

  const flatten = (stats: Stats) => {
    const perOperation: Record<string, number> = {};
    let calls = 0;
    let bytes = 0;
    for (const [provider, operations] of Object.entries(stats))
      for (const [operation, s] of Object.entries(operations)) {
        if (operation === "oauth_token" || s.calls === 0) continue;
        perOperation[`${provider}.${operation}`] = s.calls;
        calls += s.calls;
        bytes += s.bytes;
      }
    return { calls, bytes, perOperation };
  };
  const average = (stats: Stats, provider: string, operation: string) => {
    const s = stats[provider]?.[operation];
    return s && s.calls > 0 ? s.bytes / s.calls : 0;
  };

  progress("  empty source …");
  const empty = await runJob(await user("empty"));
  progress(`  ${RECORDS} new records (source_wins) …`);
  const fresh = await user("new");
  await record("strava", fresh.sourceUserId, workouts("New"));
  const allNew = await runJob(fresh);
  progress(`  ${RECORDS} new records next to 20 already synced within the lookback …`);
  const seasoned = await user("seasoned");
  await record("strava", seasoned.sourceUserId, workouts("Old", 20, RECORDS));
  await runJob(seasoned);
  await record("strava", seasoned.sourceUserId, workouts("Fresh"));
  const newAmongSynced = await runJob(seasoned);
  progress(`  ${RECORDS} records that all conflict (dest_wins) …`);
  const conflicting = await user("conflict", "dest_wins");
  await record("strava", conflicting.sourceUserId, workouts("Strava"));
  await record("garmin", conflicting.destinationUserId, workouts("Watch"));
  const allConflicting = await runJob(conflicting);
  progress(`  ${RECORDS} new records after 10 empty destination fetches (newest_wins, confidence skip) …`);
  const confident = await user("confident", "newest_wins");
  await deps.redis.set(`sync:confidence:${confident.userId}:garmin`, "10");
  await record("strava", confident.sourceUserId, workouts("Confident"));
  const confidenceSkip = await runJob(confident);
  // SPEC §18: the other data types, each to the destination that takes it.
  progress(`  ${RECORDS} nights of sleep, Oura → Garmin …`);
  const sleeper = await createSyncUser(deps.urls, deps.jwtSecret, `bench-cost-sleep-${unique()}`, { source: "oura", dataType: "sleep" });
  await record("oura", sleeper.sourceUserId, nights());
  const nightsJob = await runJob(sleeper);
  progress(`  ${RECORDS} weigh-ins, Withings → Garmin …`);
  const weigher = await createSyncUser(deps.urls, deps.jwtSecret, `bench-cost-body-${unique()}`, { source: "withings", dataType: "body" });
  await record("withings", weigher.sourceUserId, weighIns());
  const weighInsJob = await runJob(weigher);

  const payload = average(allNew.stats, "strava", "get_payload");
  const sourceList = average(allNew.stats, "strava", "list_metadata");
  const destinationList = average(allConflicting.stats, "garmin", "list_metadata") || sourceList;
  const push = average(allNew.stats, "garmin", "create");
  const naive = (listed: number, pushes: number): Cost => ({
    calls: 1 + listed + 1 + pushes,
    bytes: Math.round(sourceList + listed * payload + destinationList + pushes * push),
  });
  /** The naive job for another data type, from that job's own per-call sizes (its reads stand for a payload read). */
  const naiveOf = (stats: Stats, source: string): Cost => {
    const read = average(stats, source, "get_payload") || average(stats, source, "list_metadata");
    return {
      calls: 1 + RECORDS + 1 + RECORDS,
      bytes: Math.round(
        average(stats, source, "list_metadata") + RECORDS * read + destinationList + RECORDS * average(stats, "garmin", "create"),
      ),
    };
  };
  const cost = (job: { stats: Stats }, minimumCalls: number, naiveCost: Cost): JobCost => {
    const { calls, bytes, perOperation } = flatten(job.stats);
    return { measured: { calls, bytes }, minimumCalls, naive: naiveCost, perOperation };
  };
  return {
    recordsPerJob: RECORDS,
    empty: cost(empty, 1, naive(0, 0)),
    allNew: cost(allNew, 1 + 2 * RECORDS, naive(RECORDS, RECORDS)),
    newAmongTwentySynced: cost(newAmongSynced, 1 + 2 * RECORDS, naive(RECORDS + 20, RECORDS)),
    allConflictingDestWins: cost(allConflicting, 2, naive(RECORDS, 0)),
    confidenceSkip: cost(confidenceSkip, 1 + 2 * RECORDS, naive(RECORDS, RECORDS)),
    // A night's stages are read per night written; a weigh-in's listing carries its values (no payload read).
    sleep: cost(nightsJob, 1 + 2 * RECORDS, naiveOf(nightsJob.stats, "oura")),
    body: cost(weighInsJob, 1 + RECORDS, naiveOf(weighInsJob.stats, "withings")),
    recordsWritten: {
      allNew: allNew.recordsWritten,
      allConflicting: allConflicting.recordsWritten,
      confidenceSkip: confidenceSkip.recordsWritten,
      sleep: nightsJob.recordsWritten,
      body: weighInsJob.recordsWritten,
    },
  };
}
