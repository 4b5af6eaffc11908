import { pct, round, type SyncUser } from "../client.ts";

/**
 * Open-loop load on `POST /v1/sync-configs/{id}/sync`: a request leaves every 1/rate s whether or
 * not earlier ones were answered, each with its own Idempotency-Key, spread over `users`.
 */
export async function gatewayLoad(gateway: string, users: readonly SyncUser[], rate: number, seconds: number) {
  const total = rate * seconds;
  const latencies: number[] = [];
  let errors = 0;
  const sends: Promise<void>[] = [];
  const started = performance.now();
  let lastDone = started;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const user = users[i % users.length] as SyncUser;
    const sent = performance.now();
    sends.push(
      fetch(`${gateway}/v1/sync-configs/${user.syncConfigId}/sync`, {
        method: "POST",
        headers: { authorization: `Bearer ${user.token}`, "idempotency-key": `bench-${rate}-${i}` },
      })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 202) errors += 1;
          else latencies.push(performance.now() - sent);
          lastDone = performance.now();
        })
        .catch(() => {
          errors += 1;
        }),
    );
  }
  await Promise.all(sends);
  latencies.sort((a, b) => a - b);
  return {
    offeredPerSecond: rate,
    requests: total,
    errors,
    achievedPerSecond: round(latencies.length / ((lastDone - started) / 1000), 0),
    p50Ms: round(pct(latencies, 50)),
    p99Ms: round(pct(latencies, 99)),
  };
}
