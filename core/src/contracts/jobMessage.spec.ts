import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJobMessage } from "./jobMessage.ts";

const valid = {
  jobId: "job-1",
  userId: "user-1",
  syncConfigId: "cfg-1",
  trigger: "manual",
  requestedAt: "2026-11-24T10:00:00.000Z",
  idempotencyKey: "k1",
};

describe("job message schema", () => {
  it("accepts a valid message", () => {
    assert.deepEqual(parseJobMessage(JSON.stringify(valid)), { ok: true, message: valid });
  });

  it("explains why a message can never be valid", () => {
    assert.deepEqual(parseJobMessage("not json"), { ok: false, reason: "message body is not JSON" });
    const unknownTrigger = parseJobMessage(JSON.stringify({ ...valid, trigger: "cron" }));
    assert.equal(unknownTrigger.ok, false);
    assert.match(!unknownTrigger.ok ? unknownTrigger.reason : "", /trigger/);
  });

  it("accepts API Gateway's epoch-millisecond request time as ISO", () => {
    const result = parseJobMessage(JSON.stringify({ ...valid, requestedAt: "1795567438103" }));
    assert.deepEqual(result.ok && result.message.requestedAt, "2026-11-25T00:43:58.103Z");
  });

  it("rejects fields the worker could not re-read (no payloads in messages)", () => {
    const result = parseJobMessage(JSON.stringify({ ...valid, activities: [{}] }));
    assert.equal(result.ok, false);
  });
});
