import { randomBytes } from "node:crypto";
import type { Knex, Provider } from "@syncwell/core";

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  partnerUserId: string;
  /** The scope the user accepted (partners that have scopes); undefined where the partner has none. */
  scope?: string | undefined;
}

export type TokenCheck = { ok: true; partnerUserId: string; scope?: string | undefined } | { ok: false; reason: "invalid" | "expired" };

interface TokenRow {
  provider: Provider;
  refresh_valid: boolean;
  access_token: string;
  refresh_token: string;
  partner_user_id: string;
  access_expires_at: Date;
  scope: string | null;
}

const token = () => randomBytes(20).toString("hex");

/**
 * OAuth2 authorization-code grant with expiring access tokens and single-use (rotating)
 * refresh tokens, shared by every mock partner. Each partner shapes the HTTP exchange.
 */
export class OAuthService {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** An authorization code, as the partner's consent screen hands it out; `scope` is what the user accepted. */
  async issueCode(
    provider: Provider,
    partnerUserId: string,
    options: { ttlSeconds?: number; scope?: string | undefined } = {},
  ): Promise<string> {
    const code = token();
    await this.db("oauth_codes").insert({
      code,
      provider,
      partner_user_id: partnerUserId,
      expires_at: new Date(this.now().getTime() + (options.ttlSeconds ?? 600) * 1000),
      scope: options.scope ?? null,
    });
    return code;
  }

  /**
   * The scope of the user's latest grant to the app (its newest token, else its newest code);
   * undefined when the user never authorised it or the partner has no scopes.
   */
  async grantedScope(provider: Provider, partnerUserId: string): Promise<string | undefined> {
    const where = { provider, partner_user_id: partnerUserId };
    const token = await this.db("oauth_tokens")
      .where(where)
      .orderBy("created_at", "desc")
      .first<{ scope: string | null } | undefined>("scope");
    const grant =
      token ??
      (await this.db("oauth_codes").where(where).orderBy("expires_at", "desc").first<{ scope: string | null } | undefined>("scope"));
    return grant?.scope ?? undefined;
  }

  /** Exchanges a code once; a used, expired or foreign code answers undefined. */
  async exchangeCode(provider: Provider, code: string, accessTtlSeconds: number): Promise<TokenSet | undefined> {
    const rows = await this.db("oauth_codes")
      .where({ code, provider })
      .whereNull("used_at")
      .where("expires_at", ">", this.now())
      .update({ used_at: this.now() })
      .returning<{ partner_user_id: string; scope: string | null }[]>(["partner_user_id", "scope"]);
    const row = rows[0];
    return row === undefined ? undefined : this.#issue(provider, row.partner_user_id, accessTtlSeconds, row.scope ?? undefined);
  }

  /**
   * Uses a refresh token. Tokens rotate: the old refresh token is void the moment it is used,
   * so two concurrent refreshes with one token leave exactly one winner. With
   * `keepIfValidForSeconds` (Strava), an access token still valid that long is returned as is.
   */
  async refresh(
    provider: Provider,
    refreshToken: string,
    accessTtlSeconds: number,
    keepIfValidForSeconds?: number,
  ): Promise<TokenSet | undefined> {
    const nowMs = this.now().getTime();
    if (keepIfValidForSeconds !== undefined) {
      const current = await this.db<TokenRow>("oauth_tokens").where({ provider, refresh_token: refreshToken, refresh_valid: true }).first();
      if (current && current.access_expires_at.getTime() - nowMs > keepIfValidForSeconds * 1000) {
        return {
          accessToken: current.access_token,
          refreshToken: current.refresh_token,
          expiresAt: current.access_expires_at,
          partnerUserId: current.partner_user_id,
          scope: current.scope ?? undefined,
        };
      }
    }
    const rows = await this.db<TokenRow>("oauth_tokens")
      .where({ provider, refresh_token: refreshToken, refresh_valid: true })
      .update({ refresh_valid: false })
      .returning(["partner_user_id", "scope"]);
    const row = rows[0];
    // A refreshed grant keeps the scope the user accepted.
    return row === undefined ? undefined : this.#issue(provider, row.partner_user_id, accessTtlSeconds, row.scope ?? undefined);
  }

  async authenticate(provider: Provider, accessToken: string): Promise<TokenCheck> {
    const row = await this.db<TokenRow>("oauth_tokens").where({ provider, access_token: accessToken }).first();
    if (!row) return { ok: false, reason: "invalid" };
    if (row.access_expires_at.getTime() <= this.now().getTime()) return { ok: false, reason: "expired" };
    return { ok: true, partnerUserId: row.partner_user_id, scope: row.scope ?? undefined };
  }

  /** Test control: every access token of the user expires now (refresh tokens stay valid). */
  async expireAccessTokens(provider: Provider, partnerUserId: string): Promise<number> {
    return this.db("oauth_tokens").where({ provider, partner_user_id: partnerUserId }).update({ access_expires_at: this.now() });
  }

  /** The user withdrew the app's access: no token of theirs works any more. */
  async revoke(provider: Provider, partnerUserId: string): Promise<number> {
    return this.db("oauth_tokens").where({ provider, partner_user_id: partnerUserId }).delete();
  }

  async #issue(provider: Provider, partnerUserId: string, accessTtlSeconds: number, scope: string | undefined): Promise<TokenSet> {
    const set: TokenSet = {
      accessToken: token(),
      refreshToken: token(),
      expiresAt: new Date(this.now().getTime() + accessTtlSeconds * 1000),
      partnerUserId,
      scope,
    };
    await this.db("oauth_tokens").insert({
      access_token: set.accessToken,
      refresh_token: set.refreshToken,
      provider,
      partner_user_id: partnerUserId,
      access_expires_at: set.expiresAt,
      scope: scope ?? null,
    });
    return set;
  }
}
