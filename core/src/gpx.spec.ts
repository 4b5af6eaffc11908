import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ActivityFile, fromGpx, toGpx } from "./gpx.ts";

const file: ActivityFile = {
  name: "Morning <Run> & more",
  type: "run",
  startTime: "2026-11-20T07:00:00.000Z",
  endTime: "2026-11-20T07:45:00.000Z",
  externalId: "syncwell-strava-42",
  samples: [
    { offsetSeconds: 0, heartRate: 100, lat: 52.1, lon: 4.3 },
    { offsetSeconds: 60, heartRate: 140, lat: 52.11, lon: 4.31 },
    { offsetSeconds: 120 },
  ],
};

describe("GPX activity files", () => {
  it("round-trips an activity, escaping its name", () => {
    const xml = toGpx(file);
    assert.match(xml, /<gpx version="1.1"/);
    assert.ok(!xml.includes("<Run>"));
    assert.deepEqual(fromGpx(xml), file);
  });

  it("reads an activity without samples or external id", () => {
    const { externalId: _ignored, ...rest } = file;
    const parsed = fromGpx(toGpx({ ...rest, samples: [] }));
    assert.equal(parsed.externalId, undefined);
    assert.deepEqual(parsed.samples, []);
    assert.equal(parsed.endTime, file.endTime);
  });

  it("rejects what is not GPX with a reason", () => {
    assert.throws(() => fromGpx("<html></html>"), /not a GPX file/);
    assert.throws(() => fromGpx('{"json":true}'), /not a GPX file/);
  });
});
