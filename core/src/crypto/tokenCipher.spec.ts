import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEV_TOKEN_ENCRYPTION_KEY, TokenCipher } from "./tokenCipher.ts";

describe("token encryption at rest", () => {
  const cipher = new TokenCipher(DEV_TOKEN_ENCRYPTION_KEY);

  it("round-trips and never stores the plaintext", () => {
    const stored = cipher.encrypt("secret-access-token");
    assert.ok(!stored.includes("secret"));
    assert.notEqual(stored, cipher.encrypt("secret-access-token"), "a fresh IV every time");
    assert.equal(cipher.decrypt(stored), "secret-access-token");
  });

  it("detects tampering and a wrong key", () => {
    const stored = cipher.encrypt("t");
    const parts = stored.split(".");
    const tampered = [...parts.slice(0, 3), Buffer.from("x").toString("base64url")].join(".");
    assert.throws(() => cipher.decrypt(tampered));
    assert.throws(() => new TokenCipher(Buffer.alloc(32, 1).toString("base64")).decrypt(stored));
    assert.throws(() => new TokenCipher("c2hvcnQ="), /32 bytes/);
  });
});
