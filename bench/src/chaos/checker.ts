/** What the chaos run saw, collected from the clients, the partners' own data and the queues. */
export interface Observations {
  /** Each sync request (one Idempotency-Key) and every jobId its retries were answered with. */
  requests: ReadonlyArray<{ key: string; jobIds: readonly string[] }>;
  /**
   * The final status of every job the run knows of: the clients' (undefined: no status item at
   * all) and every job item in the table, webhook- and poll-triggered ones included.
   */
  jobs: ReadonlyMap<string, { status: string; errorCategory?: string | undefined; trigger?: string | undefined } | undefined>;
  /** Per user: the source's records and the destination's records with the external id they were written with. */
  users: ReadonlyArray<{
    userId: string;
    source: ReadonlyArray<{ id: string }>;
    destination: ReadonlyArray<{ externalId?: string | null | undefined }>;
  }>;
  /** Every message left in the DLQ, the job it carries and its reason attribute. */
  dlq: ReadonlyArray<{ jobId?: string | undefined; errorCategory?: string | undefined }>;
  /** Every config's lastSyncTime, sampled in order during the run. */
  lastSyncTimes: ReadonlyMap<string, readonly (string | undefined)[]>;
  /** Messages still in HotPathSyncQueue and WebhookEventQueue at the end (visible, in flight or delayed). */
  leftoverMessages: number;
}

export interface Report {
  /** Jobs the clients' requests were answered with. */
  jobsAccepted: number;
  /** Every job: the clients', the webhooks' and the poller's. */
  jobsTotal: number;
  jobsByTrigger: Record<string, number>;
  jobsSucceeded: number;
  jobsDeadLettered: number;
  jobsCancelled: number;
  jobsLost: number;
  jobsDuplicated: number;
  recordsWritten: number;
  recordsDuplicated: number;
  recordsMissing: number;
  dlqWithReason: number;
  dlqWithoutReason: number;
  deadLetteredWithoutReason: number;
  /** Dead-lettered jobs with no DLQ message, or with more than one. */
  deadLetteredNotOnceInDlq: number;
  /** DLQ messages whose job is not dead-lettered (or that carry no job). */
  dlqOfNoDeadJob: number;
  lastSyncTimeRegressions: number;
  leftoverMessages: number;
  pass: boolean;
  failures: string[];
}

const TERMINAL = new Set(["succeeded", "dead_lettered", "cancelled"]);

/** Sums up a run, Jepsen-style: what the system promised against what the partners hold. */
export function check(o: Observations, externalIdOf: (sourceId: string) => string): Report {
  const accepted = new Set(o.requests.flatMap((r) => r.jobIds));
  const dlqJobs = o.dlq.flatMap((m) => (m.jobId ? [m.jobId] : []));
  const all = new Set([...accepted, ...o.jobs.keys(), ...dlqJobs]);
  const statuses = [...all].map((id) => o.jobs.get(id));
  const jobsByTrigger: Record<string, number> = {};
  for (const s of statuses) {
    const trigger = s?.trigger ?? "unknown";
    jobsByTrigger[trigger] = (jobsByTrigger[trigger] ?? 0) + 1;
  }
  const inDlq = new Map<string, number>();
  for (const id of dlqJobs) inDlq.set(id, (inDlq.get(id) ?? 0) + 1);
  const isDead = (id: string | undefined) => id !== undefined && o.jobs.get(id)?.status === "dead_lettered";
  const deadLetteredNotOnceInDlq = [...all].filter((id) => isDead(id) && inDlq.get(id) !== 1).length;
  const dlqOfNoDeadJob = o.dlq.filter((m) => !isDead(m.jobId)).length;
  const count = (status: string) => statuses.filter((s) => s?.status === status).length;
  const jobsLost = statuses.filter((s) => !s || !TERMINAL.has(s.status)).length;
  const jobsDuplicated = o.requests.filter((r) => new Set(r.jobIds).size > 1).length;
  let recordsWritten = 0;
  let recordsDuplicated = 0;
  let recordsMissing = 0;
  for (const user of o.users) {
    const copies = new Map<string, number>();
    for (const d of user.destination) if (d.externalId) copies.set(d.externalId, (copies.get(d.externalId) ?? 0) + 1);
    for (const s of user.source) {
      const n = copies.get(externalIdOf(s.id)) ?? 0;
      if (n === 0) recordsMissing += 1;
      recordsWritten += Math.min(n, 1);
    }
    for (const n of copies.values()) recordsDuplicated += Math.max(0, n - 1);
  }
  const dlqWithoutReason = o.dlq.filter((m) => !m.errorCategory).length;
  const deadLetteredWithoutReason = statuses.filter((s) => s?.status === "dead_lettered" && !s.errorCategory).length;
  let lastSyncTimeRegressions = 0;
  for (const samples of o.lastSyncTimes.values()) {
    let highest = "";
    for (const sample of samples) {
      if (sample === undefined) continue;
      if (sample < highest) lastSyncTimeRegressions += 1;
      else highest = sample;
    }
  }
  const report = {
    jobsAccepted: accepted.size,
    jobsTotal: all.size,
    jobsByTrigger,
    jobsSucceeded: count("succeeded"),
    jobsDeadLettered: count("dead_lettered"),
    jobsCancelled: count("cancelled"),
    jobsLost,
    jobsDuplicated,
    recordsWritten,
    recordsDuplicated,
    recordsMissing,
    dlqWithReason: o.dlq.length - dlqWithoutReason,
    dlqWithoutReason,
    deadLetteredWithoutReason,
    deadLetteredNotOnceInDlq,
    dlqOfNoDeadJob,
    lastSyncTimeRegressions,
    leftoverMessages: o.leftoverMessages,
  };
  const failures = [
    ["jobsLost", "jobs lost (accepted or queued, never finished)"],
    ["jobsDuplicated", "retried requests answered with another job"],
    ["recordsDuplicated", "records written twice"],
    ["recordsMissing", "source records missing at the destination"],
    ["dlqWithoutReason", "DLQ messages without a reason"],
    ["deadLetteredWithoutReason", "dead-lettered jobs without a reason"],
    ["deadLetteredNotOnceInDlq", "dead-lettered jobs without exactly one DLQ message"],
    ["dlqOfNoDeadJob", "DLQ messages of no dead-lettered job"],
    ["lastSyncTimeRegressions", "lastSyncTime moved back"],
    ["leftoverMessages", "messages left in the queues"],
  ]
    .filter(([field]) => report[field as keyof typeof report] !== 0)
    .map(([field, what]) => `${report[field as keyof typeof report]} ${what}`);
  if (accepted.size === 0) failures.push("no job was accepted");
  return { ...report, pass: failures.length === 0, failures };
}
