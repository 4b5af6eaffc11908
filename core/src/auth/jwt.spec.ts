import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signJwt, verifyJwt } from "./jwt.ts";

describe("HS256 JWT", () => {
  const now = 1_800_000_000;
  it("accepts its own token and names the subject", () => {
    assert.deepEqual(verifyJwt("s", signJwt("s", "user-1", 60, now), now), { ok: true, sub: "user-1" });
  });

  it("refuses a wrong secret, an expired token, another algorithm and garbage", () => {
    assert.deepEqual(verifyJwt("other", signJwt("s", "u", 60, now), now), { ok: false, reason: "bad signature" });
    assert.deepEqual(verifyJwt("s", signJwt("s", "u", 60, now), now + 61), { ok: false, reason: "token expired" });
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"u","exp":9999999999}').toString("base64url")}.`;
    assert.deepEqual(verifyJwt("s", none, now), { ok: false, reason: "unsupported algorithm" });
    assert.deepEqual(verifyJwt("s", "a.b", now), { ok: false, reason: "malformed token" });
    assert.deepEqual(verifyJwt("s", signJwt("s", "bad sub with spaces", 60, now), now), { ok: false, reason: "no usable subject" });
  });
});
