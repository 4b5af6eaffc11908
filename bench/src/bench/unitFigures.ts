import { round } from "../client.ts";
import { type AwsCalls, byService, perUnit, rate, ratio, sumCalls, totalOf } from "./perUnit.ts";
import { callsOf, cpuMsOf, type ServiceName, type WindowCost } from "./probe.ts";
import type { ReplayResult } from "./replayPlan.ts";

/** One kind of unit as the engine did it, next to its floor. */
export interface UnitFigures {
  unit: string;
  units: number;
  /** Records each unit wrote (jobs of k records). */
  recordsPerUnit?: number;
  services: ServiceName[];
  wallSeconds: number;
  perSecond: number;
  latencyMs?: { p50: number; p99: number };
  /** AWS calls per unit by `"<service>.<operation>"`, with the entries and request bytes of those calls. */
  aws: AwsCalls;
  /** The same per SyncWell service (the floor replays each service's share in a process of its own). */
  awsBySyncWellService: Partial<Record<ServiceName, AwsCalls>>;
  awsCallsByService: Record<string, number>;
  partner: { calls: number; bytes: number; byOperation: Record<string, number> };
  cpuMs: { total: number; byService: Partial<Record<ServiceName, number>> };
  /** Jobs by outcome in the window (worker units). */
  jobs?: Record<string, number>;
  floor?: {
    replay: ReplayResult;
    /** Engine units per second ÷ replay units per second. */
    throughputRatio: number | undefined;
    /** Engine CPU per unit ÷ replay CPU per unit. */
    cpuMultiple: number | undefined;
  };
}

const rounded = (calls: AwsCalls): AwsCalls =>
  Object.fromEntries(
    Object.entries(calls)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, c]) => [k, { calls: round(c.calls, 3), items: round(c.items, 2), bytes: Math.round(c.bytes) }]),
  );

/** Divides what a window cost by the units it paid for. */
export function unitFigures(fields: {
  unit: string;
  cost: WindowCost;
  services: ServiceName[];
  units: number;
  seconds: number;
  recordsPerUnit?: number;
  latencyMs?: { p50: number; p99: number };
}): UnitFigures {
  const { cost, services, units } = fields;
  const aws = perUnit(callsOf(cost, services), units);
  const partner = totalOf(cost.partner);
  const jobs = cost.services.worker?.jobs;
  return {
    unit: fields.unit,
    units,
    ...(fields.recordsPerUnit === undefined ? {} : { recordsPerUnit: fields.recordsPerUnit }),
    services,
    wallSeconds: round(fields.seconds, 2),
    perSecond: rate(units / fields.seconds),
    ...(fields.latencyMs ? { latencyMs: fields.latencyMs } : {}),
    aws: rounded(aws),
    awsBySyncWellService: Object.fromEntries(services.map((s) => [s, rounded(perUnit(cost.services[s]?.aws ?? {}, units))])),
    awsCallsByService: Object.fromEntries(Object.entries(byService(aws)).map(([k, v]) => [k, round(v, 2)])),
    partner: {
      calls: round(partner.calls / units, 2),
      bytes: Math.round(partner.bytes / units),
      byOperation: Object.fromEntries(Object.entries(cost.partner).map(([k, c]) => [k, round(c.calls / units, 2)])),
    },
    cpuMs: {
      total: round(cpuMsOf(cost, services) / units, 2),
      byService: Object.fromEntries(services.map((s) => [s, round((cost.services[s]?.cpuMs ?? 0) / units, 2)])),
    },
    ...(services.includes("worker") && jobs ? { jobs } : {}),
  };
}

/** The engine's figures with their floor: throughput as a ratio to the replay's, CPU as a multiple of it. */
export function withFloor(figures: UnitFigures, replay: ReplayResult): UnitFigures {
  return {
    ...figures,
    floor: {
      replay,
      throughputRatio: ratio(figures.perSecond, replay.perSecond),
      cpuMultiple: ratio(figures.cpuMs.total, replay.cpuMsPerUnit, 1),
    },
  };
}

/** The per-unit AWS calls of a row in one line: `SQS ReceiveMessage 0.3, DeleteMessageBatch 0.1 · DynamoDB GetItem 3`. */
export function callsLine(aws: AwsCalls): string {
  const groups = new Map<string, string[]>();
  for (const [key, c] of Object.entries(aws)) {
    const [service = "", operation = ""] = key.split(".");
    groups.set(service, [...(groups.get(service) ?? []), `${operation} ${round(c.calls, 2)}`]);
  }
  return [...groups].map(([service, ops]) => `${service} ${ops.join(", ")}`).join(" · ");
}

/**
 * One floor from the replays of each service's share of a unit, run side by side (a webhook
 * event: the gateway's calls and the coalescer's): the unit is done at the pace of the slower
 * share, costs the CPU of both, and answers as fast as the first (the service that acknowledges).
 */
export function combineReplays(parts: ReplayResult[]): ReplayResult {
  const [first, ...rest] = parts;
  if (!first) throw new Error("no replay to combine");
  if (rest.length === 0) return first;
  const merge = (all: Record<string, number>[]) => {
    const out: Record<string, number> = {};
    for (const r of all) for (const [k, n] of Object.entries(r)) out[k] = (out[k] ?? 0) + n;
    return out;
  };
  return {
    ...first,
    label: parts.map((p) => p.label).join(" + "),
    seconds: Math.max(...parts.map((p) => p.seconds)),
    perSecond: Math.min(...parts.map((p) => p.perSecond)),
    cpuMs: parts.reduce((sum, p) => sum + p.cpuMs, 0),
    cpuMsPerUnit: round(
      parts.reduce((sum, p) => sum + p.cpuMsPerUnit, 0),
      3,
    ),
    replayedAwsPerUnit: sumCalls(...parts.map((p) => p.replayedAwsPerUnit)),
    replayedPartnerPerUnit: merge(parts.map((p) => p.replayedPartnerPerUnit)),
    errors: merge(parts.map((p) => p.errors)),
    notReplayed: parts.flatMap((p) => p.notReplayed),
    parts,
  };
}
