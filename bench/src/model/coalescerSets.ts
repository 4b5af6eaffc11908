import { createRedis, type Redis } from "@syncwell/core";

/** The record ids the coalescer still holds for one sync config (its Redis sets). */
export interface HeldRecords {
  /** `coalesce:records:{cfg}`: named by events since the last window closed (a coming flush takes them). */
  open: string[];
  /** `coalesce:records:{cfg}:{windowId}`: a closed window whose flush has not finished sending them. */
  closed: Record<string, string[]>;
}

/**
 * Reads what the coalescer holds of the records webhooks named: where a required record is missing,
 * this tells "never carried by a job" (still held) from "carried, and lost further on" (not held).
 */
export class CoalescerSets {
  readonly #redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.#redis = createRedis(url, { commandTimeoutMs: 5000, onUnreachable: () => {} });
  }

  async held(syncConfigId: string): Promise<HeldRecords> {
    const open = `${this.prefix}coalesce:records:${syncConfigId}`;
    const closed: Record<string, string[]> = {};
    for (const key of await this.#keys(`${open}:*`)) closed[key.slice(open.length + 1)] = await this.#redis.smembers(key);
    return { open: await this.#redis.smembers(open), closed };
  }

  /** Every config's held records (the end of a run: once the webhook queue drained, nothing should be held). */
  async all(): Promise<Map<string, HeldRecords>> {
    const out = new Map<string, HeldRecords>();
    const base = `${this.prefix}coalesce:records:`;
    for (const key of await this.#keys(`${base}*`)) {
      const [config, windowId] = key.slice(base.length).split(":") as [string, string | undefined];
      const entry = out.get(config) ?? { open: [], closed: {} };
      const ids = await this.#redis.smembers(key);
      if (windowId) entry.closed[windowId] = ids;
      else entry.open = ids;
      if (ids.length > 0) out.set(config, entry);
    }
    return out;
  }

  async #keys(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await this.#redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== "0");
    return keys;
  }

  close(): void {
    this.#redis.disconnect();
  }
}

/** One line per held record, for a violation or a log. */
export function describeHeld(held: HeldRecords, ids: readonly string[] = []): string[] {
  const pick = (list: readonly string[]) => (ids.length === 0 ? list : list.filter((id) => ids.includes(id)));
  const lines = pick(held.open).map((id) => `${id} is still in the coalescer's open set (no window's flush took it into a job)`);
  for (const [windowId, list] of Object.entries(held.closed))
    lines.push(...pick(list).map((id) => `${id} is in closed window ${windowId}'s set (its flush never finished)`));
  return lines;
}
