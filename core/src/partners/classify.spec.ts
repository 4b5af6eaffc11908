import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyStatus, retryAfterSeconds } from "./classify.ts";

describe("partner error classification", () => {
  it("maps statuses to categories", () => {
    assert.deepEqual([429, 401, 403, 500, 502, 503, 504, 408, 400, 404, 409, 422].map(classifyStatus), [
      "rate_limited",
      "auth",
      "auth",
      "transient",
      "transient",
      "transient",
      "transient",
      "transient",
      "permanent",
      "permanent",
      "permanent",
      "permanent",
    ]);
  });

  it("honours Retry-After in seconds or as a date, else waits for the next quarter hour", () => {
    const now = Date.parse("2026-11-24T10:14:00Z");
    assert.equal(retryAfterSeconds("30", now), 30);
    assert.equal(retryAfterSeconds("0", now), 1);
    assert.equal(retryAfterSeconds("Tue, 24 Nov 2026 10:15:00 GMT", now), 60);
    assert.equal(retryAfterSeconds(null, now), 60);
    assert.equal(retryAfterSeconds(null, Date.parse("2026-11-24T10:15:00Z")), 1);
  });
});
