import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Hs256Verifier } from "./Hs256Verifier.ts";
import { signJwt } from "./jwt.ts";
import { malformedTokens, SECRET, wellFormedIfValid } from "./tokenShapes.testkit.ts";

const now = Math.floor(Date.now() / 1000);
const verifier = new Hs256Verifier(SECRET);
const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const signed = (header: unknown, payload: unknown) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
};

describe("Hs256Verifier (development mode)", () => {
  it("accepts a token it signed and names its subject", async () => {
    assert.deepEqual(await verifier.verify(signJwt(SECRET, "user-1", 60)), { ok: true, sub: "user-1" });
  });

  it("refuses a wrong secret, an expired token, alg none and an unusable subject", async () => {
    assert.deepEqual(await verifier.verify(signJwt("another-secret-of-16+", "u", 60)), { ok: false, reason: "bad signature" });
    assert.deepEqual(await verifier.verify(signJwt(SECRET, "u", 60, now - 120)), { ok: false, reason: "token expired" });
    const none = `${b64({ alg: "none" })}.${b64({ sub: "u", exp: now + 60 })}.`;
    assert.deepEqual(await verifier.verify(none), { ok: false, reason: "unsupported algorithm" });
    assert.deepEqual(await verifier.verify(signJwt(SECRET, "bad sub with spaces", 60)), { ok: false, reason: "no usable subject" });
  });

  it("refuses correctly signed tokens whose header or claims have the wrong shape", async () => {
    for (const [header, payload] of [
      [null, { sub: "u", exp: now + 60 }],
      [[], { sub: "u", exp: now + 60 }],
      ["HS256", { sub: "u", exp: now + 60 }],
      [{ alg: ["HS256"] }, { sub: "u", exp: now + 60 }],
      [
        { alg: "HS256", crit: ["exp"] },
        { sub: "u", exp: now + 60 },
      ],
      [
        { alg: "HS256", b64: false, crit: ["b64"] },
        { sub: "u", exp: now + 60 },
      ],
      [{ alg: "HS256" }, null],
      [{ alg: "HS256" }, [1, 2]],
      [{ alg: "HS256" }, { sub: "u", exp: String(now + 60) }],
      [{ alg: "HS256" }, { sub: { id: "u" }, exp: now + 60 }],
      [{ alg: "HS256" }, { sub: "u" }],
      [{ alg: "HS256" }, { sub: "u".repeat(129), exp: now + 60 }],
    ]) {
      const check = await verifier.verify(signed(header, payload));
      assert.equal(check.ok, false, JSON.stringify([header, payload]));
    }
    assert.equal((await verifier.verify(`${b64("null")}.${b64("null")}.x`)).ok, false);
    assert.equal((await verifier.verify(`${b64("not json")}.e30.x`)).ok, false);
  });

  it("never throws and accepts nothing but a well-formed HS256 token, whatever the token's shape", async () => {
    await fc.assert(
      fc.asyncProperty(malformedTokens(), async (token) => {
        const check = await verifier.verify(token);
        if (check.ok) assert.ok(wellFormedIfValid(token), `accepted ${token}`);
        else assert.equal(typeof check.reason, "string");
      }),
      { numRuns: 2000 },
    );
  });
});
