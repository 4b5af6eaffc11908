import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import {
  ConfigError,
  createDocumentClient,
  createDynamoDbClient,
  createRedis,
  createSqsClient,
  DEVELOPMENT_PARTNER_SECRETS,
  resourceNames,
} from "@syncwell/core";
import { isolatedPlatformConfig, PlatformError, startPlatform } from "@syncwell/platform";
import { createSyncUser, ok, round, type SyncUser } from "../client.ts";
import { simulatePolling } from "../pollingSimulation.ts";
import { measureWebhookBurst, WEBHOOK_BURST_ENV } from "../webhookBurst.ts";
import { gatewayLoad } from "./gatewayLoad.ts";
import { enqueueJobs, lastHeld, queueDrained } from "./jobs.ts";
import { partnerCosts } from "./partnerCosts.ts";
import { pausable } from "./pause.ts";
import { partnerCalls } from "./perUnit.ts";
import { ServiceProbe } from "./probe.ts";
import { rawQueueRates, rawTableRates } from "./rawQueue.ts";
import { addWorkouts, benchWorkouts } from "./replayPartners.ts";
import { type ReplayEndpoints, replayPlan } from "./replayPlan.ts";
import { printReport } from "./report.ts";
import { runReplay } from "./runReplay.ts";
import { combineReplays, type UnitFigures, unitFigures, withFloor } from "./unitFigures.ts";

/**
 * `npm run bench [-- --quick]`: SPEC §12 and §19 on an embedded platform of its own. Every kind of
 * unit (a sync request, a webhook event, an empty job, jobs of k records) is measured from outside
 * — AWS calls from the services' SDK counters, partner calls from providers-mock's, CPU from each
 * service's process — and then replayed raw, same calls, same concurrency, no engine logic, in a
 * process of its own: the floor. Prints tables and writes bench/results/latest.json.
 */
