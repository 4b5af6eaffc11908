import type { BatchStore } from "./BatchStore.ts";

/** The fake beside the port, for unit tests; `batchStore.contract.ts` holds it to the S3 adapter's behaviour. */
export class InMemoryBatchStore implements BatchStore {
  readonly #objects = new Map<string, string>();

  async put(key: string, body: string): Promise<void> {
    this.#objects.set(key, body);
  }

  async get(key: string): Promise<string | undefined> {
    return this.#objects.get(key);
  }

  /** Keys stored so far (tests: "nothing stored"). */
  keys(): string[] {
    return [...this.#objects.keys()];
  }
}
