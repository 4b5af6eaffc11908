import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEVICE_UPLOAD_MAX_RECORDS, DeviceUploadSchema, deviceBatchKey } from "./deviceUpload.ts";

const workout = (over: Record<string, unknown> = {}) => ({
  id: "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
  startTime: "2026-11-28T07:00:00.000Z",
  endTime: "2026-11-28T07:45:00.000Z",
  type: "run",
  name: "Morning Run",
  ...over,
});
const issuePath = (input: unknown) => {
  const result = DeviceUploadSchema.safeParse(input);
  return result.success ? undefined : result.error.issues[0]?.path.join(".");
};

describe("device upload body (POST /v1/device-uploads)", () => {
  it("takes HealthKit workouts with the device's ids, samples and updatedAt optional", () => {
    const parsed = DeviceUploadSchema.parse({ connectionId: "c-1", records: [workout(), workout({ id: "B-2", private: true })] });
    assert.deepEqual(parsed.records[0]?.samples, []);
    assert.equal(parsed.records[0]?.updatedAt, undefined);
    assert.equal(parsed.records[1]?.private, true);
  });

  it("names the record and the field that fails its schema", () => {
    const records = [workout({ id: "a" }), workout({ id: "b" }), workout({ id: "c" }), workout({ id: "d", startTime: "yesterday" })];
    assert.equal(issuePath({ connectionId: "c-1", records }), "records.3.startTime");
    assert.equal(issuePath({ connectionId: "c-1", records: [workout({ type: "yoga" })] }), "records.0.type");
    assert.equal(issuePath({ connectionId: "c-1", records: [workout({ endTime: "2026-11-28T06:00:00.000Z" })] }), "records.0.endTime");
    assert.equal(issuePath({ connectionId: "c-1", records: [workout({ id: "has space" })] }), "records.0.id");
    assert.equal(issuePath({ connectionId: "c-1", records: [workout({ externalId: "syncwell-x" })] }), "records.0");
  });

  it("refuses a batch naming one record twice, an empty batch and one over the record limit", () => {
    assert.equal(issuePath({ connectionId: "c-1", records: [workout(), workout()] }), "records.1.id");
    assert.equal(issuePath({ connectionId: "c-1", records: [] }), "records");
    const many = Array.from({ length: DEVICE_UPLOAD_MAX_RECORDS + 1 }, (_, i) => workout({ id: `w${i}` }));
    assert.equal(issuePath({ connectionId: "c-1", records: many }), "records");
  });

  it("keys a batch by user, connection and the body's digest: the same body is the same object", () => {
    const body = JSON.stringify({ connectionId: "c-1", records: [workout()] });
    assert.equal(deviceBatchKey("u-1", "c-1", body), deviceBatchKey("u-1", "c-1", Buffer.from(body)));
    assert.match(deviceBatchKey("u-1", "c-1", body), /^device-uploads\/u-1\/c-1\/[0-9a-f]{64}\.json$/);
    assert.notEqual(deviceBatchKey("u-1", "c-1", body), deviceBatchKey("u-1", "c-1", `${body} `));
  });
});

describe("device records of every kind (SPEC §18)", () => {
  const base = { id: "HK-9", startTime: "2026-11-28T06:30:00.000Z", endTime: "2026-11-28T06:30:00.000Z", type: "other", name: "Weigh-in" };
  const upload = (record: Record<string, unknown>) => DeviceUploadSchema.safeParse({ connectionId: "c-1", records: [record] });

  it("a record carries its kind's block, and no other", () => {
    assert.equal(upload({ ...base, kind: "body", body: { weightKg: 70 } }).success, true);
    assert.deepEqual(
      upload({ ...base, kind: "body" }).error?.issues.map((i) => i.path.join(".")),
      ["records.0.body"],
    );
    assert.deepEqual(
      upload({ ...base, kind: "body", body: { weightKg: 70 }, sleep: { stages: [] } }).error?.issues.map((i) => i.path.join(".")),
      ["records.0.sleep"],
    );
    assert.equal(upload({ ...base, endTime: "2026-11-28T07:00:00.000Z", type: "run", name: "Run" }).data?.records[0]?.kind, "workout");
  });

  it("values are the engine's to derive, never the app's", () => {
    assert.equal(upload({ ...base, kind: "body", body: { weightKg: 70 }, values: "kg=1" }).success, false);
  });
});