const QUICK = process.argv.includes("--quick");
const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
/** Says every 8 s that `work` is still running, so the bench is never silent for long. */
async function ticking<T>(what: string, work: Promise<T>): Promise<T> {
  const since = Date.now();
  const timer = setInterval(() => log(`    … ${what} (${Math.round((Date.now() - since) / 1000)} s)`), 8000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
const RESULTS = fileURLToPath(new URL("../../results/", import.meta.url));
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 16);
const GATEWAY_RATES: [number, number][] = QUICK
  ? [
      [50, 4],
      [200, 4],
    ]
  : [
      [50, 5],
      [200, 5],
      [500, 4],
    ];
/** Jobs of k records: [k, jobs]. */
const RECORD_JOBS: [number, number][] = QUICK
  ? [
      [1, 16],
      [10, 8],
      [100, 2],
      [1000, 1],
    ]
  : [
      [1, 32],
      [10, 16],
      [100, 4],
      [1000, 1],
    ];
const USERS = QUICK ? 50 : 100;

Object.assign(process.env, WEBHOOK_BURST_ENV, {
  GATEWAY_RATE_LIMIT_PER_MINUTE: "1000000",
  WORKER_CONCURRENCY: String(CONCURRENCY),
  // Production's long poll: an idle receive loop costs one call per 20 s, not one per second.
  SQS_WAIT_TIME_SECONDS: "20",
  // The worker is held still (SIGSTOP) while the gateway is measured; what it holds must not reappear.
  VISIBILITY_TIMEOUT_SECONDS: "300",
  // A 1,000-record job runs as one job, not as 20 turns of 50.
  MAX_RECORDS_PER_JOB: "1000",
  DLQ_WATCH_INTERVAL_SECONDS: "3600",
  TROUBLESHOOTER_LLM: "scripted",
  PROVIDERS_MOCK_DB_SCHEMA: `bench_${randomBytes(3).toString("hex")}`,
  SUPPORT_DB_SCHEMA: `bench_support_${randomBytes(3).toString("hex")}`,
});
const started = Date.now();
log(`starting the embedded platform …${QUICK ? " (--quick)" : ""}`);
let platform: Awaited<ReturnType<typeof startPlatform>>;
const config = await isolatedPlatformConfig(`bench-${randomBytes(2).toString("hex")}-`, { LOG_LEVEL: "error" });
try {
  platform = await ticking(
    "starting the services",
    startPlatform(config, (line) => log(`    ${line}`)),
  );
} catch (error) {
  if (error instanceof PlatformError || error instanceof ConfigError) {
    process.stderr.write(`bench: the platform is not up: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
process.once("SIGINT", () => void platform.stop().then(() => process.exit(130)));
const aws = {
  region: config.AWS_REGION,
  sqsEndpoint: platform.env.AWS_ENDPOINT_URL_SQS,
  dynamoDbEndpoint: platform.env.AWS_ENDPOINT_URL_DYNAMODB,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
};
const sqs = createSqsClient(aws);
const redis = createRedis(platform.env.REDIS_URL as string, { keyPrefix: platform.env.REDIS_KEY_PREFIX });
try {
  const { gateway, providersMock, worker, coalescer } = platform.urls;
  const hotPath = platform.queues.hotPathQueueUrl;
  const table = resourceNames(config.SYNCWELL_RESOURCE_PREFIX).table;
  const endpoints: ReplayEndpoints = {
    region: config.AWS_REGION,
    sqs: aws.sqsEndpoint as string,
    dynamoDb: aws.dynamoDbEndpoint as string,
    table,
    providersMock,
    // The partner clients the services use (this run's own secrets, development client ids).
    clients: {
      strava: {
        id: platform.env.STRAVA_CLIENT_ID ?? process.env.STRAVA_CLIENT_ID ?? "syncwell-strava",
        secret: platform.env.STRAVA_CLIENT_SECRET ?? DEVELOPMENT_PARTNER_SECRETS.STRAVA_CLIENT_SECRET,
      },
      garmin: {
        id: platform.env.GARMIN_CLIENT_ID ?? process.env.GARMIN_CLIENT_ID ?? "syncwell-garmin",
        secret: platform.env.GARMIN_CLIENT_SECRET ?? DEVELOPMENT_PARTNER_SECRETS.GARMIN_CLIENT_SECRET,
      },
    },
  };
  for (const provider of ["strava", "garmin", "oura"])
    await ok("POST", `${providersMock}/_admin/webhooks`, { json: { provider, enabled: false } });
  // Partner limits raised for the run: a 1,000-record job reads 1,000 payloads and pushes 1,000 uploads.
  const unlimited = 1_000_000;
  await ok("POST", `${providersMock}/_admin/rate-limits`, {
    json: {
      provider: "strava",
      limits: { "overall:15min": unlimited, "overall:daily": unlimited, "read:15min": unlimited, "read:daily": unlimited },
    },
  });
  await ok("POST", `${providersMock}/_admin/rate-limits`, { json: { provider: "garmin", limits: { "app:minute": unlimited } } });
  const probe = new ServiceProbe({ gateway, worker, coalescer }, providersMock);
  const scrapeCalls = await probe.calibrate();
  const figures: UnitFigures[] = [];
  /** Replays each service's share of the unit in a process of its own, side by side, as the services ran. */
  const floor = async (engine: UnitFigures, mode: { concurrency: number } | { perSecond: number }, sourceRecords = 0) => {
    log(`    floor: replaying ${Math.min(engine.units, "concurrency" in mode ? 1000 : engine.units)} × ${engine.unit} raw …`);
    const partner = Object.fromEntries(Object.entries(engine.partner.byOperation).map(([k, calls]) => [k, { calls }]));
    // Rates and CPU per unit do not need every unit again: a closed loop replays at most 1,000.
    const units = "concurrency" in mode ? Math.min(engine.units, 1000) : engine.units;
    const plans = engine.services.map((service, i) =>
      replayPlan({
        label: engine.services.length > 1 ? `${engine.unit} (${service})` : engine.unit,
        units,
        mode,
        sourceRecords,
        endpoints,
        aws: engine.awsBySyncWellService[service] ?? {},
        partner: i === 0 ? partner : {},
      }),
    );
    const replays = await ticking("replay", Promise.all(plans.map((plan) => runReplay(plan, log))));
    const result = withFloor(engine, combineReplays(replays));
    figures.push(result);
    return result;
  };

  let raw: Awaited<ReturnType<typeof rawQueueRates>> | undefined;
  let rawTable: Awaited<ReturnType<typeof rawTableRates>> | undefined;
  if (!QUICK) {
    log("raw emulator rates (fauxqs FIFO, 1,000 messages; dynalite, 500 items; 16 at a time) …");
    raw = await rawQueueRates(sqs, { messages: 1000, concurrency: 16, groups: 100 });
    const dynamoDb = createDynamoDbClient(aws);
    rawTable = await rawTableRates(createDocumentClient(dynamoDb), table, { items: 500, concurrency: 16 });
    dynamoDb.destroy();
  }

  log(`creating ${USERS} users with a Strava → Garmin config …`);
  const users: SyncUser[] = [];
  for (let i = 0; i < USERS; i++) {
    users.push(await createSyncUser(platform.urls, config.GATEWAY_JWT_SECRET, `bench-user-${i}`));
    if ((i + 1) % 25 === 0) log(`    ${i + 1}/${USERS}`);
  }

  log("gateway POST …/sync (the worker held still; its jobs wait on the queue) …");
  const workerHold = pausable("worker", log);
  const emptyWindow = await probe.start(["worker"], { partner: false });
  workerHold.pause();
  let accepted = 0;
  for (const [rate, seconds] of GATEWAY_RATES) {
    log(`    ${rate} requests/s offered for ${seconds} s …`);
    const window = await probe.start(["gateway"], { partner: true });
    const load = await gatewayLoad(gateway, users, rate, seconds);
    const cost = await window.stop();
    accepted += load.requests - load.errors;
    const engine = unitFigures({
      unit: `POST …/sync @${rate}/s`,
      cost,
      services: ["gateway"],
      units: load.requests - load.errors,
      seconds: (load.requests - load.errors) / load.achievedPerSecond,
      latencyMs: { p50: load.p50Ms, p99: load.p99Ms },
    });
    if (load.errors > 0) log(`    ${load.errors} requests failed`);
    await floor(engine, { perSecond: rate });
  }

  log(`worker: the ${accepted} empty-source jobs the gateway enqueued …`);
  await ok("POST", `${providersMock}/_admin/stats/reset`);
  const resumed = performance.now();
  workerHold.resume();
  await queueDrained(sqs, hotPath, (line) => log(`    ${line}`));
  const emptySeconds = (performance.now() - resumed) / 1000;
  const emptyCost = await emptyWindow.stop();
  emptyCost.partner = partnerCalls(await ok("GET", `${providersMock}/_admin/stats`));
  const emptyJobs = emptyCost.services.worker?.jobs.succeeded ?? 0;
  await floor(unitFigures({ unit: "empty-source job", cost: emptyCost, services: ["worker"], units: emptyJobs, seconds: emptySeconds }), {
    concurrency: CONCURRENCY,
  });

  for (const [k, jobs] of RECORD_JOBS) {
    log(`worker: ${jobs} job${jobs === 1 ? "" : "s"} of ${k} new record${k === 1 ? "" : "s"} (source_wins) …`);
    const owners: SyncUser[] = [];
    for (let i = 0; i < jobs; i++) {
      const user = await createSyncUser(platform.urls, config.GATEWAY_JWT_SECRET, `bench-k${k}-${i}-${randomBytes(2).toString("hex")}`);
      await addWorkouts(providersMock, "strava", user.sourceUserId, benchWorkouts(`Bench k${k}`, k));
      owners.push(user);
    }
    const window = await probe.start(["worker"], { partner: true });
    const sent = performance.now();
    await enqueueJobs(sqs, hotPath, owners);
    await queueDrained(sqs, hotPath, (line) => log(`    ${line}`));
    const seconds = (performance.now() - sent) / 1000;
    const cost = await window.stop();
    const done = cost.services.worker?.jobs.succeeded ?? 0;
    const written = cost.services.worker?.recordsWritten ?? 0;
    if (done !== jobs || written !== jobs * k)
      log(`    note: ${done} of ${jobs} jobs succeeded, ${written} of ${jobs * k} records written`);
    const unit = `${k}-record job`;
    await floor(
      unitFigures({ unit, cost, services: ["worker"], units: jobs, seconds, recordsPerUnit: k }),
      { concurrency: Math.min(CONCURRENCY, jobs) },
      k,
    );
  }

  log("partner calls and bytes per job (SPEC §12) …");
  const costs = await ticking(
    "partner costs",
    partnerCosts({ urls: platform.urls, jwtSecret: config.GATEWAY_JWT_SECRET, redis }, (line) => log(`  ${line}`)),
  );

  log("webhook events (1,000 events, 10 configs, 200/s; the worker held still, the jobs they make wait) …");
  let webhookWindow: Awaited<ReturnType<typeof probe.start>> | undefined;
  let drained: ReturnType<typeof lastHeld> | undefined;
  const webhooks = await ticking(
    "webhook events",
    measureWebhookBurst(
      platform,
      config.GATEWAY_JWT_SECRET,
      (line) => log(`    ${line}`),
      async () => {
        webhookWindow = await probe.start(["gateway", "coalescer"], { partner: true });
        workerHold.pause();
        drained = lastHeld(sqs, platform.queues.webhookQueueUrl);
      },
    ),
  );
  const webhookCost = await (webhookWindow as NonNullable<typeof webhookWindow>).stop();
  // An event is done when the coalescer has taken it off WebhookEventQueue (its job comes at the window's end).
  const webhookSeconds = Math.max((await drained?.stop()) ?? 0, 0) / 1000;
  workerHold.resume();
  await queueDrained(sqs, hotPath, (line) => log(`    webhook jobs: ${line}`));
  await floor(
    unitFigures({
      unit: "webhook event",
      cost: webhookCost,
      services: ["gateway", "coalescer"],
      units: webhooks.events,
      seconds: Math.max(webhookSeconds, webhooks.events / webhooks.achievedRatePerSecond),
      latencyMs: { p50: webhooks.ackLatencyMs.p50, p99: webhooks.ackLatencyMs.p99 },
    }),
    { perSecond: webhooks.offeredRatePerSecond },
  );

  log("polling: 1,000 simulated users × 7 days (the real scheduler on a fake clock) …");
  const polling = simulatePolling();

  const results = {
    measuredAt: new Date().toISOString(),
    command: `npm run bench${QUICK ? " -- --quick" : ""}`,
    machine: { cpus: cpus().length, node: process.version },
    seconds: Math.round((Date.now() - started) / 1000),
    workerConcurrency: CONCURRENCY,
    scrapeCallsSubtracted: scrapeCalls,
    units: figures,
    ...(raw && rawTable ? { rawQueue: raw, rawTable } : {}),
    partnerCosts: costs,
    webhooks,
    polling: {
      ...polling,
      callsSavedVsFixed15WithPreflight: round(polling.fixed15.preflightCalls / polling.adaptive.preflightCalls, 1),
    },
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  printReport(results);
  log(`done in ${results.seconds} s; written to bench/results/latest.json`);
} finally {
  redis.disconnect();
  sqs.destroy();
  await platform.stop();
}
