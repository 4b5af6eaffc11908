import { ok } from "../client.ts";
import { type AwsCalls, diffCalls, partnerCalls, type ServiceMetrics, serviceMetrics, sumCalls, withoutScrapes } from "./perUnit.ts";

export type ServiceName = "gateway" | "worker" | "coalescer";

interface Reading extends ServiceMetrics {
  /** How many scrapes of this service came before this one. */
  scrape: number;
}

/** What one service spent inside a measurement window. */
export interface ServiceCost {
  cpuMs: number;
  aws: AwsCalls;
  jobs: Record<string, number>;
  recordsWritten: number;
}

/** What a measurement window cost: per service, the partners (providers-mock's counters) and wall time. */
export interface WindowCost {
  seconds: number;
  services: Partial<Record<ServiceName, ServiceCost>>;
  partner: Record<string, { calls: number; bytes: number }>;
}

/**
 * Reads the services' own counters from outside: process CPU (`process.cpuUsage()` of that
 * service, as prom-client exports it) and the AWS call counters, before and after a window.
 * The worker's queue-depth gauge calls GetQueueAttributes on every scrape; `calibrate` measures
 * that and every window takes it away again.
 */
export class ServiceProbe {
  readonly #scrapes = new Map<ServiceName, number>();
  readonly #perScrape = new Map<ServiceName, AwsCalls>();

  constructor(
    private readonly urls: Record<ServiceName, string>,
    private readonly providersMock: string,
  ) {}

  async read(service: ServiceName): Promise<Reading> {
    const scrape = this.#scrapes.get(service) ?? 0;
    this.#scrapes.set(service, scrape + 1);
    const text = await (await fetch(`${this.urls[service]}/metrics`)).text();
    return { ...serviceMetrics(text), scrape };
  }

  /** The GetQueueAttributes calls one scrape of each (idle) service causes. */
  async calibrate(): Promise<Record<string, AwsCalls>> {
    for (const service of Object.keys(this.urls) as ServiceName[]) {
      const first = await this.read(service);
      const second = await this.read(service);
      const between = diffCalls(first.aws, second.aws);
      this.#perScrape.set(service, Object.fromEntries(Object.entries(between).filter(([key]) => key.endsWith(".GetQueueAttributes"))));
    }
    return Object.fromEntries(this.#perScrape);
  }

  /** Starts a window over `services`; `stop()` answers what it cost. Resets providers-mock's counters when `partner`. */
  async start(services: readonly ServiceName[], options: { partner: boolean }) {
    if (options.partner) await ok("POST", `${this.providersMock}/_admin/stats/reset`);
    const before = new Map<ServiceName, Reading>();
    for (const service of services) before.set(service, await this.read(service));
    const started = performance.now();
    return {
      stop: async (): Promise<WindowCost> => {
        const seconds = (performance.now() - started) / 1000;
        const cost: WindowCost = { seconds, services: {}, partner: {} };
        for (const service of services) {
          const b = before.get(service) as Reading;
          const a = await this.read(service);
          const jobs: Record<string, number> = {};
          for (const [outcome, n] of Object.entries(a.jobs)) if (n - (b.jobs[outcome] ?? 0) > 0) jobs[outcome] = n - (b.jobs[outcome] ?? 0);
          cost.services[service] = {
            cpuMs: (a.cpuSeconds - b.cpuSeconds) * 1000,
            aws: withoutScrapes(diffCalls(b.aws, a.aws), this.#perScrape.get(service) ?? {}, a.scrape - b.scrape),
            jobs,
            recordsWritten: a.recordsWritten - b.recordsWritten,
          };
        }
        if (options.partner) cost.partner = partnerCalls(await ok("GET", `${this.providersMock}/_admin/stats`));
        return cost;
      },
    };
  }
}

/** The AWS calls of several services in one window, added up. */
export const callsOf = (cost: WindowCost, services: readonly ServiceName[]): AwsCalls =>
  sumCalls(...services.map((s) => cost.services[s]?.aws ?? {}));

export const cpuMsOf = (cost: WindowCost, services: readonly ServiceName[]): number =>
  services.reduce((sum, s) => sum + (cost.services[s]?.cpuMs ?? 0), 0);
