import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rateLimitRemaining, rateLimitUsage } from "./PartnerHttp.ts";

describe("a partner's rate-limit headers", () => {
  it("Strava: the calls left in the tighter of the 15-minute and daily overall windows; the read window does not limit writes", () => {
    const headers = new Headers({
      "x-ratelimit-limit": "200,2000",
      "x-ratelimit-usage": "190,400",
      "x-readratelimit-limit": "100,1000",
      "x-readratelimit-usage": "100,100",
    });
    assert.equal(rateLimitRemaining(headers), 10);
    assert.equal(rateLimitUsage(headers), 1, "the fullest window, reads included, for the metric");
  });

  it("Polar: the RateLimit-* window", () => {
    assert.equal(rateLimitRemaining(new Headers({ "ratelimit-limit": "500", "ratelimit-usage": "480" })), 20);
  });

  it("says nothing when the partner reports no limits", () => {
    assert.equal(rateLimitRemaining(new Headers()), undefined);
  });
});
