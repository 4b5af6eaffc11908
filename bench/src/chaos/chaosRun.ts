import { randomBytes } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createDynamoDbClient, createSqsClient, resourceNames } from "@syncwell/core";
import { isolatedPlatformConfig, type RunningPlatform, startPlatform } from "@syncwell/platform";
import { createSyncUser, http, metric, ok, type SyncUser, sleep } from "../client.ts";
import { check, type Observations, type Report } from "./checker.ts";
import { dlqReasons, leftover, waitForQueuesEmpty } from "./queues.ts";
import { startWorkerPool, type WorkerPool } from "./workers.ts";

export interface ChaosOptions {
  /** Sync requests the clients make (one recorded workout each). */
  jobs: number;
  /** Users (one Strava → Garmin config each); their jobs are serialised by the FIFO group. */
  users: number;
  /** About one worker `kill -9` per this many jobs. */
  jobsPerCrash: number;
  /** Requests in flight at once. */
  clients: number;
  /** Worker processes consuming the queue at once (kill -9 hits one of them at random). */
  workers?: number;
}

export interface ChaosResult {
  options: ChaosOptions;
  report: Report;
  seconds: number;
  events: {
    workers: number;
    workerCrashes: number;
    redisRestarts: number;
    duplicateWebhooks: number;
    clientRetries: number;
    missingBeforeSettle: number;
  };
  /** Jobs that did not finish, by the status they were left in (diagnosis of a failed run). */
  unfinished: Record<string, number>;
}

const TERMINAL = new Set(["succeeded", "dead_lettered", "cancelled"]);
const PARTNER_FAULTS = [
  ...["list_metadata", "get_payload"].map((operation) => ({ provider: "strava", operation })),
  { provider: "garmin", operation: "create" },
].flatMap((target) => [
  { ...target, status: 500, probability: 0.1 },
  { ...target, status: 429, probability: 0.1 },
  { ...target, latencyMs: 40, probability: 0.3 },
]);

/**
 * The Jepsen-style run of SPEC §12: clients make `jobs` sync requests (each one retried) while
 * partners fail 10 % of calls with 5xx and 10 % with 429 and add latency, the worker is killed
 * with SIGKILL about once per `jobsPerCrash` jobs, Redis restarts empty half-way, and every
 * webhook is delivered twice. Then faults stop, each config syncs once more, and the checker
 * compares what the partners hold.
 */
