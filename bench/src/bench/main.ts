import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError, createDocumentClient, createDynamoDbClient, createRedis, createSqsClient, resourceNames } from "@syncwell/core";
import { isolatedPlatformConfig, PlatformError, startPlatform } from "@syncwell/platform";
import { createSyncUser, ok, round, type SyncUser } from "../client.ts";
import { simulatePolling } from "../pollingSimulation.ts";
import { measureWebhookBurst, WEBHOOK_BURST_ENV } from "../webhookBurst.ts";
import { gatewayLoad } from "./gatewayLoad.ts";
import { partnerCosts } from "./partnerCosts.ts";
import { rawQueueRates, rawTableRates } from "./rawQueue.ts";
import { queueDrained, workerThroughput } from "./workerThroughput.ts";

/**
 * `npm run bench`: SPEC §12's figures, each next to its baseline measured in the same run, on an
 * embedded platform of its own. Prints tables and writes bench/results/latest.json.
 */
const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const RESULTS = fileURLToPath(new URL("../../results/", import.meta.url));

Object.assign(process.env, WEBHOOK_BURST_ENV, {
  GATEWAY_RATE_LIMIT_PER_MINUTE: "1000000",
  WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? "16",
  SQS_WAIT_TIME_SECONDS: "1",
  DLQ_WATCH_INTERVAL_SECONDS: "3600",
  TROUBLESHOOTER_LLM: "scripted",
  PROVIDERS_MOCK_DB_SCHEMA: `bench_${randomBytes(3).toString("hex")}`,
  SUPPORT_DB_SCHEMA: `bench_support_${randomBytes(3).toString("hex")}`,
});
const started = Date.now();
log("starting the embedded platform …");
let platform: Awaited<ReturnType<typeof startPlatform>>;
const config = await isolatedPlatformConfig(`bench-${randomBytes(2).toString("hex")}-`, { LOG_LEVEL: "error" });
try {
  platform = await startPlatform(config);
} catch (error) {
  if (error instanceof PlatformError || error instanceof ConfigError) {
    process.stderr.write(`bench: the platform is not up: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
process.once("SIGINT", () => void platform.stop().then(() => process.exit(130)));
const sqs = createSqsClient({
  region: config.AWS_REGION,
  sqsEndpoint: platform.env.AWS_ENDPOINT_URL_SQS,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const redis = createRedis(platform.env.REDIS_URL as string, { keyPrefix: platform.env.REDIS_KEY_PREFIX });
try {
  const { gateway, providersMock, worker } = platform.urls;
  for (const provider of ["strava", "garmin", "oura"])
    await ok("POST", `${providersMock}/_admin/webhooks`, { json: { provider, enabled: false } });
  const unlimited = 1_000_000;
  await ok("POST", `${providersMock}/_admin/rate-limits`, {
    json: {
      provider: "strava",
      limits: { "overall:15min": unlimited, "overall:daily": unlimited, "read:15min": unlimited, "read:daily": unlimited },
    },
  });

  log("1/6 raw emulator rates (fauxqs, FIFO, 2,000 messages, 16 at a time) …");
  const raw = await rawQueueRates(sqs, { messages: 2000, concurrency: 16, groups: 100 });
  const dynamoDb = createDynamoDbClient({
    region: config.AWS_REGION,
    dynamoDbEndpoint: platform.env.AWS_ENDPOINT_URL_DYNAMODB,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const rawTable = await rawTableRates(createDocumentClient(dynamoDb), resourceNames(config.SYNCWELL_RESOURCE_PREFIX).table, {
    items: 1000,
    concurrency: 16,
  });
  dynamoDb.destroy();

  log("2/6 creating 100 users with a Strava → Garmin config …");
  const users: SyncUser[] = [];
  for (let i = 0; i < 100; i++) users.push(await createSyncUser(platform.urls, config.GATEWAY_JWT_SECRET, `bench-user-${i}`));
  log("    gateway at 50, 200 and 500 requests/s offered (5 s each) …");
  const gatewayAt50 = await gatewayLoad(gateway, users, 50, 5);
  const gatewayAt200 = await gatewayLoad(gateway, users, 200, 5);
  const gatewayAt500 = await gatewayLoad(gateway, users, 500, 5);
  // Let the worker drain what the gateway enqueued before timing it.
  await queueDrained(sqs, platform.queues.hotPathQueueUrl);

  log("3/6 worker: 1,000 empty-source jobs (100 users × 10) …");
  const emptyJobs = await workerThroughput({ sqs, queueUrl: platform.queues.hotPathQueueUrl, workerUrl: worker }, users, 10);
  log("    worker: 100 jobs of 5 new records each …");
  for (const u of users) {
    const base = Date.now() - 3 * 86400_000;
    await ok("POST", `${providersMock}/strava/_admin/users/${u.sourceUserId}/activities`, {
      json: Array.from({ length: 5 }, (_, k) => {
        const start = base + k * 3 * 3600_000;
        return {
          type: "run",
          name: `Bench ${k}`,
          startTime: new Date(start).toISOString(),
          endTime: new Date(start + 1800_000).toISOString(),
        };
      }),
    });
  }
  const fiveRecordJobs = await workerThroughput({ sqs, queueUrl: platform.queues.hotPathQueueUrl, workerUrl: worker }, users, 1);

  log("4/6 partner calls and bytes per job …");
  const costs = await partnerCosts({ urls: platform.urls, jwtSecret: config.GATEWAY_JWT_SECRET, redis }, log);

  log("5/6 webhook burst (1,000 events, 10 configs, 200/s) …");
  const webhooks = await measureWebhookBurst(platform, config.GATEWAY_JWT_SECRET, (line) => log(`    ${line}`));

  log("6/6 polling: 1,000 simulated users × 7 days (the real scheduler on a fake clock) …");
  const polling = simulatePolling();

  const results = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    seconds: Math.round((Date.now() - started) / 1000),
    rawQueue: raw,
    rawTable,
    gateway: {
      at50: { ...gatewayAt50, ratioToRawSend: round(gatewayAt50.achievedPerSecond / raw.sendPerSecond, 2) },
      at200: { ...gatewayAt200, ratioToRawSend: round(gatewayAt200.achievedPerSecond / raw.sendPerSecond, 2) },
      at500: { ...gatewayAt500, ratioToRawSend: round(gatewayAt500.achievedPerSecond / raw.sendPerSecond, 2) },
    },
    worker: {
      emptySource: { ...emptyJobs, ratioToRawReceiveDelete: round(emptyJobs.jobsPerSecond / raw.receiveDeletePerSecond, 3) },
      fiveRecords: { ...fiveRecordJobs, ratioToRawReceiveDelete: round(fiveRecordJobs.jobsPerSecond / raw.receiveDeletePerSecond, 3) },
      concurrency: Number(process.env.WORKER_CONCURRENCY),
    },
    partnerCosts: costs,
    webhooks,
    polling: {
      ...polling,
      callsSavedVsFixed15WithPreflight: round(polling.fixed15.preflightCalls / polling.adaptive.preflightCalls, 1),
    },
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}latest.json`, `${JSON.stringify(results, null, 2)}\n`);

  console.log("\nRaw queue (fauxqs) and the engine on top of it");
  console.table({
    "raw SendMessage": { "per second": raw.sendPerSecond, "ratio to raw": 1, p50_ms: "-", p99_ms: "-" },
    "gateway @50 rps offered": {
      "per second": gatewayAt50.achievedPerSecond,
      "ratio to raw": results.gateway.at50.ratioToRawSend,
      p50_ms: gatewayAt50.p50Ms,
      p99_ms: gatewayAt50.p99Ms,
    },
    "gateway @200 rps offered": {
      "per second": gatewayAt200.achievedPerSecond,
      "ratio to raw": results.gateway.at200.ratioToRawSend,
      p50_ms: gatewayAt200.p50Ms,
      p99_ms: gatewayAt200.p99Ms,
    },
    "gateway @500 rps offered": {
      "per second": gatewayAt500.achievedPerSecond,
      "ratio to raw": results.gateway.at500.ratioToRawSend,
      p50_ms: gatewayAt500.p50Ms,
      p99_ms: gatewayAt500.p99Ms,
    },
    "raw receive+delete (batched)": { "per second": raw.receiveDeletePerSecond, "ratio to raw": 1, p50_ms: "-", p99_ms: "-" },
    "worker, empty-source jobs": {
      "per second": emptyJobs.jobsPerSecond,
      "ratio to raw": results.worker.emptySource.ratioToRawReceiveDelete,
      p50_ms: "-",
      p99_ms: "-",
    },
    "worker, 5-record jobs": {
      "per second": fiveRecordJobs.jobsPerSecond,
      "ratio to raw": results.worker.fiveRecords.ratioToRawReceiveDelete,
      p50_ms: "-",
      p99_ms: "-",
    },
  });
  console.log(`Raw table (dynalite): PutItem ${rawTable.putPerSecond}/s, GetItem ${rawTable.getPerSecond}/s`);
  console.log(
    `SQS calls per message: worker ${emptyJobs.sqsCallsPerMessage} (empty), ${fiveRecordJobs.sqsCallsPerMessage} (5 records); raw batched loop ${raw.sqsCallsPerMessageRaw}`,
  );
  console.log("\nPartner calls and bytes per job (providers-mock's own counters)");
  const row = (c: { measured: { calls: number; bytes: number }; minimumCalls: number; naive: { calls: number; bytes: number } }) => ({
    calls: c.measured.calls,
    "minimum (SPEC §12)": c.minimumCalls,
    "naive calls": c.naive.calls,
    bytes: c.measured.bytes,
    "naive bytes": c.naive.bytes,
  });
  console.table({
    "empty source": row(costs.empty),
    "5 new (source_wins)": row(costs.allNew),
    "5 new + 20 synced in lookback": row(costs.newAmongTwentySynced),
    "5 conflicting (dest_wins)": row(costs.allConflictingDestWins),
    "5 new, confidence skip": row(costs.confidenceSkip),
  });
  console.log("\nWebhooks and polling");
  console.table({
    "webhook events per job (coalescing)": webhooks.eventsPerJob,
    "webhook ack p50 (ms)": webhooks.ackLatencyMs.p50,
    "webhook ack p99 (ms)": webhooks.ackLatencyMs.p99,
    "polling calls, adaptive (1,000 users × 7 d)": polling.adaptive.preflightCalls,
    "polling calls, fixed 15 min": polling.fixed15.preflightCalls,
    "polling median delay adaptive / fixed (min)": `${polling.adaptive.medianDelayMinutes} / ${polling.fixed15.medianDelayMinutes}`,
  });
  log(`done in ${results.seconds} s; written to bench/results/latest.json`);
} finally {
  redis.disconnect();
  sqs.destroy();
  await platform.stop();
}
