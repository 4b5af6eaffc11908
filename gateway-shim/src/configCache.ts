import type { GatewayDeps } from "./deps.ts";

/**
 * Whether a user's config exists and is enabled, remembered for `ttlSeconds` (an unknown config
 * is not remembered): the sync route's ownership check costs a read only once per config and
 * window. A config disabled or deleted meanwhile is at worst enqueued, and the worker cancels the
 * job, as production (which reads nothing at the edge) always does.
 */
export class ConfigCache {
  readonly #known = new Map<string, { enabled: boolean; until: number }>();

  constructor(
    private readonly store: Pick<GatewayDeps["store"], "getConfig">,
    private readonly ttlSeconds: number,
  ) {}

  async enabled(userId: string, syncConfigId: string): Promise<boolean | undefined> {
    const key = `${userId}\n${syncConfigId}`;
    const hit = this.#known.get(key);
    if (hit && hit.until > Date.now()) return hit.enabled;
    const config = await this.store.getConfig(userId, syncConfigId);
    if (!config) return undefined;
    if (this.#known.size >= 10_000) this.#known.clear();
    this.#known.set(key, { enabled: config.enabled, until: Date.now() + this.ttlSeconds * 1000 });
    return config.enabled;
  }

  /** A config was changed or deleted through this gateway: read it afresh next time. */
  forget(userId: string, syncConfigId: string): void {
    this.#known.delete(`${userId}\n${syncConfigId}`);
  }

  /** Several of a user's configs changed at once (a disconnect disabled them): read them all afresh. */
  forgetUser(userId: string): void {
    for (const key of this.#known.keys()) if (key.startsWith(`${userId}\n`)) this.#known.delete(key);
  }
}
