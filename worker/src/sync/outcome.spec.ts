import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffSeconds, outcomeOfFailure } from "./outcome.ts";

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
      countsAsAttempt: true,
    });
    assert.deepEqual(outcomeOfFailure({ ...failure, category: "transient", attempts: 5 }), {
      kind: "dead_letter",
      category: "transient",
      message: "boom",
    });
  });

  it("waits out a rate limit as the partner says, without counting it", () => {
    const outcome = outcomeOfFailure({ ...failure, category: "rate_limited", attempts: 9, retryAfterSeconds: 42 });
    assert.deepEqual(outcome, { kind: "retry", afterSeconds: 42, category: "rate_limited", message: "boom", countsAsAttempt: false });
  });

  it("sends permanent, auth and malformed-message failures to the DLQ at once", () => {
    for (const category of ["permanent", "auth", "invalid_message"] as const) {
      assert.equal(outcomeOfFailure({ ...failure, category, attempts: 1 }).kind, "dead_letter");
    }
  });
});
