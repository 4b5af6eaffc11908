/**
 * The bench's arithmetic, kept pure: a service's /metrics as numbers, the difference of two
 * scrapes, and that difference divided by the units of work it paid for.
 */

/** One operation's AWS requests, the entries they carried and their request bytes. */
export interface CallCount {
  calls: number;
  items: number;
  bytes: number;
}
/** AWS requests by `"<service>.<operation>"`, e.g. `"SQS.ReceiveMessage"`. */
export type AwsCalls = Record<string, CallCount>;

/** What the bench reads from one scrape of a service. */
export interface ServiceMetrics {
  cpuSeconds: number;
  aws: AwsCalls;
  /** `syncwell_jobs_processed_total` by outcome (worker only). */
  jobs: Record<string, number>;
  recordsWritten: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample of a Prometheus text exposition: name, labels, value. */
export function parseSamples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key as string] = value as string;
    out.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return out;
}

const AWS_FIELDS: Record<string, keyof CallCount> = {
  syncwell_aws_requests_total: "calls",
  syncwell_aws_request_items_total: "items",
  syncwell_aws_request_bytes_total: "bytes",
};

export function serviceMetrics(text: string): ServiceMetrics {
  const metrics: ServiceMetrics = { cpuSeconds: 0, aws: {}, jobs: {}, recordsWritten: 0 };
  for (const { name, labels, value } of parseSamples(text)) {
    const field = AWS_FIELDS[name];
    if (field) {
      const key = `${labels.service}.${labels.operation}`;
      metrics.aws[key] ??= { calls: 0, items: 0, bytes: 0 };
      metrics.aws[key][field] += value;
    } else if (name === "syncwell_process_cpu_seconds_total") metrics.cpuSeconds += value;
    else if (name === "syncwell_jobs_processed_total")
      metrics.jobs[labels.outcome ?? ""] = (metrics.jobs[labels.outcome ?? ""] ?? 0) + value;
    else if (name === "syncwell_records_written_total") metrics.recordsWritten += value;
  }
  return metrics;
}

/** `after − before` per operation; operations with no calls in between are left out. */
export function diffCalls(before: AwsCalls, after: AwsCalls): AwsCalls {
  const out: AwsCalls = {};
  for (const [key, a] of Object.entries(after)) {
    const b = before[key] ?? { calls: 0, items: 0, bytes: 0 };
    const calls = a.calls - b.calls;
    if (calls > 0) out[key] = { calls, items: a.items - b.items, bytes: a.bytes - b.bytes };
  }
  return out;
}

/**
 * Takes away the calls the bench's own scrapes caused (the queue-depth gauge reads queue
 * attributes when /metrics is scraped): `perScrape` times `scrapes`, never below zero.
 */
export function withoutScrapes(calls: AwsCalls, perScrape: AwsCalls, scrapes: number): AwsCalls {
  const out: AwsCalls = {};
  for (const [key, c] of Object.entries(calls)) {
    const s = perScrape[key];
    const share = s ? Math.min(1, (s.calls * scrapes) / c.calls) : 0;
    const left = { calls: c.calls * (1 - share), items: c.items * (1 - share), bytes: c.bytes * (1 - share) };
    if (left.calls > 1e-9) out[key] = left;
  }
  return out;
}

export function sumCalls(...all: AwsCalls[]): AwsCalls {
  const out: AwsCalls = {};
  for (const calls of all)
    for (const [key, c] of Object.entries(calls)) {
      const o = out[key] ?? { calls: 0, items: 0, bytes: 0 };
      out[key] = { calls: o.calls + c.calls, items: o.items + c.items, bytes: o.bytes + c.bytes };
    }
  return out;
}

/** Calls, items and bytes per unit of work. */
export function perUnit(calls: AwsCalls, units: number): AwsCalls {
  const out: AwsCalls = {};
  for (const [key, c] of Object.entries(calls)) out[key] = { calls: c.calls / units, items: c.items / units, bytes: c.bytes / units };
  return out;
}

/** Calls per unit summed by AWS service: `{ SQS: 2.1, DynamoDB: 8 }`. */
export function byService(calls: AwsCalls): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, c] of Object.entries(calls)) {
    const service = key.slice(0, key.indexOf("."));
    out[service] = (out[service] ?? 0) + c.calls;
  }
  return out;
}

/**
 * How many of `total` calls unit `index` of `units` makes when they are spread as evenly as
 * whole calls allow (0.3 per unit: units 3, 6, 9 … make one); the shares add up to `total`.
 */
export function shareOf(total: number, units: number, index: number): number {
  const at = (i: number) => Math.floor((Math.round(total) * i) / units);
  return at(index + 1) - at(index);
}

/** Partner calls and response bytes by `"<provider>.<operation>"`, from providers-mock's stats (token calls left out). */
export function partnerCalls(stats: Record<string, Record<string, { calls: number; bytes: number }>>) {
  const out: Record<string, { calls: number; bytes: number }> = {};
  for (const [provider, operations] of Object.entries(stats))
    for (const [operation, s] of Object.entries(operations))
      if (operation !== "oauth_token" && s.calls > 0) out[`${provider}.${operation}`] = { calls: s.calls, bytes: s.bytes };
  return out;
}

export const totalOf = (counts: Record<string, { calls: number; bytes?: number }>): { calls: number; bytes: number } =>
  Object.values(counts).reduce<{ calls: number; bytes: number }>(
    (sum, c) => ({ calls: sum.calls + c.calls, bytes: sum.bytes + (c.bytes ?? 0) }),
    { calls: 0, bytes: 0 },
  );

/** `a / b`, or undefined when b is 0 (no figure rather than Infinity). */
export const ratio = (a: number, b: number, digits = 2): number | undefined =>
  b > 0 ? Math.round((a / b) * 10 ** digits) / 10 ** digits : undefined;

/** Three significant figures at least: 0.0812 jobs/s stays 0.0812, 112.46 becomes 112.5. */
export const rate = (perSecond: number): number => {
  const digits = perSecond >= 100 ? 1 : Math.max(1, 2 - Math.floor(Math.log10(perSecond || 1)));
  return Math.round(perSecond * 10 ** digits) / 10 ** digits;
};
