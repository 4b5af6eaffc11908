import { jwtVerify } from "jose";
import { refusal, subjectCheck } from "./joseChecks.ts";
import type { TokenCheck, TokenVerifier } from "./TokenVerifier.ts";

/** Development mode only: HS256 tokens signed with a local secret (npm start's demo token, the tests). */
export class Hs256Verifier implements TokenVerifier {
  readonly #key: Uint8Array;

  constructor(
    secret: string,
    private readonly options: {
      /** Seconds of clock skew tolerated on `exp`/`nbf`. @defaultValue 0 */
      clockToleranceSeconds?: number;
      /** The clock (tests). @defaultValue the system clock */
      now?: () => Date;
    } = {},
  ) {
    if (secret.length < 16) throw new Error("the HS256 secret must be at least 16 characters");
    this.#key = new TextEncoder().encode(secret);
  }

  async verify(token: string): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ["HS256"],
        requiredClaims: ["exp", "sub"],
        clockTolerance: this.options.clockToleranceSeconds ?? 0,
        ...(this.options.now ? { currentDate: this.options.now() } : {}),
      });
      return subjectCheck(payload);
    } catch (error) {
      return refusal(error);
    }
  }
}
