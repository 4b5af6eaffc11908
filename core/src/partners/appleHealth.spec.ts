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

describe("apple_health source: sleep, daily totals and body measurements from the same batches (SPEC §18)", () => {
  const mixed = {
    connectionId: "c-1",
    records: [
      { ...batch.records[0] },
      {
        id: "HK-S1",
        kind: "sleep",
        startTime: "2026-11-27T22:40:00.000Z",
        endTime: "2026-11-28T06:10:00.000Z",
        type: "other",
        name: "Sleep",
        sleep: {
          stages: [
            { stage: "light", startOffsetSeconds: 0, seconds: 5400 },
            { stage: "deep", startOffsetSeconds: 5400, seconds: 3600 },
          ],
        },
      },
      {
        id: "HK-D1",
        kind: "daily_activity",
        startTime: "2026-11-27T23:00:00.000Z",
        endTime: "2026-11-28T23:00:00.000Z",
        utcOffsetSeconds: 3600,
        type: "other",
        name: "2026-11-28",
        daily: { date: "2026-11-28", steps: 10234, activeCalories: 512.6, distanceMeters: 7400 },
      },
      {
        id: "HK-B1",
        kind: "body",
        startTime: "2026-11-28T06:30:00.000Z",
        endTime: "2026-11-28T06:30:00.000Z",
        type: "other",
        name: "Weigh-in",
        body: { weightKg: 71.8, fatPercent: 17.9 },
      },
    ],
  };
  const setup = async () => {
    const batches = new InMemoryBatchStore();
    const key = "device-uploads/u-1/c-1/mixed.json";
    await batches.put(key, JSON.stringify(mixed));
    return { built: createAppleHealthAdapter({ batches }), key };
  };

  it("each type's adapter lists only its kind; a day's totals and a measurement carry their values", async () => {
    const { built, key } = await setup();
    const ids = async (api: typeof built.dataProvider | undefined) =>
      (await api?.fetchMetadata(credentials, undefined, { batchKey: key }))?.records.map((r) => [r.id, r.values]);
    assert.deepEqual(await ids(built.dataProvider), [["HK-1", undefined]]);
    assert.deepEqual(await ids(built.records?.sleep), [["HK-S1", undefined]]);
    assert.deepEqual(await ids(built.records?.daily_activity), [["HK-D1", "steps=10234;kcal=513;m=7400"]]);
    assert.deepEqual(await ids(built.records?.body), [["HK-B1", "kg=71.80;fat=17.9"]]);
  });

  it("a payload carries its kind's block: stages, totals, the measurement", async () => {
    const { built, key } = await setup();
    const sleep = built.records?.sleep as NonNullable<typeof built.records>["sleep"] & object;
    const [meta] = (await sleep.fetchMetadata(credentials, undefined, { batchKey: key })).records;
    const [payload] = await sleep.fetchPayloads(credentials, [meta as NonNullable<typeof meta>]);
    assert.deepEqual(
      payload?.sleep?.stages.map((s) => s.stage),
      ["light", "deep"],
    );
    assert.equal(payload?.daily, undefined);
  });
});
