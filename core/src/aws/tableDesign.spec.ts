import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isExpired, keys } from "./tableDesign.ts";

describe("table design", () => {
  it("treats an item past its expiresAt as absent", () => {
    const now = Date.parse("2026-11-24T10:00:00Z");
    assert.equal(isExpired({ expiresAt: now / 1000 - 1 }, now), true);
    assert.equal(isExpired({ expiresAt: now / 1000 + 1 }, now), false);
    assert.equal(isExpired({}, now), false);
    assert.equal(isExpired(undefined, now), false);
  });

  it("scopes idempotency keys per user", () => {
    assert.notEqual(keys.idempotency("u1", "h"), keys.idempotency("u2", "h"));
  });
});
