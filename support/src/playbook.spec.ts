import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { byUrgency, categorise, contactDeadline, redact, renderTemplate } from "./playbook.ts";

describe("the DLQ playbook", () => {
  it("categorises by the worker's category, else by the partner's status", () => {
    assert.equal(categorise({ errorCategory: "transient", errorMessage: "strava list_metadata answered 503" }), "third_party");
    assert.equal(categorise({ errorCategory: "permanent" }), "bad_data");
    assert.equal(categorise({ errorCategory: "invalid_message" }), "bad_data");
    assert.equal(categorise({ errorCategory: "auth" }), "authentication");
    assert.equal(categorise({ errorMessage: "garmin create answered 422: bad" }), "bad_data");
    assert.equal(categorise({ errorMessage: "oura list_metadata answered 401" }), "authentication");
    assert.equal(categorise({ errorMessage: "polar list_metadata answered 502" }), "third_party");
    assert.equal(categorise({ errorCategory: "unknown", errorMessage: "boom" }), "unknown");
    assert.equal(categorise({}), "unknown");
  });

  it("sets the contact deadline 24 h after the first failure and lists overdue tickets first", () => {
    assert.equal(contactDeadline("2026-11-24T10:00:00.000Z"), "2026-11-25T10:00:00.000Z");
    const now = Date.parse("2026-11-25T12:00:00Z");
    const tickets = [
      { id: "later", contactDeadline: "2026-11-26T09:00:00Z" },
      { id: "resolved", contactDeadline: "2026-11-20T09:00:00Z", resolvedAt: "2026-11-20T10:00:00Z" },
      { id: "overdue-less", contactDeadline: "2026-11-25T11:00:00Z" },
      { id: "overdue-most", contactDeadline: "2026-11-25T08:00:00Z" },
      { id: "soon", contactDeadline: "2026-11-25T13:00:00Z" },
    ];
    assert.deepEqual(
      byUrgency(tickets, now).map((t) => t.id),
      ["overdue-most", "overdue-less", "soon", "later", "resolved"],
    );
  });

  it("redacts personal data and secrets from error messages", () => {
    const message =
      'garmin create answered 400: {"name":"Run with Anna","owner":"anna@example.com"} token Bearer abc.def 0123456789abcdef0123456789abcdef';
    const clean = redact(message);
    for (const leak of ["Anna", "anna@example.com", "abc.def", "0123456789abcdef0123456789abcdef"]) assert.ok(!clean.includes(leak), leak);
    assert.match(clean, /answered 400/);
  });

  it("renders the three templates from metadata only", () => {
    const ticket = { category: "authentication" as const, sourceProvider: "strava", destinationProvider: "garmin" };
    assert.match(renderTemplate("initial_contact", ticket), /from Strava to Garmin did not complete because SyncWell's access/);
    assert.match(renderTemplate("resolved_by_fix", ticket), /Strava → Garmin sync is fixed/);
    assert.match(renderTemplate("user_action_needed", ticket), /reconnect your Strava and Garmin accounts/);
  });
});
