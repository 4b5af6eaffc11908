import { randomUUID } from "node:crypto";
import type { Provider } from "../contracts/providers.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import type { Logger } from "../logging/logger.ts";
import type { MetadataStore } from "../metadata/MetadataStore.ts";
import type { ConnectionRecord } from "../metadata/types.ts";
import type { PartnerAdapters } from "../partners/registry.ts";
import type { ProviderCredentials } from "../ports/DataProvider.ts";
import type { Redis } from "../storage/redis.ts";

/** Raised when a connection can no longer be refreshed: the user must authorise again. */
export class ReauthRequiredError extends Error {
  readonly code = "REAUTH_REQUIRED";
  override name = "ReauthRequiredError";
}

type Store = Pick<MetadataStore, "getConnection" | "updateTokens" | "setConnectionStatus">;

/**
 * Keeps partner tokens fresh. Refresh tokens rotate and are single-use, so a refresh is
 * single-flight per connection: in this process (a shared promise), across workers (a Redis
 * lock), and in the table (a compare-and-set on `tokenVersion`). The new tokens are stored
 * before they are used.
 */
export class TokenManager {
  readonly #inFlight = new Map<string, Promise<ConnectionRecord>>();

  constructor(
    private readonly deps: {
      store: Store;
      adapters: PartnerAdapters;
      redis: Redis;
      logger: Logger;
      onRefresh?: (provider: Provider, result: "refreshed" | "reauth_required") => void;
      now?: () => number;
    },
    private readonly options: { refreshSkewSeconds: number; lockTtlMs: number; waitForOtherMs: number } = {
      refreshSkewSeconds: 60,
      lockTtlMs: 15_000,
      waitForOtherMs: 10_000,
    },
  ) {}

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Credentials for a connection, refreshed first when the access token (nearly) expired. */
  async credentials(connection: ConnectionRecord): Promise<ProviderCredentials> {
    let current = connection;
    if (Date.parse(current.tokenExpiresAt) - this.#now() < this.options.refreshSkewSeconds * 1000) current = await this.refresh(current);
    return { accessToken: current.accessToken, providerUserId: current.providerUserId };
  }

  /** After a 401: refresh once (or adopt somebody else's refresh) and answer fresh credentials. */
  async refreshed(connection: ConnectionRecord): Promise<ProviderCredentials> {
    const current = await this.refresh(connection);
    return { accessToken: current.accessToken, providerUserId: current.providerUserId };
  }

  refresh(connection: ConnectionRecord): Promise<ConnectionRecord> {
    const existing = this.#inFlight.get(connection.connectionId);
    if (existing) return existing;
    const task = this.#refresh(connection).finally(() => this.#inFlight.delete(connection.connectionId));
    this.#inFlight.set(connection.connectionId, task);
    return task;
  }

  async #refresh(seen: ConnectionRecord): Promise<ConnectionRecord> {
    const lockKey = `lock:token-refresh:${seen.connectionId}`;
    const owner = randomUUID();
    const locked = await this.deps.redis.set(lockKey, owner, "PX", this.options.lockTtlMs, "NX").catch(() => "OK");
    try {
      if (locked !== "OK") {
        const adopted = await this.#waitForOther(seen);
        if (adopted) return adopted;
      }
      const current = await this.#reload(seen);
      if (current.tokenVersion > seen.tokenVersion) return current;
      let grant: Awaited<ReturnType<ReturnType<PartnerAdapters["oauth"]>["refresh"]>>;
      try {
        grant = await this.deps.adapters.oauth(current.provider).refresh(current.refreshToken);
      } catch (error) {
        if (!(error instanceof PartnerError) || error.category === "transient" || error.category === "rate_limited") throw error;
        const after = await this.#reload(seen);
        if (after.tokenVersion > seen.tokenVersion) return after;
        await this.deps.store.setConnectionStatus(current.userId, current.connectionId, "reauth_required");
        this.deps.onRefresh?.(current.provider, "reauth_required");
        throw new ReauthRequiredError(
          `${current.provider} refused the refresh token: connection ${current.connectionId} needs re-authorisation`,
        );
      }
      const tokens = { accessToken: grant.accessToken, refreshToken: grant.refreshToken, tokenExpiresAt: grant.expiresAt };
      const stored = await this.deps.store.updateTokens(current.userId, current.connectionId, current.tokenVersion, tokens);
      this.deps.onRefresh?.(current.provider, "refreshed");
      if (!stored) return this.#reload(seen);
      return { ...current, ...tokens, tokenVersion: current.tokenVersion + 1 };
    } finally {
      if (locked === "OK") {
        const holder = await this.deps.redis.get(lockKey).catch(() => null);
        if (holder === owner) await this.deps.redis.del(lockKey).catch(() => 0);
      }
    }
  }

  async #reload(seen: ConnectionRecord): Promise<ConnectionRecord> {
    const current = await this.deps.store.getConnection(seen.userId, seen.connectionId);
    if (!current) throw new ReauthRequiredError(`connection ${seen.connectionId} no longer exists`);
    return current;
  }

  /** Another worker holds the lock: wait for its new tokens to appear. */
  async #waitForOther(seen: ConnectionRecord): Promise<ConnectionRecord | undefined> {
    const deadline = this.#now() + this.options.waitForOtherMs;
    while (this.#now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const current = await this.#reload(seen);
      if (current.tokenVersion > seen.tokenVersion) return current;
    }
    return undefined;
  }
}
