import { Hs256Verifier } from "./Hs256Verifier.ts";
import { JwksVerifier } from "./JwksVerifier.ts";
import type { TokenVerifier } from "./TokenVerifier.ts";

/** Who issues the tokens a service accepts, as its config says. */
export interface TokenAuthOptions {
  /** The token issuer (a Cognito user pool): RS256 through its JWKS. Required outside development mode. */
  issuer?: string | undefined;
  /** The app client id the tokens must be for. */
  audience?: string | undefined;
  /** @defaultValue `<issuer>/.well-known/jwks.json` */
  jwksUrl?: string | undefined;
  /** A Cognito group every caller must be in. */
  requiredGroup?: string | undefined;
  /** Development mode without an issuer: HS256 with this secret. */
  hs256Secret?: string | undefined;
}

/**
 * The verifier for a service's callers: the issuer's JWKS when one is configured (always outside
 * development mode, where the config loader requires it), else the development HS256 secret.
 */
export function createTokenVerifier(options: TokenAuthOptions): TokenVerifier {
  if (options.issuer) {
    if (!options.audience) throw new Error("a token issuer needs the audience (app client id) its tokens are for");
    return new JwksVerifier({
      issuer: options.issuer,
      audience: options.audience,
      jwksUrl: options.jwksUrl,
      requiredGroup: options.requiredGroup,
    });
  }
  if (options.hs256Secret) return new Hs256Verifier(options.hs256Secret);
  throw new Error("no token issuer and no development secret: nobody could be authenticated");
}
