import { sleep } from "../client.ts";
import { type CoalescerSets, describeHeld } from "./coalescerSets.ts";
import { expectations, type Outcome } from "./expectations.ts";
import { GatewayUser } from "./gatewayClient.ts";
import type { JobTable } from "./jobTable.ts";
import { oracle } from "./oracle.ts";
import type { Partners } from "./partners.ts";
import { settle } from "./settle.ts";
import { accountsOf, topologicalOrder } from "./topologies.ts";
import type { CreatedRecord, Observation, Provider, Scenario, Violation } from "./types.ts";

/** What every scenario of a run shares: one running platform. */
export interface ModelContext {
  urls: { gateway: string; providersMock: string };
  jwtSecret: string;
  partners: Partners;
  jobs: JobTable;
  /** Kills a service and starts it again, unless a crash is under way or was too recent (then false). */
  crash(service: "worker" | "coalescer" | "poller"): Promise<boolean>;
  /** Prefix of every user id of the run (the job table is scanned for it). */
  userPrefix: string;
  /** CONFLICT_OVERLAP_SECONDS the worker runs with. */
  thresholdSeconds: number;
  /** How long after its last action a scenario waits for its jobs to end (the bound of the job rule). */
  settleTimeoutMs: number;
  /** How long nothing may change (data and jobs) before a scenario counts as settled. */
  quietMs: number;
  /** Set when the platform cannot go on (a service that does not start again): the run stops. */
  broken: string | undefined;
  /** What the coalescer still holds of the records webhooks named (explains a missing record). */
  coalescerSets?: CoalescerSets;
}

export interface ScenarioResult {
  scenario: Scenario;
  violations: Violation[];
  seconds: number;
  /** Undefined when the scenario could not run. */
  observation: Observation | undefined;
  events: { crashes: number; crashesSkipped: number; duplicateWebhooks: number; faults: number; edits: number };
  /** How many (config, record) pairs the oracle judged, by what it required. */
  judged: Record<Outcome, number>;
  /** Seconds spent setting up, acting, syncing at the end and waiting for quiet. */
  phases: { setup: number; actions: number; settle: number; quiet: number };
}

