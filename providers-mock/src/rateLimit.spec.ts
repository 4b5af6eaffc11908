import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RateLimiter, secondsUntilReset, windowStart } from "./rateLimit.ts";

const at = (iso: string) => Date.parse(iso);

describe("rate-limit windows", () => {
  it("aligns 15-minute windows to :00, :15, :30 and :45", () => {
    assert.equal(windowStart(at("2026-11-24T10:14:59Z"), 900), at("2026-11-24T10:00:00Z"));
    assert.equal(windowStart(at("2026-11-24T10:15:00Z"), 900), at("2026-11-24T10:15:00Z"));
    assert.equal(windowStart(at("2026-11-24T10:59:59Z"), 900), at("2026-11-24T10:45:00Z"));
    assert.equal(secondsUntilReset(at("2026-11-24T10:14:00Z"), 900), 60);
  });

  it("aligns daily windows to midnight UTC", () => {
    assert.equal(windowStart(at("2026-11-24T23:59:59Z"), 86400), at("2026-11-24T00:00:00Z"));
    assert.equal(secondsUntilReset(at("2026-11-24T23:00:00Z"), 86400), 3600);
  });

  it("resets the short window at the quarter hour while the daily one keeps counting", () => {
    let now = at("2026-11-24T10:14:00Z");
    const limiter = new RateLimiter(
      [
        { name: "o:15", bucket: "o", windowSeconds: 900, limit: 2 },
        { name: "o:d", bucket: "o", windowSeconds: 86400, limit: 3 },
      ],
      () => now,
    );
    assert.equal(limiter.hit(["o"]).allowed, true);
    assert.equal(limiter.hit(["o"]).allowed, true);
    const third = limiter.hit(["o"]);
    assert.equal(third.allowed, false);
    assert.equal(third.retryAfterSeconds, 60);
    now = at("2026-11-24T10:15:00Z");
    const next = limiter.hit(["o"]);
    assert.equal(next.allowed, false, "the rejected request counted toward the daily limit");
    assert.deepEqual(
      next.usages.map((u) => u.usage),
      [1, 4],
    );
    now = at("2026-11-25T00:00:00Z");
    assert.equal(limiter.hit(["o"]).allowed, true);
  });

  it("counts only the buckets a request belongs to", () => {
    const limiter = new RateLimiter([
      { name: "overall", bucket: "overall", windowSeconds: 900, limit: 10 },
      { name: "read", bucket: "read", windowSeconds: 900, limit: 1 },
    ]);
    limiter.hit(["overall", "read"]);
    assert.equal(limiter.hit(["overall"]).allowed, true, "an upload is not a read");
    assert.equal(limiter.hit(["overall", "read"]).allowed, false);
  });

  it("changes and resets named limits", () => {
    const limiter = new RateLimiter([{ name: "a", bucket: "a", windowSeconds: 60, limit: 5 }]);
    limiter.setLimits({ a: 0 });
    assert.equal(limiter.hit(["a"]).allowed, false);
    limiter.reset();
    assert.equal(limiter.hit(["a"]).allowed, true);
    assert.throws(() => limiter.setLimits({ b: 1 }), /unknown rate limit "b"/);
  });
});