export async function runChaos(options: ChaosOptions, progress: (line: string) => void = () => {}): Promise<ChaosResult> {
  const started = Date.now();
  Object.assign(process.env, {
    RETRY_BASE_SECONDS: "0",
    VISIBILITY_TIMEOUT_SECONDS: "5",
    HEARTBEAT_SECONDS: "2",
    SQS_WAIT_TIME_SECONDS: "1",
    COALESCE_WINDOW_SECONDS: "1",
    GATEWAY_RATE_LIMIT_PER_MINUTE: "1000000",
    STRAVA_UPLOAD_PROCESSING_MS: "50",
    // Support gives a message SQS moved on its own (a job killed mid-way 5 times) its reason.
    DLQ_WATCH_INTERVAL_SECONDS: "2",
    TROUBLESHOOTER_LLM: "scripted",
    PROVIDERS_MOCK_DB_SCHEMA: `chaos_${randomBytes(3).toString("hex")}`,
    SUPPORT_DB_SCHEMA: `chaos_support_${randomBytes(3).toString("hex")}`,
  });
  const config = await isolatedPlatformConfig(`chaos-${randomBytes(2).toString("hex")}-`, {
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? "fatal",
  });
  config.REDIS_URL = undefined; // a Redis of its own, so it can be restarted
  progress("starting the platform (own Redis) …");
  const platform = await startPlatform(config);
  const aws = {
    region: config.AWS_REGION,
    sqsEndpoint: platform.env.AWS_ENDPOINT_URL_SQS,
    dynamoDbEndpoint: platform.env.AWS_ENDPOINT_URL_DYNAMODB,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  const sqs = createSqsClient(aws);
  const dynamoDb = createDynamoDbClient(aws);
  let workers: WorkerPool | undefined;
  const stopAll = async () => {
    await workers?.stop();
    await platform.stop();
  };
  // Ctrl-C stops everything this run started.
  const interrupted = () => void stopAll().then(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const count = options.workers ?? 1;
    if (count > 1) progress(`starting ${count - 1} more workers on the same queue …`);
    workers = await startWorkerPool(platform, count);
    const table = { db: createDocumentClient(dynamoDb), name: resourceNames(config.SYNCWELL_RESOURCE_PREFIX).table };
    return await drive({ platform, workers, sqs, table }, config.GATEWAY_JWT_SECRET, options, progress, started);
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    sqs.destroy();
    dynamoDb.destroy();
    await stopAll();
  }
}

/** What the run drives and observes. */
interface Harness {
  platform: RunningPlatform;
  workers: WorkerPool;
  sqs: SQSClient;
  /** The metadata table, where every job has its status item (webhook and poll jobs from their first attempt). */
  table: { db: DynamoDBDocumentClient; name: string };
}

async function drive(
  { platform, workers, sqs, table }: Harness,
  jwtSecret: string,
  options: ChaosOptions,
  progress: (line: string) => void,
  started: number,
): Promise<ChaosResult> {
  const { gateway, providersMock } = platform.urls;
  for (const provider of ["garmin", "oura"]) await ok("POST", `${providersMock}/_admin/webhooks`, { json: { provider, enabled: false } });
  await ok("POST", `${providersMock}/_admin/webhooks`, { json: { provider: "strava", enabled: true } });
  // Strava's default app limits (100 reads per 15 min) would make this a rate-limit test; the
  // 429s here are the injected 10 %.
  const unlimited = 1_000_000;
  await ok("POST", `${providersMock}/_admin/rate-limits`, {
    json: {
      provider: "strava",
      limits: { "overall:15min": unlimited, "overall:daily": unlimited, "read:15min": unlimited, "read:daily": unlimited },
    },
  });
  progress(`worker ${platform.urls.worker}, gateway ${gateway}; creating ${options.users} users with a Strava → Garmin config …`);
  const users: SyncUser[] = [];
  for (let i = 0; i < options.users; i++) users.push(await createSyncUser(platform.urls, jwtSecret, `chaos-user-${i}`));

  const events = {
    workers: workers.urls().length,
    workerCrashes: 0,
    redisRestarts: 0,
    duplicateWebhooks: 0,
    clientRetries: 0,
    missingBeforeSettle: 0,
  };
  const requests: { key: string; jobIds: string[] }[] = [];
  const lastSyncTimes = new Map<string, (string | undefined)[]>(users.map((u) => [u.syncConfigId, []]));
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const u of users) {
        const reply = await http<{ lastSyncTime?: string }>("GET", `${gateway}/v1/sync-configs/${u.syncConfigId}`, {
          token: u.token,
        }).catch(() => undefined);
        if (reply?.status === 200) lastSyncTimes.get(u.syncConfigId)?.push(reply.body.lastSyncTime);
      }
      await sleep(300);
    }
  })();

  for (const fault of PARTNER_FAULTS) await ok("POST", `${providersMock}/_admin/faults`, { json: fault });
  progress(`${options.jobs} jobs with faults on (5xx 10 %, 429 10 %, latency 30 %), worker kill -9 every ~${options.jobsPerCrash} jobs …`);

  /** A client's sync request: sent twice at once (a retry racing the original), re-sent while in progress. */
  const syncRequest = async (user: SyncUser, key: string) => {
    const jobIds: string[] = [];
    requests.push({ key, jobIds });
    const attempt = async () => {
      for (let tries = 0; tries < 120; tries++) {
        const reply = await http<{ jobId?: string }>("POST", `${gateway}/v1/sync-configs/${user.syncConfigId}/sync`, {
          token: user.token,
          headers: { "idempotency-key": key },
        }).catch(() => ({ status: 0, body: {} as { jobId?: string } }));
        if (reply.status === 202 && reply.body.jobId) return void jobIds.push(reply.body.jobId);
        events.clientRetries += 1;
        await sleep(reply.status === 409 ? 200 : 500);
      }
    };
    await Promise.all([attempt(), attempt()]);
  };

  // The crasher: kill -9 a worker (one of them, at random) at a random moment after about every
  // `jobsPerCrash` jobs the workers finished (their own counters: a fresh worker starts from 0).
  let crashing = true;
  const finishedBy = (url: string) =>
    metric(url, "syncwell_jobs_processed_total", 'outcome="succeeded"')
      .then(async (n) => n + (await metric(url, "syncwell_jobs_processed_total", 'outcome="dead_lettered"')))
      .catch(() => 0);
  const finished = async () => (await Promise.all(workers.urls().map(finishedBy))).reduce((a, b) => a + b, 0);
  const crasher = (async () => {
    while (crashing) {
      const due = Math.max(1, Math.round(options.jobsPerCrash * (0.5 + Math.random())));
      const base = await finished();
      while (crashing && (await finished()) - base < due) await sleep(100);
      if (!crashing) return;
      await sleep(Math.random() * 300);
      await workers.crashOne();
      events.workerCrashes += 1;
    }
  })();
  let chaos: Promise<void> = Promise.resolve();
  const workoutsPerUser = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < options.jobs; i++) {
    const user = users[i % users.length] as SyncUser;
    const n = workoutsPerUser.get(user.userId) ?? 0;
    workoutsPerUser.set(user.userId, n + 1);
    const job = (async () => {
      // Workouts of one user never overlap: each 30 minutes, 2 hours apart, within the last days.
      const start = Date.now() - (n + 1) * 2 * 3600_000;
      const [recorded] = await ok<Array<{ id: string }>>("POST", `${providersMock}/strava/_admin/users/${user.sourceUserId}/activities`, {
        json: [
          { type: "run", name: `Chaos ${n}`, startTime: new Date(start).toISOString(), endTime: new Date(start + 1800_000).toISOString() },
        ],
      });
      // The partner's webhook has been delivered once by the mock; a partner retry delivers it again.
      await http("POST", `${gateway}/webhooks/strava`, {
        json: {
          object_type: "activity",
          object_id: Number(recorded?.id),
          aspect_type: "create",
          owner_id: Number(user.sourceUserId),
          subscription_id: 1,
          event_time: Math.floor(Date.now() / 1000),
          updates: {},
        },
      });
      events.duplicateWebhooks += 1;
      await syncRequest(user, `chaos-${i}`);
    })();
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
    if (inFlight.size >= options.clients) await Promise.race(inFlight);
    if (i === Math.floor(options.jobs / 2))
      chaos = chaos.then(async () => {
        await platform.restartRedis();
        events.redisRestarts += 1;
      });
    if ((i + 1) % Math.max(1, Math.floor(options.jobs / 10)) === 0) progress(`  ${i + 1}/${options.jobs} requests sent`);
  }
  await Promise.all(inFlight);
  await chaos;
  const jobIds = () => [...new Set(requests.flatMap((r) => r.jobIds))];
  progress(`all requests answered (${jobIds().length} jobs); waiting for every job to finish …`);
  await waitForJobs(gateway, users, requests, Math.max(240_000, options.jobs * 800), progress);
  crashing = false;
  await crasher;

  await ok("DELETE", `${providersMock}/_admin/faults`);
  const missing = async () => (await partnerData(providersMock, users)).reduce((sum, u) => sum + missingOf(u), 0);
  events.missingBeforeSettle = await missing();
  progress(`faults off (${events.missingBeforeSettle} records not yet at Garmin); one more sync per config, then settling …`);
  await Promise.all(users.map((u, i) => syncRequest(u, `settle-${i}`)));
  await waitForJobs(gateway, users, requests, 120_000, progress);
  await waitForQueuesEmpty(sqs, platform, 60_000);
  // The webhooks' and the poller's jobs too: every job item in the table ends finished.
  await waitForTableJobs(table, 120_000, progress);
  sampling = false;
  await sampler;

  const statuses: Map<string, JobSeen | undefined> = new Map(await tableJobs(table));
  for (const id of jobIds()) {
    const seen = await jobStatus(gateway, users, requests, id);
    statuses.set(id, seen && { ...seen, trigger: statuses.get(id)?.trigger ?? "manual" });
  }
  const observations: Observations = {
    requests,
    jobs: statuses,
    users: (await partnerData(providersMock, users)).map((u) => ({ userId: u.userId, source: u.source, destination: u.destination })),
    dlq: await dlqReasons(sqs, platform.queues.hotPathDlqUrl, 60_000),
    lastSyncTimes,
    leftoverMessages: await leftover(sqs, platform),
  };
  const unfinished: Record<string, number> = {};
  for (const s of statuses.values()) {
    const status = s?.status ?? "no status";
    if (!TERMINAL.has(status)) unfinished[status] = (unfinished[status] ?? 0) + 1;
  }
  return {
    options,
    report: check(observations, (id) => `syncwell-strava-${id}`),
    seconds: Math.round((Date.now() - started) / 1000),
    events,
    unfinished,
  };
}

