/** The outcome of checking a bearer token: the caller's subject, or why the token is refused. */
export type TokenCheck =
  | { ok: true; sub: string }
  | {
      ok: false;
      reason: string;
      /** The keys to check the token against could not be fetched: not the caller's fault (503). */
      unavailable?: boolean;
    };

/**
 * Verifies bearer tokens: RS256 through the issuer's JWKS in production, HS256 with a local secret
 * in development mode only. Never throws: every malformed token is a refusal.
 */
export interface TokenVerifier {
  verify(token: string): Promise<TokenCheck>;
}

/** Subjects are user or agent ids that end up in keys and logs: a plain charset, at most 128 characters. */
export const SUBJECT_PATTERN = /^[A-Za-z0-9_.@:-]{1,128}$/;
