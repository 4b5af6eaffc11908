import {
  type ConnectionRecord,
  HttpProblem,
  type Logger,
  type MetadataStore,
  type PartnerAdapters,
  PartnerError,
  ReauthRequiredError,
  type TokenManager,
} from "@syncwell/core";

/** What a disconnect did at the partner (logged; the app gets 204 for each). */
export type RevokeOutcome =
  /** The partner confirmed that SyncWell's access ended. */
  | "revoked"
  /** The partner no longer honoured the tokens (the user withdrew access there, or it expired for good). */
  | "already_gone"
  /** The partner refused the call for a reason a retry would not change; the tokens are deleted anyway. */
  | "refused"
  /** The partner documents no revoke call. */
  | "no_revoke_call"
  /** Disconnected before: no tokens left, nothing to call. */
  | "no_tokens";

type Store = Pick<MetadataStore, "getConnection" | "listConfigs" | "disableConfig" | "disconnectConnection">;

/**
 * Disconnects a user's connection (`DELETE /v1/connections/{id}`), in an order that a retry can
 * always finish: its sync configs (as source or destination) are disabled first, so nothing syncs
 * through it whatever the partner says; then SyncWell's access is revoked at the partner where it
 * has a call for it; then the tokens are deleted and the connection is `revoked`. A partner that
 * does not answer stops it before the tokens go (they are what a retry revokes with): 503.
 */
export class Disconnector {
  constructor(
    private readonly deps: {
      store: Store;
      adapters: Pick<PartnerAdapters, "oauth">;
      tokens: Pick<TokenManager, "credentials" | "refreshed">;
      logger: Logger;
    },
  ) {}

  /** Answers what happened at the partner; 404 for a connection that is not the user's. */
  async disconnect(userId: string, connectionId: string): Promise<RevokeOutcome> {
    const connection = await this.deps.store.getConnection(userId, connectionId);
    if (!connection) throw new HttpProblem(404, "no such connection");
    const disabled = await this.#disableConfigs(userId, connectionId);
    const outcome = await this.#revoke(connection);
    await this.deps.store.disconnectConnection(userId, connectionId);
    this.deps.logger.info({ connectionId, provider: connection.provider, outcome, configsDisabled: disabled }, "connection disconnected");
    return outcome;
  }

  async #disableConfigs(userId: string, connectionId: string): Promise<number> {
    const configs = (await this.deps.store.listConfigs(userId)).filter(
      (c) => c.enabled && (c.sourceConnectionId === connectionId || c.destinationConnectionId === connectionId),
    );
    await Promise.all(configs.map((c) => this.deps.store.disableConfig(userId, c.syncConfigId)));
    return configs.length;
  }

  async #revoke(connection: ConnectionRecord): Promise<RevokeOutcome> {
    if (!connection.accessToken && !connection.refreshToken) return "no_tokens";
    const oauth = this.deps.adapters.oauth(connection.provider);
    if (!oauth.revoke) return "no_revoke_call";
    try {
      try {
        // Refreshed first when the access token (nearly) expired: an expired one would be refused as if access were gone.
        await oauth.revoke(await this.deps.tokens.credentials(connection));
      } catch (error) {
        if (!(error instanceof PartnerError && error.category === "auth")) throw error;
        // Refused: an access token that ended early, or access already withdrawn. A refresh tells which.
        await oauth.revoke(await this.deps.tokens.refreshed(connection));
      }
      return "revoked";
    } catch (error) {
      if (error instanceof ReauthRequiredError) return "already_gone";
      if (!(error instanceof PartnerError)) throw error;
      if (error.category === "auth") return "already_gone";
      // The partner's reply may echo what it was sent: its category and status only, never its text.
      const seen = {
        connectionId: connection.connectionId,
        provider: connection.provider,
        category: error.category,
        status: error.details.status,
      };
      if (error.category === "permanent") {
        this.deps.logger.warn(seen, "the partner refused the revoke call: tokens deleted without it");
        return "refused";
      }
      this.deps.logger.warn(seen, "the partner did not answer the revoke call: disconnect not finished");
      const retryAfter = error.retryAfterSeconds;
      throw new HttpProblem(
        503,
        `${connection.provider} did not answer; the connection's syncs are stopped — try again to finish disconnecting`,
        {},
        retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) },
      );
    }
  }
}
