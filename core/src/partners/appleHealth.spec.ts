import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InMemoryBatchStore } from "../batches/InMemoryBatchStore.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import { createAppleHealthAdapter } from "./appleHealth.ts";

const credentials = { accessToken: "", providerUserId: "u-1" };
const batch = {
  connectionId: "c-1",
  records: [
    {
      id: "HK-1",
      startTime: "2026-11-28T07:00:00.000Z",
      endTime: "2026-11-28T07:45:00.000Z",
      type: "run",
      name: "Morning Run",
      samples: [{ offsetSeconds: 0, heartRate: 120 }],
    },
    {
      id: "HK-2",
      startTime: "2026-11-28T18:00:00.000Z",
      endTime: "2026-11-28T18:30:00.000Z",
      type: "ride",
      name: "Commute",
      updatedAt: "2026-11-28T19:00:00.000Z",
      private: true,
      samples: [],
    },
  ],
};

describe("apple_health source: the uploaded batch a job names", () => {
  const setup = async () => {
    const batches = new InMemoryBatchStore();
    const key = "device-uploads/u-1/c-1/abc.json";
    await batches.put(key, JSON.stringify(batch));
    return { api: createAppleHealthAdapter({ batches }).dataProvider, key };
  };

  it("lists the batch's records whatever the watermark, updatedAt their end unless given, public unless marked", async () => {
    const { api, key } = await setup();
    const { records } = await api.fetchMetadata(credentials, "2030-01-01T00:00:00.000Z", { batchKey: key });
    assert.deepEqual(
      records.map((r) => [r.id, r.updatedAt, r.private, r.sourceRef]),
      [
        ["HK-1", "2026-11-28T07:45:00.000Z", false, key],
        ["HK-2", "2026-11-28T19:00:00.000Z", true, key],
      ],
    );
  });

  it("reads the payloads of the listed records from the same batch, without the locator", async () => {
    const { api, key } = await setup();
    const { records } = await api.fetchMetadata(credentials, undefined, { batchKey: key });
    const [payload] = await api.fetchPayloads(credentials, [records[0] as never]);
    assert.deepEqual(payload?.samples, [{ offsetSeconds: 0, heartRate: 120 }]);
    assert.equal(payload?.sourceRef, undefined);
  });

  it("lists nothing for a job without a batch, and is never polled", async () => {
    const { api } = await setup();
    assert.deepEqual((await api.fetchMetadata(credentials, undefined, {})).records, []);
    assert.equal(await api.hasNewData(credentials, undefined), false);
    assert.equal(api.fetchRecords, undefined);
  });

  it("refuses another user's batch and a batch that is gone as permanent failures", async () => {
    const { api, key } = await setup();
    const refused = (p: Promise<unknown>) => assert.rejects(p, (e: unknown) => e instanceof PartnerError && e.category === "permanent");
    await refused(api.fetchMetadata({ ...credentials, providerUserId: "u-2" }, undefined, { batchKey: key }));
    await refused(api.fetchMetadata(credentials, undefined, { batchKey: "device-uploads/u-1/c-1/gone.json" }));
  });

  it("is a source only", async () => {
    const { api } = await setup();
    assert.equal(api.capabilities.updatable.length, 0);
    await assert.rejects(api.pushData(credentials, []), /source only/);
  });
});
