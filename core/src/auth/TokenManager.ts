import { randomUUID } from "node:crypto";
import type { Provider } from "../contracts/providers.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import { ReauthRequiredError } from "../errors/ReauthRequiredError.ts";
import type { Logger } from "../logging/logger.ts";
import type { MetadataStore } from "../metadata/MetadataStore.ts";
import type { ConnectionRecord } from "../metadata/types.ts";
import type { PartnerAdapters } from "../partners/registry.ts";
import type { ProviderCredentials } from "../ports/DataProvider.ts";
import type { Redis } from "../storage/redis.ts";

type Store = Pick<MetadataStore, "getConnection" | "updateTokens" | "setConnectionStatusIf">;

/** Who holds the refresh lock: this process, another worker, or nobody knows (Redis is down). */
type Lock = "held" | "other" | "unknown";

const POLL_MS = 100;
const pause = () => new Promise((resolve) => setTimeout(resolve, POLL_MS));

/** Whether the stored tokens moved on from the ones a refresh used. */
const rotatedSince = (current: ConnectionRecord, used: ConnectionRecord) =>
  current.tokenVersion > used.tokenVersion || current.refreshToken !== used.refreshToken;

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

  /**
   * Whether the partner confirms that SyncWell's access to this connection is gone: its identity call
   * refuses the access token, and a refresh is refused too. How a deauthorisation event (a hint, unsigned
   * at Strava) is confirmed before a connection is revoked. A partner that cannot answer throws: no
   * answer is never taken for a revocation.
   */
  async accessRevoked(connection: ConnectionRecord): Promise<boolean> {
    const oauth = this.deps.adapters.oauth(connection.provider);
    const works = async (c: ConnectionRecord) =>
      (await oauth.verifyAccess({ accessToken: c.accessToken, providerUserId: c.providerUserId })) === "authorized";
    try {
      let current = connection;
      if (Date.parse(current.tokenExpiresAt) - this.#now() < this.options.refreshSkewSeconds * 1000) current = await this.refresh(current);
      if (await works(current)) return false;
      return !(await works(await this.refresh(current)));
    } catch (error) {
      if (error instanceof ReauthRequiredError) return true;
      throw error;
    }
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
    const lock: Lock = await this.deps.redis.set(lockKey, owner, "PX", this.options.lockTtlMs, "NX").then(
      (reply) => (reply === "OK" ? "held" : "other"),
      () => "unknown",
    );
    try {
      if (lock === "other") {
        const adopted = await this.#waitForOther(seen);
        if (adopted) return adopted;
      }
      const current = await this.#reload(seen);
      if (rotatedSince(current, seen)) return current;
      let grant: Awaited<ReturnType<ReturnType<PartnerAdapters["oauth"]>["refresh"]>>;
      try {
        grant = await this.deps.adapters.oauth(current.provider).refresh(current.refreshToken);
      } catch (error) {
        if (!(error instanceof PartnerError) || error.category === "transient" || error.category === "rate_limited") throw error;
        return await this.#refused(current, lock);
      }
      const tokens = { accessToken: grant.accessToken, refreshToken: grant.refreshToken, tokenExpiresAt: grant.expiresAt };
      const stored = await this.deps.store.updateTokens(current.userId, current.connectionId, current.tokenVersion, tokens);
      this.deps.onRefresh?.(current.provider, "refreshed");
      if (!stored) return this.#reload(seen);
      const fresh = { ...current, ...tokens, tokenVersion: current.tokenVersion + 1 };
      if (lock !== "held") {
        // Unlocked, a worker refused with our token may have given up waiting and marked the connection:
        // tokens the partner just issued prove it is authorised.
        await this.deps.store.setConnectionStatusIf(current.userId, current.connectionId, "active", {
          tokenVersion: fresh.tokenVersion,
          status: "reauth_required",
        });
      }
      return fresh;
    } finally {
      if (lock === "held") {
        const holder = await this.deps.redis.get(lockKey).catch(() => null);
        if (holder === owner) await this.deps.redis.del(lockKey).catch(() => 0);
      }
    }
  }

  /**
   * The partner refused the refresh token in `used`. Single-use tokens are refused once somebody used
   * them: unless this process held the lock, that may be a concurrent refresh that has not stored its
   * tokens yet, so wait (bounded) for them. Only a token still stored unchanged is marked, with a
   * compare-and-set on its version, so a refresh stored meanwhile always wins.
   */
  async #refused(used: ConnectionRecord, lock: Lock): Promise<ConnectionRecord> {
    const polls = lock === "held" ? 0 : Math.ceil(this.options.waitForOtherMs / POLL_MS);
    for (let i = 0; ; i++) {
      const current = await this.#reload(used);
      if (rotatedSince(current, used)) return current;
      if (i >= polls) break;
      await pause();
    }
    const marked = await this.deps.store.setConnectionStatusIf(used.userId, used.connectionId, "reauth_required", {
      tokenVersion: used.tokenVersion,
    });
    if (!marked) return this.#reload(used);
    this.deps.onRefresh?.(used.provider, "reauth_required");
    throw new ReauthRequiredError(`${used.provider} refused the refresh token: connection ${used.connectionId} needs re-authorisation`);
  }

  async #reload(seen: ConnectionRecord): Promise<ConnectionRecord> {
    const current = await this.deps.store.getConnection(seen.userId, seen.connectionId);
    if (!current) throw new ReauthRequiredError(`connection ${seen.connectionId} no longer exists`);
    return current;
  }

  /** Another worker holds the lock: wait for its new tokens to appear. */
  async #waitForOther(seen: ConnectionRecord): Promise<ConnectionRecord | undefined> {
    for (let i = 0; i < Math.ceil(this.options.waitForOtherMs / POLL_MS); i++) {
      await pause();
      const current = await this.#reload(seen);
      if (rotatedSince(current, seen)) return current;
    }
    return undefined;
  }
}