/** Runs one scenario through the gateway and the partners, waits until it settled and asks the oracle. */
export async function runScenario(ctx: ModelContext, scenario: Scenario): Promise<ScenarioResult> {
  const started = Date.now();
  const anchor = Math.floor(started / 1000) * 1000;
  const user = new GatewayUser(ctx.urls.gateway, ctx.jwtSecret, `${ctx.userPrefix}${scenario.seed >>> 0}-${scenario.index}`);
  const label = `m${scenario.seed}.${scenario.index}`;
  const events = { crashes: 0, crashesSkipped: 0, duplicateWebhooks: 0, faults: 0, edits: 0 };

  const accounts = new Map<Provider, { partnerUserId: string; authorizationCode: string }>();
  for (const provider of accountsOf(scenario.configs)) accounts.set(provider, await ctx.partners.createUser(provider));
  const partnerUser = (p: Provider) => accounts.get(p)?.partnerUserId as string;
  const created: CreatedRecord[] = [];
  for (const a of scenario.initial) created.push(await ctx.partners.record(partnerUser(a.provider), a, anchor, 0, label));
  const connections = new Map<Provider, string>();
  for (const [provider, account] of accounts) {
    let code: string | undefined = account.authorizationCode;
    const fresh = async () => code ?? ctx.partners.authorizationCode(provider, account.partnerUserId);
    connections.set(
      provider,
      await user.connect(provider, async () => {
        const next = await fresh();
        code = undefined;
        return next;
      }),
    );
  }
  const configIds = new Map<string, string>();
  for (const c of scenario.configs)
    configIds.set(
      c.key,
      await user.createConfig(connections.get(c.source) as string, connections.get(c.destination) as string, c.strategy),
    );
  const keyOfConfig = new Map([...configIds].map(([key, id]) => [id, key]));

  const mark = (() => {
    let last = started;
    return () => {
      const now = Date.now();
      const seconds = (now - last) / 1000;
      last = now;
      return Math.round(seconds * 10) / 10;
    };
  })();
  const phases = { setup: mark(), actions: 0, settle: 0, quiet: 0 };
  const watermarks: Record<string, (string | undefined)[]> = Object.fromEntries(scenario.configs.map((c) => [c.key, []]));
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const [key, id] of configIds) {
        const value = await user.lastSyncTime(id);
        if (value !== null) watermarks[key]?.push(value);
      }
      await sleep(1000);
    }
  })();

  const requests: Observation["requests"][number][] = [];
  let syncs = 0;
  const sync = async (configKey: string, copies: number) => {
    const key = `${label}-${syncs++}`;
    const answered = await user.sync(configIds.get(configKey) as string, key, copies);
    requests.push({ key, ...answered });
    return answered.jobIds[0];
  };
  const crashes: Promise<void>[] = [];
  let seq = 0;
  for (const action of scenario.actions) {
    if (action.kind === "record")
      created.push(await ctx.partners.record(partnerUser(action.activity.provider), action.activity, anchor, ++seq, label));
    else if (action.kind === "duplicate_webhook") {
      const record = created.find((c) => c.key === action.activity);
      const status = record ? await ctx.partners.redeliver(record, partnerUser(record.provider)) : 0;
      if (status >= 300) throw new Error(`the gateway refused a re-delivered ${record?.provider} webhook: ${status}`);
      events.duplicateWebhooks += 1;
    } else if (action.kind === "edit" || action.kind === "delete") {
      // A workout a shrunk scenario no longer records, or one another config replaced, is not edited.
      const at = created.findIndex((c) => c.key === action.activity);
      const record = created[at];
      if (!record || record.deleted) continue;
      if (action.kind === "delete") {
        if (await ctx.partners.remove(partnerUser(record.provider), record)) created[at] = { ...record, deleted: true };
      } else {
        const edited = await ctx.partners.edit(partnerUser(record.provider), record, label, action.shortenSeconds);
        if (edited) created[at] = edited;
      }
      events.edits += 1;
    } else if (action.kind === "sync") await sync(action.config, action.copies);
    else if (action.kind === "fault") {
      await ctx.partners.fault(action);
      events.faults += 1;
    } else if (action.kind === "crash")
      crashes.push(
        ctx.crash(action.service).then((done) => {
          if (done) events.crashes += 1;
          else events.crashesSkipped += 1;
        }),
      );
    else await sleep(action.ms);
  }
  await Promise.all(crashes);
  const acted = Date.now();
  phases.actions = mark();

  const deadline = Date.now() + ctx.settleTimeoutMs;
  if (scenario.settle === "sync") {
    // Each config syncs once more, in topology order (a chain's middle is written before it is read).
    // The last one is not waited for here: the quiet wait below waits for every job.
    const order = topologicalOrder(scenario.configs);
    for (const [i, c] of order.entries()) {
      const jobId = await sync(c.key, 1);
      if (jobId && i < order.length - 1) await user.waitForJob(jobId, deadline);
    }
  }

  phases.settle = mark();
  const observation = await settle({
    ctx,
    user,
    accounts,
    configKeys: keyOfConfig,
    base: {
      thresholdSeconds: ctx.thresholdSeconds,
      configs: scenario.configs,
      created,
      requests,
      watermarks,
      boundSeconds: Math.round(ctx.settleTimeoutMs / 1000),
    },
    acted,
    deadline,
  });
  phases.quiet = mark();
  sampling = false;
  await sampler;
  const written: NonNullable<Observation["written"]>[number][] = [];
  const logged: string[] = [];
  for (const [config, id] of configIds)
    for (const item of await user.syncLog(id)) {
      logged.push(`${config} ${item.sourceId} ${item.outcome}/${item.reason ?? "-"}`);
      if (item.destinationId && (item.outcome === "written" || item.outcome === "updated"))
        written.push({ config, sourceId: item.sourceId, destinationId: item.destinationId });
    }
  observation.written = written;
  const violations = oracle(observation);
  // What the engine decided about an edit that did not arrive (its sync log, newest first).
  for (const v of violations)
    if (v.kind === "edit_not_applied" || v.kind === "copy_not_deleted") {
      const id = created.find((c) => v.detail.includes(`(${c.provider} ${c.id})`))?.id;
      const lines = logged.filter((l) => id && l.split(" ")[1] === id);
      v.detail += `; sync log: ${lines.join(", ") || "nothing"}`;
    }
  await explainMissing(ctx, violations, configIds, created);
  // The user is done: without configs the poller stops polling them (a long run has thousands).
  await Promise.all([...configIds.values()].map((id) => user.deleteConfig(id)));
  const judged: Record<Outcome, number> = { must: 0, must_not: 0, either: 0 };
  for (const e of expectations(observation, (r) => (observation?.final[r.provider] ?? []).some((x) => x.id === r.id)))
    judged[e.outcome] += 1;
  return { scenario, violations, seconds: (Date.now() - started) / 1000, observation, events, judged, phases };
}

/** A missing record that the coalescer still holds was named by a webhook and never carried by a job: said so in its violation. */
async function explainMissing(
  ctx: ModelContext,
  violations: Violation[],
  configIds: ReadonlyMap<string, string>,
  created: readonly CreatedRecord[],
): Promise<void> {
  if (!ctx.coalescerSets || !violations.some((v) => v.kind === "missing")) return;
  for (const [key, syncConfigId] of configIds) {
    const held = await ctx.coalescerSets.held(syncConfigId).catch(() => undefined);
    if (!held) continue;
    for (const v of violations) {
      if (v.kind !== "missing" || !v.detail.includes(`[${key} `)) continue;
      const ids = created.filter((r) => v.detail.includes(`(${r.provider} ${r.id})`)).map((r) => r.id);
      const lines = describeHeld(held, ids);
      v.detail +=
        lines.length > 0 ? `; ${lines.join("; ")}` : "; the coalescer holds none of it (a job carried it, or no webhook named it)";
    }
  }
}
