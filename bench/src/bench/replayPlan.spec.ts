import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { replayPlan, unitSteps } from "./replayPlan.ts";

const endpoints = {
  region: "us-east-1",
  sqs: "http://sqs",
  dynamoDb: "http://ddb",
  table: "t",
  providersMock: "http://mock",
  clients: { strava: { id: "s", secret: "s" }, garmin: { id: "g", secret: "g" } },
};

describe("replay plan", () => {
  const plan = replayPlan({
    label: "2-record job",
    units: 4,
    mode: { concurrency: 2 },
    sourceRecords: 2,
    endpoints,
    aws: {
      // per unit: the engine received 4 jobs in 2 receives and acknowledged them in one batch
      "SQS.DeleteMessageBatch": { calls: 0.25, items: 1, bytes: 100 },
      "SQS.ReceiveMessage": { calls: 0.5, items: 1, bytes: 50 },
      "DynamoDB.BatchWriteItem": { calls: 1, items: 2, bytes: 1000 },
      "DynamoDB.GetItem": { calls: 2, items: 2, bytes: 200 },
    },
    partner: { "strava.list_metadata": { calls: 1 }, "strava.get_payload": { calls: 2 }, "garmin.create": { calls: 2 } },
  });

  it("keeps the engine's batch size and request bytes per call", () => {
    assert.deepEqual(
      plan.aws.find((o) => o.key === "DynamoDB.BatchWriteItem"),
      {
        key: "DynamoDB.BatchWriteItem",
        perUnit: 1,
        itemsPerCall: 2,
        bytesPerCall: 1000,
      },
    );
  });

  it("a unit receives, reads, lists, fetches and pushes in turn, writes, then acknowledges", () => {
    assert.deepEqual(
      unitSteps(plan, 3).map((s) => s.key),
      [
        "SQS.ReceiveMessage",
        "DynamoDB.GetItem",
        "DynamoDB.GetItem",
        "strava.list_metadata",
        "strava.get_payload",
        "garmin.create",
        "strava.get_payload",
        "garmin.create",
        "DynamoDB.BatchWriteItem",
        "SQS.DeleteMessageBatch",
      ],
    );
  });

  it("all units together make the engine's calls per unit times the units", () => {
    const all = Array.from({ length: 4 }, (_, i) => unitSteps(plan, i)).flat();
    const count = (key: string) => all.filter((s) => s.key === key).length;
    assert.equal(count("SQS.ReceiveMessage"), 2);
    assert.equal(count("SQS.DeleteMessageBatch"), 1);
    assert.equal(count("DynamoDB.GetItem"), 8);
    assert.equal(count("garmin.create"), 8);
    assert.deepEqual(
      unitSteps(plan, 1)
        .filter((s) => s.key === "strava.get_payload")
        .map((s) => s.nth),
      [0, 1],
    );
  });
});
