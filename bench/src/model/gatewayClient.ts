import { signJwt } from "@syncwell/core";
import { http, ok, sleep } from "../client.ts";
import type { Provider } from "./types.ts";

const TERMINAL = new Set(["succeeded", "dead_lettered", "cancelled"]);
export const isTerminal = (status: string) => TERMINAL.has(status);

export interface JobView {
  jobId: string;
  status: string;
  attempts?: number;
  recordsWritten?: number;
  error?: { category: string; message: string };
}

/** One SyncWell user talking to the gateway's public API (SPEC §13), as the app would. */
export class GatewayUser {
  readonly token: string;

  constructor(
    private readonly gateway: string,
    jwtSecret: string,
    readonly userId: string,
  ) {
    this.token = signJwt(jwtSecret, userId, 24 * 3600);
  }

  /** Connects a partner account; retried with a fresh code while the partner is failing (another scenario's injected faults). */
  async connect(provider: Provider, authorizationCode: () => Promise<string>): Promise<string> {
    for (let tries = 0; ; tries++) {
      const reply = await http<{ connectionId?: string; detail?: string }>("POST", `${this.gateway}/v1/connections`, {
        token: this.token,
        json: { provider, authorizationCode: await authorizationCode() },
      });
      if (reply.status === 201 && reply.body.connectionId) return reply.body.connectionId;
      if (reply.status < 500 || tries >= 20) throw new Error(`connecting ${provider}: ${reply.status} ${reply.body.detail ?? ""}`);
      await sleep(300);
    }
  }

  async createConfig(sourceConnectionId: string, destinationConnectionId: string, strategy: string): Promise<string> {
    const c = await ok<{ syncConfigId: string }>("POST", `${this.gateway}/v1/sync-configs`, {
      token: this.token,
      json: { sourceConnectionId, destinationConnectionId, dataType: "workouts", conflictResolutionStrategy: strategy },
    });
    return c.syncConfigId;
  }

  /** Deletes a config (its poll schedule goes with it). */
  async deleteConfig(syncConfigId: string): Promise<void> {
    await http("DELETE", `${this.gateway}/v1/sync-configs/${syncConfigId}`, { token: this.token }).catch(() => undefined);
  }

  async lastSyncTime(syncConfigId: string): Promise<string | undefined | null> {
    const reply = await http<{ lastSyncTime?: string }>("GET", `${this.gateway}/v1/sync-configs/${syncConfigId}`, {
      token: this.token,
    }).catch(() => undefined);
    return reply?.status === 200 ? reply.body.lastSyncTime : null;
  }

  /**
   * `copies` requests with one Idempotency-Key at once (a retry racing the original), each retried
   * while the gateway answers 409 (key pending), 429, 5xx or nothing: every jobId answered, and the
   * last failure of each copy that never got one.
   */
  async sync(syncConfigId: string, key: string, copies = 1): Promise<{ jobIds: string[]; failures: string[] }> {
    const jobIds: string[] = [];
    const failures: string[] = [];
    const attempt = async () => {
      let last = "";
      for (let tries = 0; tries < 40; tries++) {
        const reply = await http<{ jobId?: string; detail?: string }>("POST", `${this.gateway}/v1/sync-configs/${syncConfigId}/sync`, {
          token: this.token,
          headers: { "idempotency-key": key },
        }).catch((error: Error) => ({ status: 0, body: { detail: error.message } as { jobId?: string; detail?: string } }));
        if (reply.status === 202 && reply.body.jobId) return void jobIds.push(reply.body.jobId);
        last = `${reply.status} ${reply.body?.detail ?? ""}`.trim();
        if (reply.status !== 0 && reply.status !== 409 && reply.status !== 429 && reply.status < 500) break;
        await sleep(reply.status === 409 ? 200 : 500);
      }
      failures.push(last);
    };
    await Promise.all(Array.from({ length: copies }, attempt));
    return { jobIds, failures };
  }

  /** The config's sync log (`GET /v1/sync-configs/{id}/records`), every page, newest first. */
  async syncLog(syncConfigId: string): Promise<{ sourceId: string; destinationId?: string; outcome: string; reason?: string }[]> {
    const items: { sourceId: string; destinationId?: string; outcome: string; reason?: string }[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const reply = await http<{ items: typeof items; nextCursor?: string }>(
        "GET",
        `${this.gateway}/v1/sync-configs/${syncConfigId}/records?${query}`,
        { token: this.token },
      );
      if (reply.status !== 200) throw new Error(`sync log of ${syncConfigId}: ${reply.status}`);
      items.push(...reply.body.items);
      cursor = reply.body.nextCursor;
      if (!cursor) break;
    }
    return items;
  }

  async job(jobId: string): Promise<JobView | undefined> {
    const reply = await http<JobView>("GET", `${this.gateway}/v1/sync-jobs/${jobId}`, { token: this.token }).catch(() => undefined);
    return reply?.status === 200 ? reply.body : undefined;
  }

  /** Polls a job until it ends or the deadline passes; its last view. */
  async waitForJob(jobId: string, deadline: number): Promise<JobView | undefined> {
    let view = await this.job(jobId);
    while ((!view || !isTerminal(view.status)) && Date.now() < deadline) {
      await sleep(150);
      view = await this.job(jobId);
    }
    return view;
  }
}
