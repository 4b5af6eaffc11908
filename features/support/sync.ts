import assert from "node:assert/strict";
import { request } from "./http.ts";
import type { SyncWellWorld } from "./world.ts";

const TERMINAL = new Set(["succeeded", "dead_lettered", "cancelled"]);

/** Polls the job's status until it is terminal (or `until` says so), with a deadline. */
export async function waitForJob(
  world: SyncWellWorld,
  jobId: string,
  until: (job: any) => boolean = (j) => TERMINAL.has(j.status),
  timeoutMs = 20_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await request(world.gateway(`/v1/sync-jobs/${jobId}`), { token: world.token });
    assert.equal(reply.status, 200, reply.text);
    if (until(reply.body)) return reply.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${reply.body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Creates a partner user and connects it through the gateway. */
export async function connectPartner(world: SyncWellWorld, provider: string): Promise<string> {
  const created = await request(world.partner(`/${provider}/_admin/users`), { method: "POST" });
  assert.equal(created.status, 201, created.text);
  world.users.set(provider, { provider, ...created.body });
  const connected = await world.api("/v1/connections", { json: { provider, authorizationCode: created.body.authorizationCode } });
  assert.equal(connected.status, 201, connected.text);
  const user = world.user(provider);
  user.connectionId = connected.body.connectionId;
  return connected.body.connectionId;
}

/** Records workouts at a partner, as the user's device would upload them. */
export async function record(
  world: SyncWellWorld,
  provider: string,
  workouts: {
    name: string;
    startTime: string;
    endTime: string;
    type?: string;
    private?: boolean;
    samples?: unknown[];
    utcOffsetSeconds?: number;
  }[],
) {
  const user = world.user(provider);
  const reply = await request(world.partner(`/${provider}/_admin/users/${user.partnerUserId}/activities`), {
    json: workouts.map((w) => ({
      type: "run",
      samples: [
        { offsetSeconds: 0, heartRate: 120 },
        { offsetSeconds: 60, heartRate: 140 },
      ],
      ...w,
    })),
  });
  assert.equal(reply.status, 201, reply.text);
  for (const stored of reply.body)
    world.recorded.set(stored.name, { provider, startTime: stored.startTime, endTime: stored.endTime, id: stored.id });
}

/** `minutes`-long workout that started `hoursAgo` hours ago (whole seconds). */
export function slot(hoursAgo: number, minutes = 30): { startTime: string; endTime: string } {
  const start = Math.floor((Date.now() - hoursAgo * 3600_000) / 1000) * 1000;
  return { startTime: new Date(start).toISOString(), endTime: new Date(start + minutes * 60_000).toISOString() };
}

export async function partnerActivities(world: SyncWellWorld, provider: string): Promise<any[]> {
  const reply = await request(world.partner(`/${provider}/_admin/users/${world.user(provider).partnerUserId}/activities`));
  assert.equal(reply.status, 200, reply.text);
  return reply.body;
}

export async function stats(world: SyncWellWorld): Promise<Record<string, Record<string, { calls: number; bytes: number }>>> {
  return (await request(world.partner("/_admin/stats"))).body;
}

/** Asks for a sync; answers the reply. */
export async function askSync(world: SyncWellWorld, key = `key-${Math.random().toString(36).slice(2)}`) {
  const reply = await world.api(`/v1/sync-configs/${world.syncConfigId}/sync`, { method: "POST", headers: { "idempotency-key": key } });
  if (reply.status === 202) world.jobIds.push(reply.body.jobId);
  return reply;
}

/** Syncs and waits for the job to end successfully. */
export async function syncAndWait(world: SyncWellWorld): Promise<any> {
  const reply = await askSync(world);
  assert.equal(reply.status, 202, reply.text);
  const job = await waitForJob(world, reply.body.jobId);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
  return job;
}
