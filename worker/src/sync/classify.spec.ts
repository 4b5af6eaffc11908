import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PartnerError, PushIncompleteError, ReauthRequiredError } from "@syncwell/core";
import { classify } from "./classify.ts";

describe("failures are classified by their code", () => {
  it("a partner's error keeps its category and Retry-After", () => {
    const error = new PartnerError("rate_limited", "429", { provider: "strava", operation: "create", status: 429, retryAfterSeconds: 900 });
    assert.deepEqual(classify(error), { category: "rate_limited", message: "429", retryAfterSeconds: 900 });
  });

  it("a push that stopped part-way carries what stopped it", () => {
    assert.deepEqual(classify(new PushIncompleteError("3 of 5 wait", "rate_limited", 60)), {
      category: "rate_limited",
      message: "3 of 5 wait",
      retryAfterSeconds: 60,
    });
    assert.equal(classify(new PushIncompleteError("rejected", "permanent")).category, "permanent");
  });

  it("a refused refresh is an auth failure", () => {
    assert.equal(classify(new ReauthRequiredError("refresh refused")).category, "auth");
  });

  it("anything we did not raise on purpose is unknown (a bug), never mistaken for a partner's failure", () => {
    const lookalike = Object.assign(new Error("looks like one"), { category: "permanent", code: "PARTNER_ERROR" });
    assert.deepEqual(classify(lookalike), { category: "unknown", message: "looks like one" });
    assert.equal(classify("a string").category, "unknown");
  });
});
