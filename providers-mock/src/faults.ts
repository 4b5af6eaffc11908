import type { Operation, Provider } from "@syncwell/core";

/** An injected failure for one provider and operation. */
export interface Fault {
  id: number;
  provider: Provider;
  operation: Operation;
  status?: number | undefined;
  /** How many calls it still applies to; undefined = every call until cleared. */
  times?: number | undefined;
  /** Chance (0-1) that a call is affected; undefined = always. */
  probability?: number | undefined;
  latencyMs?: number | undefined;
}

export interface FaultOutcome {
  latencyMs: number;
  status?: number | undefined;
}

/** The set of active faults; `random` is injectable so tests are deterministic. */
export class FaultRegistry {
  #faults: Fault[] = [];
  #nextId = 1;

  constructor(private readonly random: () => number = Math.random) {}

  add(fault: Omit<Fault, "id">): Fault {
    const stored = { ...fault, id: this.#nextId++ };
    this.#faults.push(stored);
    return stored;
  }

  list(): readonly Fault[] {
    return this.#faults;
  }

  clear(): void {
    this.#faults = [];
  }

  /** Decides what happens to one call, consuming `times` of the faults that fire. */
  apply(provider: Provider, operation: Operation): FaultOutcome {
    const outcome: FaultOutcome = { latencyMs: 0 };
    for (const fault of this.#faults) {
      if (fault.provider !== provider || fault.operation !== operation) continue;
      if (fault.times !== undefined && fault.times <= 0) continue;
      if (fault.probability !== undefined && this.random() >= fault.probability) continue;
      if (fault.times !== undefined) fault.times -= 1;
      outcome.latencyMs += fault.latencyMs ?? 0;
      if (fault.status !== undefined && outcome.status === undefined) outcome.status = fault.status;
    }
    this.#faults = this.#faults.filter((f) => f.times === undefined || f.times > 0);
    return outcome;
  }
}
