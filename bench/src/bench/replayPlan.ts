import { type AwsCalls, shareOf } from "./perUnit.ts";

/** One AWS operation a unit makes: calls per unit, and the batch size and request bytes of one call. */
export interface ReplayOp {
  key: string;
  perUnit: number;
  itemsPerCall: number;
  bytesPerCall: number;
}

/** What a replay measured (replayMain.ts prints it as one JSON line). */
export interface ReplayResult {
  label: string;
  units: number;
  seconds: number;
  perSecond: number;
  cpuMs: number;
  cpuMsPerUnit: number;
  latencyMs?: { p50: number; p99: number };
  /** What the replay really sent, per unit (its clients count their calls as the services' do). */
  replayedAwsPerUnit: AwsCalls;
  replayedPartnerPerUnit: Record<string, number>;
  errors: Record<string, number>;
  notReplayed: string[];
  /** The replays this one combines (one per service), if it does. */
  parts?: ReplayResult[];
}

/** Where the replay sends its calls (the bench's own platform). */
export interface ReplayEndpoints {
  region: string;
  sqs: string;
  dynamoDb: string;
  table: string;
  providersMock: string;
  clients: Record<"strava" | "garmin", { id: string; secret: string }>;
}

/**
 * The floor of one kind of unit: the AWS and partner calls the engine made per unit in this run,
 * made again `units` times with no engine logic, either `concurrency` units at a time (closed
 * loop, as the worker runs jobs) or one unit every 1/`perSecond` s (open loop, as requests arrive).
 */
export interface ReplayPlan {
  label: string;
  units: number;
  mode: { concurrency: number } | { perSecond: number };
  aws: ReplayOp[];
  /** Partner calls per unit by `"<provider>.<operation>"`. */
  partner: { key: string; perUnit: number }[];
  /** Activities the replay's source account holds (what the engine's source held). */
  sourceRecords: number;
  endpoints: ReplayEndpoints;
}

export function replayPlan(
  fields: Omit<ReplayPlan, "aws" | "partner"> & { aws: AwsCalls; partner: Record<string, { calls: number }> },
): ReplayPlan {
  return {
    ...fields,
    aws: Object.entries(fields.aws).map(([key, c]) => ({
      key,
      perUnit: c.calls,
      itemsPerCall: c.calls > 0 ? c.items / c.calls : 0,
      bytesPerCall: c.calls > 0 ? c.bytes / c.calls : 0,
    })),
    partner: Object.entries(fields.partner).map(([key, c]) => ({ key, perUnit: c.calls })),
  };
}

const READS = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);

/** Where a call goes in a unit: receive, reads, partner listing, partner fetches and pushes, writes, sends, acknowledgement. */
export function stage(key: string): number {
  const [service, operation = ""] = key.split(".");
  if (service === "SQS") {
    if (operation === "ReceiveMessage") return 0;
    return operation.startsWith("DeleteMessage") ? 6 : 5;
  }
  if (service === "DynamoDB") return READS.has(operation) ? 1 : 4;
  if (operation === "list_metadata") return 2;
  return 3;
}

/** One call of a unit: which operation, and the how-manieth call of that operation in the unit. */
export interface Step {
  key: string;
  nth: number;
}

/**
 * The calls unit `index` makes, in order: the unit's whole-call share of each operation, by
 * stage; within the partner stage one call of each operation in turn (fetch, push, fetch, push).
 */
export function unitSteps(plan: Pick<ReplayPlan, "units" | "aws" | "partner">, index: number): Step[] {
  const ops = [...plan.aws, ...plan.partner].map((op) => ({ key: op.key, count: shareOf(op.perUnit * plan.units, plan.units, index) }));
  const steps: Step[] = [];
  for (let s = 0; s <= 6; s++) {
    const here = ops.filter((op) => stage(op.key) === s);
    const most = Math.max(0, ...here.map((op) => op.count));
    for (let nth = 0; nth < most; nth++) for (const op of here) if (nth < op.count) steps.push({ key: op.key, nth });
  }
  return steps;
}

/** Total calls of `key` over all units (what setup must prepare for). */
export const totalCalls = (plan: Pick<ReplayPlan, "units">, perUnit: number) => Math.round(perUnit * plan.units);
