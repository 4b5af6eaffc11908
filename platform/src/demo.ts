import { randomBytes } from "node:crypto";
import { ConfigError, signJwt } from "@syncwell/core";
import { isolatedPlatformConfig, loadDemoConfig } from "./config.ts";
import { healthDataDemo } from "./demoHealth.ts";
import { http, info, step } from "./demoHttp.ts";
import { PlatformError } from "./localServers.ts";
import { type RunningPlatform, startPlatform } from "./platform.ts";

// `npm run demo`: a scripted end-to-end scenario with visible progress. It starts its own platform
// on free ports (or uses the one named by SYNCWELL_GATEWAY_URL and SYNCWELL_PROVIDERS_MOCK_URL),
// syncs Strava workouts to Garmin and prints what each job cost the partners next to the minimum.

type Stats = Record<string, Record<string, { calls: number; bytes: number }>>;
const calls = (stats: Stats, provider: string, op: string) => stats[provider]?.[op]?.calls ?? 0;

async function run(gateway: string, partners: string, token: string): Promise<boolean> {
  step("Partner side: a Strava athlete and a Garmin user authorise SyncWell");
  const strava = await http(`${partners}/strava/_admin/users`, { method: "POST" });
  const garmin = await http(`${partners}/garmin/_admin/users`, { method: "POST" });
  info(`strava athlete ${strava.partnerUserId}, garmin user ${garmin.partnerUserId}`);

  step("The app connects both accounts (the gateway exchanges the OAuth codes)");
  const source = await http(`${gateway}/v1/connections`, {
    token,
    json: { provider: "strava", authorizationCode: strava.authorizationCode },
  });
  const destination = await http(`${gateway}/v1/connections`, {
    token,
    json: { provider: "garmin", authorizationCode: garmin.authorizationCode },
  });
  info(`connections ${source.connectionId} (strava), ${destination.connectionId} (garmin)`);

  step('The app creates a sync config: Strava → Garmin, workouts, "source_wins"');
  const config = await http(`${gateway}/v1/sync-configs`, {
    token,
    json: {
      sourceConnectionId: source.connectionId,
      destinationConnectionId: destination.connectionId,
      dataType: "workouts",
      conflictResolutionStrategy: "source_wins",
    },
  });
  info(`sync config ${config.syncConfigId}`);

  step("The athlete records 3 workouts on Strava");
  const now = Date.now();
  const workouts = ["Morning run", "Lunch ride", "Evening swim"].map((name, i) => ({
    name,
    type: ["run", "ride", "swim"][i],
    startTime: new Date(now - (30 - i * 8) * 3600_000).toISOString(),
    endTime: new Date(now - (30 - i * 8) * 3600_000 + 45 * 60_000).toISOString(),
    samples: [0, 60, 120].map((t) => ({ offsetSeconds: t, heartRate: 110 + t / 4, lat: 52.37 + t / 1e4, lon: 4.89 })),
  }));
  await http(`${partners}/strava/_admin/users/${strava.partnerUserId}/activities`, { json: workouts });
  info(workouts.map((w) => w.name).join(", "));

  const sync = async (label: string, key: string, expected: { lists: number; payloads: number; uploads: number }) => {
    step(label);
    await http(`${partners}/_admin/stats/reset`, { method: "POST" });
    const started = performance.now();
    const { jobId } = await http(`${gateway}/v1/sync-configs/${config.syncConfigId}/sync`, {
      method: "POST",
      token,
      headers: { "idempotency-key": key },
    });
    info(`202 Accepted, job ${jobId}`);
    let job: { status: string; recordsWritten?: number; attempts: number };
    for (;;) {
      job = await http(`${gateway}/v1/sync-jobs/${jobId}`, { token });
      if (["succeeded", "dead_lettered", "cancelled"].includes(job.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stats: Stats = await http(`${partners}/_admin/stats`);
    const measured = {
      lists: calls(stats, "strava", "list_metadata"),
      payloads: calls(stats, "strava", "get_payload"),
      uploads: calls(stats, "garmin", "create"),
    };
    const destinationFetches = calls(stats, "garmin", "list_metadata");
    info(`job ${job.status} in ${Math.round(performance.now() - started)} ms, ${job.recordsWritten ?? 0} workouts written`);
    info("partner calls      measured  minimum (SPEC §12)");
    info(`strava listing     ${String(measured.lists).padStart(8)}  ${String(expected.lists).padStart(7)}`);
    info(`strava payloads    ${String(measured.payloads).padStart(8)}  ${String(expected.payloads).padStart(7)}`);
    info(`garmin uploads     ${String(measured.uploads).padStart(8)}  ${String(expected.uploads).padStart(7)}`);
    // Garmin reports no conflict at upload, so a job with records reads it first (one listing per
    // 24 h of uploads, from a day before the earliest record: SPEC §14); a job with nothing new reads nothing.
    const readBudget = expected.uploads > 0 ? "1/24 h" : "0";
    info(`garmin listing     ${String(destinationFetches).padStart(8)}  ${readBudget.padStart(7)}  (conflicts need a destination read)`);
    const minimal =
      job.status === "succeeded" &&
      JSON.stringify(measured) === JSON.stringify(expected) &&
      (expected.uploads > 0 || destinationFetches === 0);
    info(minimal ? "✔ exactly the minimum" : "✖ more than the minimum");
    return { jobId, minimal };
  };

  const first = await sync("The app asks for a sync (Idempotency-Key demo-1)", "demo-1", { lists: 1, payloads: 3, uploads: 3 });
  const held = await http(`${partners}/garmin/_admin/users/${garmin.partnerUserId}/activities`);
  info(`garmin now holds: ${held.map((a: { name: string; externalId: string }) => `${a.name} (${a.externalId})`).join(", ")}`);

  step("The app retries the same request (same Idempotency-Key)");
  const replay = await http(`${gateway}/v1/sync-configs/${config.syncConfigId}/sync`, {
    method: "POST",
    token,
    headers: { "idempotency-key": "demo-1" },
  });
  const sameJob = replay.jobId === first.jobId;
  info(sameJob ? `✔ same job ${replay.jobId}: no second sync` : `✖ a second job ${replay.jobId}`);

  const second = await sync("Nothing new on Strava: the next sync", "demo-2", { lists: 1, payloads: 0, uploads: 0 });
  const cfg = await http(`${gateway}/v1/sync-configs/${config.syncConfigId}`, { token });
  info(`lastSyncTime is now ${cfg.lastSyncTime}`);
  const followed = await editsAndFilters({ gateway, partners, token, configId: config.syncConfigId, strava, garmin, now });
  const health = await healthDataDemo({ gateway, partners, token, now });
  return first.minimal && second.minimal && sameJob && held.length === 3 && followed && health;
}

/** SPEC §15: an edit follows its copy, a filtered record is skipped, and the sync log says why. */
async function editsAndFilters(d: {
  gateway: string;
  partners: string;
  token: string;
  configId: string;
  strava: { partnerUserId: string };
  garmin: { partnerUserId: string };
  now: number;
}): Promise<boolean> {
  const stravaActivities = `${d.partners}/strava/_admin/users/${d.strava.partnerUserId}/activities`;
  const morning = (await http(stravaActivities)).find((a: { name: string }) => a.name === "Morning run");
  step('The athlete renames "Morning run" to "Tempo run" on Strava, and asks SyncWell to skip commutes');
  await http(`${stravaActivities}/${morning.id}`, { method: "PATCH", json: { name: "Tempo run" } });
  await http(`${d.gateway}/v1/sync-configs/${d.configId}`, {
    method: "PATCH",
    token: d.token,
    json: { filters: { excludeNameContains: ["commute"] } },
  });
  const start = d.now - 3 * 3600_000;
  await http(stravaActivities, {
    json: [
      { name: "Commute ride", type: "ride", startTime: new Date(start).toISOString(), endTime: new Date(start + 1800_000).toISOString() },
    ],
  });
  step("Strava's webhooks name both records; SyncWell reads them, renames the copy and skips the commute");
  const deadline = Date.now() + 60_000;
  let names: string[] = [];
  let log: { items: { sourceId: string; outcome: string; reason: string; at: string }[] } = { items: [] };
  for (;;) {
    const held = await http(`${d.partners}/garmin/_admin/users/${d.garmin.partnerUserId}/activities`);
    names = held.map((a: { name: string }) => a.name).sort();
    log = await http(`${d.gateway}/v1/sync-configs/${d.configId}/records?limit=10`, { token: d.token });
    const done = names.includes("Tempo run") && log.items.some((e) => e.reason === "filtered");
    if (done || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  info(`garmin now holds: ${names.join(", ")}`);
  step("The sync log (GET /v1/sync-configs/{id}/records), newest first: ids, outcomes and reasons only");
  for (const e of log.items) info(`${e.at}  ${e.sourceId.padEnd(14)} ${e.outcome.padEnd(8)} ${e.reason}`);
  const ok =
    names.includes("Tempo run") &&
    !names.includes("Morning run") &&
    !names.includes("Commute ride") &&
    log.items.some((e) => e.reason === "filtered") &&
    log.items.some((e) => e.outcome === "updated");
  info(ok ? "✔ the copy was renamed and the commute skipped" : "✖ the edit or the filter did not apply");
  return ok;
}

let platform: RunningPlatform | undefined;
try {
  const demo = loadDemoConfig();
  let gateway = demo.SYNCWELL_GATEWAY_URL?.replace(/\/$/, "");
  let partners = demo.SYNCWELL_PROVIDERS_MOCK_URL?.replace(/\/$/, "");
  let secret = demo.GATEWAY_JWT_SECRET;
  if (!gateway || !partners) {
    step("Starting the platform (embedded SQS/DynamoDB, local Redis/PostgreSQL)");
    const config = await isolatedPlatformConfig(`demo-${randomBytes(2).toString("hex")}-`);
    platform = await startPlatform(config, info);
    gateway = platform.urls.gateway;
    partners = platform.urls.providersMock;
    secret = config.GATEWAY_JWT_SECRET;
  }
  const ok = await run(gateway, partners, signJwt(secret, `demo-${randomBytes(3).toString("hex")}`, 3600));
  step(ok ? "Demo finished: every job cost exactly the minimum partner calls." : "Demo finished with a shortfall (see ✖ above).");
  await platform?.stop();
  process.exit(ok ? 0 : 1);
} catch (error) {
  await platform?.stop();
  if (error instanceof ConfigError || error instanceof PlatformError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  process.exit(1);
}
