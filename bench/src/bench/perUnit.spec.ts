import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { byService, diffCalls, partnerCalls, perUnit, ratio, serviceMetrics, shareOf, withoutScrapes } from "./perUnit.ts";

const scrape = (receive: number, cpu: number, attributes = 0) => `# HELP syncwell_aws_requests_total AWS SDK requests
# TYPE syncwell_aws_requests_total counter
syncwell_aws_requests_total{service="SQS",operation="ReceiveMessage"} ${receive}
syncwell_aws_requests_total{service="SQS",operation="GetQueueAttributes"} ${attributes}
syncwell_aws_requests_total{service="DynamoDB",operation="BatchGetItem"} 4
syncwell_aws_request_items_total{service="SQS",operation="ReceiveMessage"} ${receive * 10}
syncwell_aws_request_bytes_total{service="DynamoDB",operation="BatchGetItem"} 800
syncwell_process_cpu_seconds_total{service="worker"} ${cpu}
syncwell_jobs_processed_total{outcome="succeeded",service="worker"} 7
`;

describe("bench per-unit arithmetic", () => {
  it("reads AWS calls by service and operation, their items and bytes, and the process CPU from a scrape", () => {
    const m = serviceMetrics(scrape(3, 1.5));
    assert.deepEqual(m.aws["SQS.ReceiveMessage"], { calls: 3, items: 30, bytes: 0 });
    assert.deepEqual(m.aws["DynamoDB.BatchGetItem"], { calls: 4, items: 0, bytes: 800 });
    assert.equal(m.cpuSeconds, 1.5);
    assert.deepEqual(m.jobs, { succeeded: 7 });
  });

  it("the difference of two scrapes keeps only operations called in between, without the scrapes' own calls", () => {
    const calls = diffCalls(serviceMetrics(scrape(3, 1, 4)).aws, serviceMetrics(scrape(8, 2, 12)).aws);
    assert.deepEqual(Object.keys(calls).sort(), ["SQS.GetQueueAttributes", "SQS.ReceiveMessage"]);
    const clean = withoutScrapes(calls, { "SQS.GetQueueAttributes": { calls: 4, items: 4, bytes: 0 } }, 2);
    assert.deepEqual(Object.keys(clean), ["SQS.ReceiveMessage"]);
    assert.deepEqual(clean["SQS.ReceiveMessage"], { calls: 5, items: 50, bytes: 0 });
  });

  it("divides by units and sums calls per AWS service", () => {
    const per = perUnit(
      { "SQS.ReceiveMessage": { calls: 30, items: 100, bytes: 0 }, "SQS.DeleteMessageBatch": { calls: 10, items: 100, bytes: 0 } },
      100,
    );
    assert.deepEqual(per["SQS.ReceiveMessage"], { calls: 0.3, items: 1, bytes: 0 });
    assert.deepEqual(byService({ ...per, "DynamoDB.GetItem": { calls: 3, items: 3, bytes: 1 } }), { SQS: 0.4, DynamoDB: 3 });
  });

  it("spreads a fractional number of calls per unit over whole calls that add up to the total", () => {
    const shares = Array.from({ length: 10 }, (_, i) => shareOf(3, 10, i));
    assert.equal(
      shares.reduce((a, b) => a + b, 0),
      3,
    );
    assert.ok(shares.every((s) => s === 0 || s === 1));
    assert.deepEqual(
      Array.from({ length: 4 }, (_, i) => shareOf(10, 4, i)),
      [2, 3, 2, 3],
    );
  });

  it("partner calls leave token calls out; a ratio to nothing is no figure", () => {
    assert.deepEqual(
      partnerCalls({
        strava: { list_metadata: { calls: 2, bytes: 10 }, oauth_token: { calls: 1, bytes: 5 }, get_payload: { calls: 0, bytes: 0 } },
      }),
      { "strava.list_metadata": { calls: 2, bytes: 10 } },
    );
    assert.equal(ratio(1, 4), 0.25);
    assert.equal(ratio(1, 0), undefined);
  });
});
