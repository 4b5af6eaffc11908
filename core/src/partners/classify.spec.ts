import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyStatus, retryAfterSeconds } from "./classify.ts";
import { rateLimitUsage } from "./PartnerHttp.ts";

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

describe("rate-limit headroom from partner headers", () => {
  it("takes the fullest window of Strava's overall and read limits", () => {
    const headers = new Headers({
      "x-ratelimit-limit": "200,2000",
      "x-ratelimit-usage": "20,100",
      "x-readratelimit-limit": "100,1000",
      "x-readratelimit-usage": "50,120",
    });
    assert.equal(rateLimitUsage(headers), 0.5);
  });
  it("reads Polar's RateLimit headers, and nothing when a partner sends none", () => {
    assert.equal(rateLimitUsage(new Headers({ "ratelimit-limit": "500", "ratelimit-usage": "125" })), 0.25);
    assert.equal(rateLimitUsage(new Headers()), undefined);
  });
});
