import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InMemoryPartner } from "@syncwell/core";
import { GARMIN, HotPath, STRAVA } from "../sync/testkit.ts";
import { EnvSettingsSource } from "./EnvSettingsSource.ts";

describe("the conflict threshold is read when a job runs, not when the worker starts", () => {
  it("a job after a new AppConfig value resolves conflicts with the new value", async () => {
    let threshold = 60;
    const hot = new HotPath({ conflictOverlapSeconds: () => threshold });
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    const config = hot.config("strava", "garmin", "dest_wins");
    const at = (minutes: number, seconds = 0) => new Date(Date.parse(hot.at(minutes)) + seconds * 1000).toISOString();
    // Each watch workout ends 30 s into the Strava one after it.
    garmin.add({ startTime: at(-30), endTime: at(0, 30), type: "run", name: "watch-1" });
    strava.add({ startTime: at(0), endTime: at(45), type: "run", name: "run-1" });
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 1 }, "30 s is within 60 s: no conflict");

    threshold = 10;
    hot.clock += 3_600_000;
    garmin.add({ startTime: at(90), endTime: at(120, 30), type: "run", name: "watch-2" });
    strava.add({ startTime: at(120), endTime: at(165), type: "run", name: "run-2" });
    assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 0 }, "30 s is more than 10 s: the watch's wins");
    assert.deepEqual(garmin.records.map((r) => r.name).sort(), ["run-1", "watch-1", "watch-2"]);
  });

  it("takes a SettingsSource's reading as the provider the worker wires (createWorker.ts)", async () => {
    const settings = new EnvSettingsSource({ conflictOverlapSeconds: 0 });
    const hot = new HotPath({ conflictOverlapSeconds: () => settings.conflictOverlapSeconds() });
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", GARMIN));
    garmin.add({ startTime: hot.at(-30), endTime: new Date(Date.parse(hot.at(0)) + 1000).toISOString(), type: "run", name: "watch" });
    strava.add({ startTime: hot.at(0), endTime: hot.at(45), type: "run", name: "run" });
    assert.deepEqual(await hot.run(hot.config("strava", "garmin", "dest_wins")), { kind: "succeeded", recordsWritten: 0 }, "1 s > 0 s");
  });
});
