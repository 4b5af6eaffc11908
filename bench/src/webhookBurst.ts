import { randomBytes } from "node:crypto";
import { signJwt } from "@syncwell/core";
import { isolatedPlatformConfig, type RunningPlatform, startPlatform } from "@syncwell/platform";

/**
 * 1,000 Strava webhook events for 10 sync configs, sent to the real gateway at a fixed offered
 * load of 200 requests/s (open loop: a request leaves every 5 ms whether or not the last one was
 * answered). Reports the acknowledgement latency and how many jobs the coalescer produced.
 */
const EVENTS = 1000;
const CONFIGS = 10;
const RATE = 200;
const WINDOW_SECONDS = 5;

const post = async (url: string, json: unknown, token?: string): Promise<Record<string, string>> => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(json),
  });
  const body = (await res.json()) as Record<string, string>;
  if (!res.ok) throw new Error(`${url} → ${res.status} ${JSON.stringify(body)}`);
  return body;
};

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** Needs the platform started with COALESCE_WINDOW_SECONDS = WINDOW_SECONDS and a high gateway rate limit. */
export const WEBHOOK_BURST_ENV = { COALESCE_WINDOW_SECONDS: String(WINDOW_SECONDS), GATEWAY_RATE_LIMIT_PER_MINUTE: "100000" };

export async function webhookBurst(progress: (line: string) => void = console.log) {
  Object.assign(process.env, WEBHOOK_BURST_ENV);
  const config = await isolatedPlatformConfig(`bench-${randomBytes(2).toString("hex")}-`);
  progress("starting the platform …");
  const platform = await startPlatform(config);
  try {
    return await measureWebhookBurst(platform, config.GATEWAY_JWT_SECRET, progress);
  } finally {
    await platform.stop();
  }
}

/**
 * The burst against a running platform (started with {@link WEBHOOK_BURST_ENV}). `beforeSend`
 * runs once the users exist, just before the first event (the bench starts measuring there).
 */
export async function measureWebhookBurst(
  platform: RunningPlatform,
  jwtSecret: string,
  progress: (line: string) => void,
  beforeSend: () => Promise<void> = async () => {},
) {
  await post(`${platform.urls.providersMock}/_admin/webhooks`, { provider: "strava", enabled: false });
  progress(`creating ${CONFIGS} users with a Strava → Garmin config …`);
  const owners: string[] = [];
  for (let i = 0; i < CONFIGS; i++) {
    const token = signJwt(jwtSecret, `bench-burst-${i}`, 3600);
    const strava = await post(`${platform.urls.providersMock}/strava/_admin/users`, {});
    const garmin = await post(`${platform.urls.providersMock}/garmin/_admin/users`, {});
    const s = await post(
      `${platform.urls.gateway}/v1/connections`,
      { provider: "strava", authorizationCode: strava.authorizationCode },
      token,
    );
    const d = await post(
      `${platform.urls.gateway}/v1/connections`,
      { provider: "garmin", authorizationCode: garmin.authorizationCode },
      token,
    );
    await post(
      `${platform.urls.gateway}/v1/sync-configs`,
      { sourceConnectionId: s.connectionId, destinationConnectionId: d.connectionId, dataType: "workouts" },
      token,
    );
    owners.push(String(strava.partnerUserId));
  }
  const producedBefore = await metric(platform.urls.coalescer, "syncwell_webhook_jobs_produced_total");
  await beforeSend();
  progress(`sending ${EVENTS} events at ${RATE}/s …`);
  const latencies: number[] = [];
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    const event = {
      object_type: "activity",
      object_id: 10_000 + i,
      aspect_type: "create",
      owner_id: Number(owners[i % CONFIGS]),
      subscription_id: 1,
      event_time: Math.floor(Date.now() / 1000),
      updates: {},
    };
    sends.push(
      fetch(`${platform.urls.gateway}/webhooks/strava`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
      }).then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        latencies.push(performance.now() - sent);
      }),
    );
  }
  await Promise.all(sends);
  const sendSeconds = (performance.now() - started) / 1000;
  progress(`waiting for the coalescing windows (${WINDOW_SECONDS} s) to close …`);
  const deadline = Date.now() + (WINDOW_SECONDS + 20) * 1000;
  let produced = 0;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = (await metric(platform.urls.coalescer, "syncwell_webhook_jobs_produced_total")) - producedBefore;
    if (now !== produced) {
      produced = now;
      stableSince = Date.now();
    } else if (produced > 0 && Date.now() - stableSince > (WINDOW_SECONDS + 2) * 1000) break;
  }
  latencies.sort((a, b) => a - b);
  return {
    events: EVENTS,
    configs: CONFIGS,
    offeredRatePerSecond: RATE,
    achievedRatePerSecond: Math.round(EVENTS / sendSeconds),
    ackLatencyMs: {
      p50: Math.round(pct(latencies, 50) * 10) / 10,
      p99: Math.round(pct(latencies, 99) * 10) / 10,
      max: Math.round((latencies.at(-1) ?? 0) * 10) / 10,
    },
    windowSeconds: WINDOW_SECONDS,
    jobsProduced: produced,
    eventsPerJob: Math.round((EVENTS / Math.max(1, produced)) * 10) / 10,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await webhookBurst();
  console.log(JSON.stringify(figures, null, 2));
}
