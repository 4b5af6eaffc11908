import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReplayResult } from "./replayPlan.ts";
import { callsLine, combineReplays, unitFigures, withFloor } from "./unitFigures.ts";

const replay = (label: string, perSecond: number, cpuMsPerUnit: number): ReplayResult => ({
  label,
  units: 100,
  seconds: 100 / perSecond,
  perSecond,
  cpuMs: cpuMsPerUnit * 100,
  cpuMsPerUnit,
  latencyMs: { p50: 2, p99: 5 },
  replayedAwsPerUnit: { "SQS.SendMessage": { calls: 1, items: 1, bytes: 300 } },
  replayedPartnerPerUnit: {},
  errors: {},
  notReplayed: [],
});

describe("bench unit figures", () => {
  const figures = unitFigures({
    unit: "webhook event",
    services: ["gateway", "coalescer"],
    units: 100,
    seconds: 0.5,
    cost: {
      seconds: 1,
      partner: { "strava.list_metadata": { calls: 10, bytes: 5000 } },
      services: {
        gateway: { cpuMs: 150, aws: { "SQS.SendMessage": { calls: 100, items: 100, bytes: 30_000 } }, jobs: {}, recordsWritten: 0 },
        coalescer: { cpuMs: 250, aws: { "SQS.ReceiveMessage": { calls: 40, items: 100, bytes: 4000 } }, jobs: {}, recordsWritten: 0 },
      },
    },
  });

  it("divides each service's calls, the partner calls and bytes and the CPU by the units", () => {
    assert.deepEqual(figures.awsCallsByService, { SQS: 1.4 });
    assert.deepEqual(figures.awsBySyncWellService.coalescer, { "SQS.ReceiveMessage": { calls: 0.4, items: 1, bytes: 40 } });
    assert.deepEqual(figures.partner, { calls: 0.1, bytes: 50, byOperation: { "strava.list_metadata": 0.1 } });
    assert.deepEqual(figures.cpuMs, { total: 4, byService: { gateway: 1.5, coalescer: 2.5 } });
    assert.equal(figures.perSecond, 200);
    assert.equal(callsLine(figures.aws), "SQS ReceiveMessage 0.4, SendMessage 1");
  });

  it("a unit replayed as two services' shares side by side goes at the slower pace and costs both CPUs", () => {
    const floor = combineReplays([replay("gateway", 400, 1), replay("coalescer", 250, 0.5)]);
    assert.equal(floor.perSecond, 250);
    assert.equal(floor.cpuMsPerUnit, 1.5);
    assert.deepEqual(floor.latencyMs, { p50: 2, p99: 5 });
    assert.deepEqual(floor.replayedAwsPerUnit["SQS.SendMessage"], { calls: 2, items: 2, bytes: 600 });
    const withIt = withFloor(figures, floor);
    assert.equal(withIt.floor?.throughputRatio, 0.8);
    assert.equal(withIt.floor?.cpuMultiple, 2.7);
  });
});
