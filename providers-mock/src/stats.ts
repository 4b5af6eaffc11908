import type { Operation, Provider } from "@syncwell/core";

export type StatsSnapshot = Partial<Record<Provider, Partial<Record<Operation, { calls: number; bytes: number }>>>>;

/** Calls and response bytes per provider and operation: what a sync really cost the partner. */
export class CallStats {
  #stats: StatsSnapshot = {};

  record(provider: Provider, operation: Operation, bytes: number): void {
    const perProvider = this.#stats[provider] ?? {};
    this.#stats[provider] = perProvider;
    const entry = perProvider[operation] ?? { calls: 0, bytes: 0 };
    entry.calls += 1;
    entry.bytes += bytes;
    perProvider[operation] = entry;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.#stats);
  }

  reset(): void {
    this.#stats = {};
  }
}
