import { sleep } from "../client.ts";
import { type GatewayUser, isTerminal, type JobView } from "./gatewayClient.ts";
import { oracle } from "./oracle.ts";
import type { ModelContext } from "./scenarioRun.ts";
import type { JobObservation, Observation, PartnerRecord, Provider, ViolationKind } from "./types.ts";

export interface SettleInput {
  ctx: ModelContext;
  user: GatewayUser;
  /** The scenario user's partner accounts. */
  accounts: ReadonlyMap<Provider, { partnerUserId: string }>;
  /** syncConfigId → the scenario's config key. */
  configKeys: ReadonlyMap<string, string>;
  /** The observation without what settling reads (partner data and jobs). */
  base: Omit<Observation, "final" | "jobs">;
  /** When the last action was taken (a webhook it caused may still be in the coalescing window). */
  acted: number;
  deadline: number;
}

/**
 * Waits until the scenario settled and observes it: every record the oracle requires is there,
 * nothing changed at the partners or in the clients' jobs for a quiet while, and every job of the
 * user in the table (webhook and poll jobs too) has ended — or the deadline passed.
 * The job table is scanned only to confirm a quiet moment; the deadline ends the wait anyway.
 */
/** What the engine does eventually: the wait goes on while one of these is still to come (until the deadline). */
const EVENTUAL: ReadonlySet<ViolationKind> = new Set(["missing", "copy_not_deleted", "edit_not_applied"]);

export async function settle(input: SettleInput): Promise<Observation> {
  const { ctx, user, deadline } = input;
  const clientJobs = new Map<string, JobView | undefined>();
  let fingerprint = "";
  let lastChange = Date.now();
  for (;;) {
    const iteration = Date.now();
    const final: Partial<Record<Provider, PartnerRecord[]>> = {};
    for (const [provider, account] of input.accounts) final[provider] = await ctx.partners.list(provider, account.partnerUserId);
    for (const jobId of new Set(input.base.requests.flatMap((r) => r.jobIds))) {
      const known = clientJobs.get(jobId);
      if (!known || !isTerminal(known.status)) clientJobs.set(jobId, await user.job(jobId));
    }
    const now = JSON.stringify([final, [...clientJobs.values()].map((j) => [j?.status, j?.attempts])]);
    if (now !== fingerprint) [fingerprint, lastChange] = [now, Date.now()];
    const complete = !oracle({ ...input.base, final, jobs: [] }).some((v) => EVENTUAL.has(v.kind));
    // Quiet long enough for a webhook of the last action to have become a job (coalescing window + a receive).
    const quiet = Date.now() - Math.max(lastChange, input.acted + 2000) >= ctx.quietMs;
    const clientsEnded = [...clientJobs.values()].every((j) => j && isTerminal(j.status));
    const late = Date.now() > deadline;
    // While a record the oracle requires is missing (or a deletion or edit has not reached its
    // copy yet), only the deadline ends the wait: under load a webhook's job (window, queue,
    // retries) may take longer than any quiet while, and a coalescer killed holding the event
    // hands it on only when the webhook queue's visibility timeout (30 s) ends.
    if ((quiet && clientsEnded && complete) || late) {
      const table = await ctx.jobs.jobsOf(user.userId, iteration);
      if (late || table.every((j) => isTerminal(j.status)))
        return { ...input.base, final, jobs: merge(table, clientJobs, input.configKeys) };
      lastChange = Date.now(); // a job is still running: another quiet while before the next scan
    }
    await sleep(500);
  }
}

function merge(
  table: ReadonlyArray<{
    jobId: string;
    syncConfigId: string;
    trigger: string;
    status: string;
    attempts?: number;
    errorCategory?: string;
    errorMessage?: string;
  }>,
  clients: ReadonlyMap<string, JobView | undefined>,
  configKeys: ReadonlyMap<string, string>,
): JobObservation[] {
  const jobs = new Map<string, JobObservation>();
  for (const item of table) jobs.set(item.jobId, { ...item, configKey: configKeys.get(item.syncConfigId) });
  for (const [jobId, view] of clients) {
    const known = jobs.get(jobId);
    jobs.set(jobId, {
      jobId,
      trigger: known?.trigger ?? "manual",
      configKey: known?.configKey,
      status: view?.status ?? "no status",
      attempts: view?.attempts,
      errorCategory: view?.error?.category,
      errorMessage: view?.error?.message,
    });
  }
  return [...jobs.values()];
}
