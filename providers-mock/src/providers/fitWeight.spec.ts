import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitCrc, isFit, readFitWeighIns } from "./fitWeight.ts";

/** A FIT weight file: 2026-03-01T07:00:00Z, 81.35 kg, 21.4 % (core's garminFit spec writes the same bytes). */
const WEIGH_IN =
  "0e103408340000002e46495447884000000000040001000102840202840404860009ff000000f09706444100001e0003fd048600028401028401f0970644c71f5c08ad86";

describe("FIT weight files (Garmin upload-service)", () => {
  it("reads the weigh-in of a weight file", () => {
    const bytes = Buffer.from(WEIGH_IN, "hex");
    assert.ok(isFit(bytes));
    assert.equal(fitCrc(bytes), 0, "a file with its CRC sums to 0");
    assert.deepEqual(readFitWeighIns(bytes), [{ time: new Date("2026-03-01T07:00:00Z"), weightKg: 81.35, fatPercent: 21.4 }]);
  });

  it("refuses a corrupted file, and a FIT file of another type", () => {
    const corrupted = Buffer.from(WEIGH_IN, "hex");
    corrupted[60] = (corrupted[60] ?? 0) ^ 0xff;
    assert.throws(() => readFitWeighIns(corrupted), /CRC/);
    // The same file claiming file_id type 4 (an activity), CRC recomputed.
    const activity = Buffer.from(WEIGH_IN, "hex");
    activity[33] = 4;
    activity.writeUInt16LE(fitCrc(activity.subarray(0, activity.length - 2)), activity.length - 2);
    assert.throws(() => readFitWeighIns(activity), /type must be 9/);
    assert.equal(isFit(Buffer.from("<gpx></gpx>")), false);
  });
});
