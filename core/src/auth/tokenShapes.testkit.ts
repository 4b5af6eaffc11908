import { createHmac } from "node:crypto";
import fc from "fast-check";
import { SUBJECT_PATTERN } from "./TokenVerifier.ts";

/** The HS256 secret the token-shape properties sign with. */
export const SECRET = "property-test-secret-0123456789";

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const json = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return "null";
  }
};

const anyJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 }),
);
const header = fc.oneof(
  anyJson,
  fc.record(
    {
      alg: fc.oneof(fc.constantFrom("HS256", "none", "None", "RS256", "ES256", "HS512", "", "hs256"), anyJson),
      typ: fc.oneof(fc.constant("JWT"), anyJson),
      kid: anyJson,
      crit: fc.oneof(fc.constant(["exp"]), anyJson),
      b64: fc.oneof(fc.boolean(), anyJson),
    },
    { requiredKeys: [] },
  ),
);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const payload = fc.oneof(
  anyJson,
  fc.record(
    {
      sub: fc.oneof(fc.constantFrom("user-1", "", "a b", "x".repeat(200)), anyJson),
      exp: fc.oneof(
        fc.integer({ min: -10, max: 10 }).map((d) => nowSeconds() + d * 3600),
        anyJson,
      ),
      nbf: fc.oneof(
        fc.integer({ min: -10, max: 10 }).map((d) => nowSeconds() + d * 3600),
        anyJson,
      ),
      iss: anyJson,
      aud: anyJson,
    },
    { requiredKeys: [] },
  ),
);
/** A segment as a careless or hostile client might send it. */
const segment = fc.oneof(
  anyJson.map((v) => b64(json(v))),
  fc.string({ maxLength: 40 }),
  fc.base64String({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString("base64url")),
  fc.constantFrom("", "=", "%%", "..", "null", b64("null"), b64("[]"), b64("{}")),
);

/**
 * Tokens of every shape: random segments and counts, JSON headers and claims of every type (some
 * correctly HS256-signed with {@link SECRET}, so that the claims are read), and random strings.
 */
export function malformedTokens(options: { ascii?: boolean } = {}): fc.Arbitrary<string> {
  const signedToken = fc.tuple(header, payload, fc.boolean()).map(([h, p, sign]) => {
    const input = `${b64(json(h))}.${b64(json(p))}`;
    const signature = sign ? createHmac("sha256", SECRET).update(input).digest("base64url") : "c2ln";
    return `${input}.${signature}`;
  });
  const tokens = fc.oneof(
    signedToken,
    fc.array(segment, { minLength: 0, maxLength: 6 }).map((parts) => parts.join(".")),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 100 }),
  );
  if (!options.ascii) return tokens;
  return tokens.map((t) => t.replace(/[^\x21-\x7e]/g, "")).filter((t) => t.length > 0);
}

/** The oracle: only a token with an exact HS256 header, our signature, a usable subject and a future expiry may pass. */
export function wellFormedIfValid(token: string): boolean {
  const [h, p, s, ...rest] = token.split(".");
  if (rest.length > 0 || h === undefined || p === undefined || s === undefined) return false;
  try {
    const headerValue = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    const expected = createHmac("sha256", SECRET).update(`${h}.${p}`).digest("base64url");
    return (
      headerValue?.alg === "HS256" &&
      s === expected &&
      typeof claims?.sub === "string" &&
      SUBJECT_PATTERN.test(claims.sub) &&
      typeof claims.exp === "number" &&
      claims.exp > nowSeconds()
    );
  } catch {
    return false;
  }
}
