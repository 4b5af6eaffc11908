import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { refusal, subjectCheck } from "./joseChecks.ts";
import type { TokenCheck, TokenVerifier } from "./TokenVerifier.ts";

export interface JwksVerifierOptions {
  /** The `iss` every token carries: for Cognito `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  issuer: string;
  /** The app client id: the `aud` of ID tokens, the `client_id` of access tokens. */
  audience: string;
  /** Where the signing keys are. @defaultValue `<issuer>/.well-known/jwks.json` (Cognito's) */
  jwksUrl?: string | undefined;
  /** When set, the token's `cognito:groups` must contain this group (support agents). */
  requiredGroup?: string | undefined;
  /** Seconds of clock skew tolerated on `exp`/`nbf`. @defaultValue 30 */
  clockToleranceSeconds?: number;
  /** How long one JWKS fetch may take. @defaultValue 5000 */
  timeoutMs?: number;
  /** The clock (tests). @defaultValue the system clock */
  now?: () => Date;
}

/** The JWKS could not be fetched or read: the request is not at fault. */
class KeysUnavailable extends Error {}

/**
 * Production: RS256 tokens of the issuer (a Cognito user pool), checked against its JWKS, which is
 * cached and refetched at most every 30 s when an unknown `kid` shows up.
 */
export class JwksVerifier implements TokenVerifier {
  readonly #keys: JWTVerifyGetKey;
  /** Cognito's `iss` has no trailing slash; a configured one must not make every token fail. */
  readonly #issuer: string;

  constructor(private readonly options: JwksVerifierOptions) {
    const issuer = options.issuer.replace(/\/$/, "");
    this.#issuer = issuer;
    const remote = createRemoteJWKSet(new URL(options.jwksUrl ?? `${issuer}/.well-known/jwks.json`), {
      timeoutDuration: options.timeoutMs ?? 5000,
    });
    this.#keys = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // An unknown or ambiguous key is the token's problem; anything else is the key source's.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        throw new KeysUnavailable((error as Error).message);
      }
    };
  }

  async verify(token: string): Promise<TokenCheck> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        issuer: this.#issuer,
        algorithms: ["RS256"],
        requiredClaims: ["exp", "sub"],
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        ...(this.options.now ? { currentDate: this.options.now() } : {}),
      }));
    } catch (error) {
      if (error instanceof KeysUnavailable) return { ok: false, reason: "the token issuer's keys are unavailable", unavailable: true };
      return refusal(error);
    }
    if (!this.#forUs(payload)) return { ok: false, reason: "token is for another client" };
    const groups = payload["cognito:groups"];
    if (this.options.requiredGroup && !(Array.isArray(groups) && groups.includes(this.options.requiredGroup)))
      return { ok: false, reason: `not in the ${this.options.requiredGroup} group` };
    return subjectCheck(payload);
  }

  /** Cognito puts the client id in `aud` of ID tokens and in `client_id` of access tokens. */
  #forUs(payload: JWTPayload): boolean {
    const use = payload.token_use;
    if (use === "access") return payload.client_id === this.options.audience;
    if (use !== undefined && use !== "id") return false;
    return Array.isArray(payload.aud) ? payload.aud.includes(this.options.audience) : payload.aud === this.options.audience;
  }
}
