import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffSeconds, countedAttempts, earlyRetryWait, outcomeOfFailure, retryOnFreshMessage } from "./outcome.ts";

const failure = { message: "boom", maxAttempts: 5, baseBackoffSeconds: 5 };

describe("job outcomes", () => {
  it("backs off exponentially up to a cap", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 10].map((n) => backoffSeconds(n, 5)),
      [5, 10, 20, 40, 80, 300],
    );
    assert.equal(backoffSeconds(3, 0), 0);
  });

  it("retries transient failures until the fifth, then dead-letters with the reason", () => {
    assert.deepEqual(outcomeOfFailure({ ...failure, category: "transient", attempts: 1 }), {
      kind: "retry",
      afterSeconds: 5,
      category: "transient",
      message: "boom",
    });
    assert.deepEqual(outcomeOfFailure({ ...failure, category: "transient", attempts: 5 }), {
      kind: "dead_letter",
      category: "transient",
      message: "boom",
    });
  });

  it("waits out a rate limit as the partner says, without counting it", () => {
    const outcome = outcomeOfFailure({ ...failure, category: "rate_limited", attempts: 9, retryAfterSeconds: 42 });
    assert.deepEqual(outcome, { kind: "retry", afterSeconds: 42, category: "rate_limited", message: "boom" });
  });

  it("sends permanent, auth and malformed-message failures to the DLQ at once", () => {
    for (const category of ["permanent", "auth", "invalid_message"] as const) {
      assert.equal(outcomeOfFailure({ ...failure, category, attempts: 1 }).kind, "dead_letter");
    }
  });
});

describe("countedAttempts", () => {
  it("is the job's own count when receives match failures", () => {
    assert.equal(countedAttempts({ attempts: 3, rateLimitWaits: 0 }, 3), 3);
  });

  it("does not count rate-limit waits, which also used receives", () => {
    assert.equal(countedAttempts({ attempts: 3, rateLimitWaits: 2 }, 5), 3);
  });

  it("counts receives that ended in neither a failure nor a wait (a crash mid-job)", () => {
    assert.equal(countedAttempts({ attempts: 1, rateLimitWaits: 1 }, 4), 3);
  });

  it("falls back to the receive count without a status item", () => {
    assert.equal(countedAttempts(undefined, 2), 2);
  });
});

describe("retryOnFreshMessage", () => {
  it("keeps a retry on its message while SQS has receives to spare", () => {
    assert.equal(retryOnFreshMessage(3, 5), false);
  });

  it("hands the job to a fresh message before SQS's maxReceiveCount would dead-letter it without a reason", () => {
    assert.equal(retryOnFreshMessage(4, 5), true);
    assert.equal(retryOnFreshMessage(5, 5), true);
  });
});

describe("earlyRetryWait", () => {
  it("makes a fresh retry message that arrives early wait out the rest of its delay", () => {
    assert.equal(earlyRetryWait(11_000, 1_000), 10);
  });

  it("lets a message run when its delay is over, or when it has none", () => {
    assert.equal(earlyRetryWait(1_400, 1_000), undefined);
    assert.equal(earlyRetryWait(undefined, 1_000), undefined);
  });
});