const missingOf = (u: { source: { id: string }[]; destination: { externalId?: string | null }[] }) => {
  const written = new Set(u.destination.map((d) => d.externalId));
  return u.source.filter((s) => !written.has(`syncwell-strava-${s.id}`)).length;
};

async function partnerData(providersMock: string, users: readonly SyncUser[]) {
  return Promise.all(
    users.map(async (u) => ({
      userId: u.userId,
      source: await ok<Array<{ id: string }>>("GET", `${providersMock}/strava/_admin/users/${u.sourceUserId}/activities`),
      destination: await ok<Array<{ externalId?: string | null }>>(
        "GET",
        `${providersMock}/garmin/_admin/users/${u.destinationUserId}/activities`,
      ),
    })),
  );
}

function ownerOf(users: readonly SyncUser[], requests: readonly { key: string; jobIds: string[] }[], jobId: string): SyncUser {
  const index = requests.findIndex((r) => r.jobIds.includes(jobId));
  const key = requests[index]?.key ?? "";
  const n = Number(key.split("-").at(-1));
  return users[key.startsWith("settle-") ? n : n % users.length] as SyncUser;
}

async function jobStatus(
  gateway: string,
  users: readonly SyncUser[],
  requests: readonly { key: string; jobIds: string[] }[],
  jobId: string,
) {
  const reply = await http<{ status: string; error?: { category: string } }>("GET", `${gateway}/v1/sync-jobs/${jobId}`, {
    token: ownerOf(users, requests, jobId).token,
  });
  return reply.status === 200 ? { status: reply.body.status, errorCategory: reply.body.error?.category } : undefined;
}

