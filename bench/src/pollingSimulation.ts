import { emptyActivity, nextBaseInterval, nextPollDelay, recordActivity } from "@syncwell/poller";

/**
 * A simulated week of 1,000 users with realistic habits, polled by the real scheduling module
 * (fake clock) and, for comparison, every 15 minutes. Prints calls, syncs and sync delays.
 * Deterministic: a seeded PRNG, so every run prints the same numbers.
 */
const USERS = 1000;
const DAYS = 7;
const HOUR = 3600_000;
const BOUNDS = { minSeconds: 300, maxSeconds: 6 * 3600 };
const FIXED_SECONDS = 900;

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

/** Upload times (ms) of one user's workouts: most days, mostly around a preferred hour. */
function uploads(start: number): number[] {
  const preferred = random() < 0.5 ? 6 + Math.floor(random() * 3) : 17 + Math.floor(random() * 4);
  const perWeek = 2 + Math.floor(random() * 6);
  const times: number[] = [];
  for (let day = 0; day < DAYS; day++) {
    if (random() > perWeek / 7) continue;
    const hour = random() < 0.8 ? preferred + (random() - 0.5) * 2 : random() * 24;
    times.push(start + day * 24 * HOUR + hour * HOUR + 45 * 60_000); // uploaded when the workout ends
  }
  return times.sort((a, b) => a - b);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

export interface PollingFigures {
  users: number;
  days: number;
  workouts: number;
  adaptive: { preflightCalls: number; fullSyncs: number; medianDelayMinutes: number; p95DelayMinutes: number };
  fixed15: {
    preflightCalls: number;
    fullSyncsWithPreflight: number;
    fullSyncsWithoutPreflight: number;
    medianDelayMinutes: number;
    p95DelayMinutes: number;
  };
}

export function simulatePolling(): PollingFigures {
  const start = Date.parse("2026-11-16T00:00:00Z");
  const end = start + DAYS * 24 * HOUR;
  let workouts = 0;
  const adaptive = { calls: 0, syncs: 0, delays: [] as number[] };
  const fixed = { calls: 0, syncs: 0, delays: [] as number[] };
  for (let u = 0; u < USERS; u++) {
    const times = uploads(start);
    workouts += times.length;
    // Adaptive: the poller's own functions decide every next poll. Two warm-up weeks teach the pattern.
    let activity = emptyActivity();
    for (const t of times) for (let w = 1; w <= 2; w++) activity = recordActivity(activity, t - w * 7 * 24 * HOUR);
    let interval = 900;
    let now = start + random() * interval * 1000;
    let seen = start;
    while (now < end) {
      adaptive.calls += 1;
      const fresh = times.filter((t) => t > seen && t <= now);
      const hadData = fresh.length > 0;
      if (hadData) {
        adaptive.syncs += 1;
        for (const t of fresh) adaptive.delays.push(now - t);
        activity = recordActivity(activity, now);
      }
      seen = now;
      interval = nextBaseInterval(interval, hadData, BOUNDS);
      now += nextPollDelay(interval, activity, now, BOUNDS) * 1000;
    }
    // Fixed 15-minute polling.
    let last = start;
    for (let t = start + random() * FIXED_SECONDS * 1000; t < end; t += FIXED_SECONDS * 1000) {
      fixed.calls += 1;
      const fresh = times.filter((w) => w > last && w <= t);
      if (fresh.length > 0) {
        fixed.syncs += 1;
        for (const w of fresh) fixed.delays.push(t - w);
      }
      last = t;
    }
  }
  const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;
  return {
    users: USERS,
    days: DAYS,
    workouts,
    adaptive: {
      preflightCalls: adaptive.calls,
      fullSyncs: adaptive.syncs,
      medianDelayMinutes: minutes(median(adaptive.delays)),
      p95DelayMinutes: minutes(percentile(adaptive.delays, 95)),
    },
    fixed15: {
      preflightCalls: fixed.calls,
      fullSyncsWithPreflight: fixed.syncs,
      fullSyncsWithoutPreflight: fixed.calls,
      medianDelayMinutes: minutes(median(fixed.delays)),
      p95DelayMinutes: minutes(percentile(fixed.delays, 95)),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = simulatePolling();
  console.log(`Polling: ${f.users} users × ${f.days} days, ${f.workouts} workouts (real scheduling module, fake clock)`);
  console.table({
    "adaptive (pre-flight)": {
      "pre-flight calls": f.adaptive.preflightCalls,
      "full syncs": f.adaptive.fullSyncs,
      "median delay (min)": f.adaptive.medianDelayMinutes,
      "p95 delay (min)": f.adaptive.p95DelayMinutes,
    },
    "fixed 15 min + pre-flight": {
      "pre-flight calls": f.fixed15.preflightCalls,
      "full syncs": f.fixed15.fullSyncsWithPreflight,
      "median delay (min)": f.fixed15.medianDelayMinutes,
      "p95 delay (min)": f.fixed15.p95DelayMinutes,
    },
    "fixed 15 min, no pre-flight": {
      "pre-flight calls": 0,
      "full syncs": f.fixed15.fullSyncsWithoutPreflight,
      "median delay (min)": f.fixed15.medianDelayMinutes,
      "p95 delay (min)": f.fixed15.p95DelayMinutes,
    },
  });
}
