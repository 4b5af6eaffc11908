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

  const payload = average(allNew.stats, "strava", "get_payload");
  const sourceList = average(allNew.stats, "strava", "list_metadata");
  const destinationList = average(allConflicting.stats, "garmin", "list_metadata") || sourceList;
  const push = average(allNew.stats, "garmin", "create");
  const naive = (listed: number, pushes: number): Cost => ({
    calls: 1 + listed + 1 + pushes,
    bytes: Math.round(sourceList + listed * payload + destinationList + pushes * push),
  });
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
    recordsWritten: {
      allNew: allNew.recordsWritten,
      allConflicting: allConflicting.recordsWritten,
      confidenceSkip: confidenceSkip.recordsWritten,
    },
  };
}