interface JobSeen {
  status: string;
  errorCategory?: string | undefined;
  trigger?: string | undefined;
}

/** Every job item in the table, by jobId. */
async function tableJobs(table: Harness["table"]): Promise<Map<string, JobSeen>> {
  const jobs = new Map<string, JobSeen>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new ScanCommand({
        TableName: table.name,
        // Job status items by their key (JOB#<jobId>, JOB): whoever wrote them, with whichever attributes.
        FilterExpression: "begins_with(pk, :prefix) AND sk = :sk",
        ExpressionAttributeValues: { ":prefix": "JOB#", ":sk": "JOB" },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? [])
      jobs.set(String(item.pk).slice("JOB#".length), {
        status: String(item.status),
        errorCategory: item.errorCategory,
        trigger: item.trigger,
      });
    start = page.LastEvaluatedKey;
  } while (start);
  return jobs;
}

/** Says how many are still running about every 10 s, so a long wait is never silent. */
function ticker(progress: (line: string) => void, what: string) {
  const started = Date.now();
  let last = started;
  return (left: number) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    progress(`  … ${left} ${what} still running (${Math.round((last - started) / 1000)} s)`);
  };
}

async function waitForTableJobs(table: Harness["table"], timeoutMs: number, progress: (line: string) => void) {
  const deadline = Date.now() + timeoutMs;
  const tick = ticker(progress, "jobs (webhook and poll jobs included)");
  const unfinished = async () => [...(await tableJobs(table)).values()].filter((j) => !TERMINAL.has(j.status)).length;
  for (let left = await unfinished(); left > 0 && Date.now() < deadline; left = await unfinished()) {
    tick(left);
    await sleep(1000);
  }
}

async function waitForJobs(
  gateway: string,
  users: readonly SyncUser[],
  requests: readonly { key: string; jobIds: string[] }[],
  timeoutMs: number,
  progress: (line: string) => void,
) {
  const deadline = Date.now() + timeoutMs;
  const tick = ticker(progress, "client jobs");
  const pending = new Set(requests.flatMap((r) => r.jobIds));
  while (pending.size > 0 && Date.now() < deadline) {
    tick(pending.size);
    for (const id of [...pending]) {
      const status = await jobStatus(gateway, users, requests, id);
      if (status && TERMINAL.has(status.status)) pending.delete(id);
    }
    if (pending.size > 0) await sleep(500);
  }
}
