import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPartnerAdapters, type Partner, type PartnerAdapters, type Provider, type ProviderCredentials } from "@syncwell/core";
import { activity, CLIENTS, startTestMock } from "./helpers.ts";

/** What each adapter reads of privacy and local offsets, against providers-mock. */
describe("adapters read privacy and local offsets the partner's way", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let adapters: PartnerAdapters;
  before(async () => {
    mock = await startTestMock();
    adapters = createPartnerAdapters(
      Object.fromEntries((Object.keys(CLIENTS) as Partner[]).map((p) => [p, { baseUrl: `${mock.url}/${p}`, ...CLIENTS[p] }])) as never,
    );
  });
  after(() => mock.close());

  const connect = async (provider: Provider, scope?: string): Promise<ProviderCredentials> => {
    const user = await mock.api.call("POST", `/${provider}/_admin/users`, scope ? { json: { scope } } : {});
    const grant = await adapters.oauth(provider).exchangeCode(user.body.authorizationCode);
    return { accessToken: grant.accessToken, providerUserId: grant.providerUserId };
  };
  const byStart = <T extends { startTime: string }>(records: readonly T[]) =>
    [...records].sort((a, b) => a.startTime.localeCompare(b.startTime));

  it("strava: private from Only You, the local offset from utc_offset, and the record named by a webhook", async () => {
    const creds = await connect("strava");
    const [, hidden] = await mock.api.addActivities("strava", creds.providerUserId, [
      activity(5),
      activity(3, { private: true, utcOffsetSeconds: 3600 }),
    ]);
    const records = byStart((await adapters.dataProvider("strava").fetchMetadata(creds, undefined)).records);
    assert.deepEqual(
      records.map((r) => [r.private, r.utcOffsetSeconds]),
      [
        [false, 0],
        [true, 3600],
      ],
    );
    assert.equal(records[1]?.startTime, hidden.startTime, "UTC times stay UTC");
    const [named] = (await adapters.dataProvider("strava").fetchRecords?.(creds, [hidden.id])) ?? [];
    assert.equal(named?.private, true);
  });

  it("strava: a grant without activity:read_all sees no Only You activity, listed or named", async () => {
    const creds = await connect("strava", "read,activity:read,activity:write");
    const [, hidden] = await mock.api.addActivities("strava", creds.providerUserId, [activity(5), activity(3, { private: true })]);
    const { records } = await adapters.dataProvider("strava").fetchMetadata(creds, undefined);
    assert.deepEqual(
      records.map((r) => r.private),
      [false],
    );
    assert.deepEqual(await adapters.dataProvider("strava").fetchRecords?.(creds, [hidden.id]), []);
  });

  it("polar: local start times placed in UTC with the exercise's offset; no privacy notion, so not private", async () => {
    const creds = await connect("polar");
    const [stored] = await mock.api.addActivities("polar", creds.providerUserId, [
      activity(4, { utcOffsetSeconds: 2 * 3600, private: true }),
    ]);
    const listing = await adapters.dataProvider("polar").fetchMetadata(creds, undefined);
    const [record] = listing.records;
    assert.equal(record?.startTime, stored.startTime, "local 'start-time' minus its offset is the UTC start");
    assert.equal(record?.endTime, stored.endTime);
    assert.equal(record?.utcOffsetSeconds, 7200);
    assert.equal(record?.private, false, "AccessLink carries no visibility");
    await listing.commit?.();
  });

  it("oura: the offset of its local datetimes; no privacy notion, so not private", async () => {
    const creds = await connect("oura");
    const [stored] = await mock.api.addActivities("oura", creds.providerUserId, [activity(4, { utcOffsetSeconds: -5 * 3600 })]);
    const [record] = (await adapters.dataProvider("oura").fetchMetadata(creds, undefined)).records;
    assert.deepEqual([record?.startTime, record?.utcOffsetSeconds, record?.private], [stored.startTime, -18000, false]);
    const [named] = (await adapters.dataProvider("oura").fetchRecords?.(creds, [stored.id])) ?? [];
    assert.equal(named?.utcOffsetSeconds, -18000);
  });

  it("garmin: startTimeOffsetInSeconds as the offset; the Activity API shows no visibility, so not private", async () => {
    const creds = await connect("garmin");
    await mock.api.addActivities("garmin", creds.providerUserId, [activity(4, { utcOffsetSeconds: 19800, private: true })]);
    const [record] = (await adapters.dataProvider("garmin").fetchMetadata(creds, undefined)).records;
    assert.deepEqual([record?.utcOffsetSeconds, record?.private], [19800, false]);
  });
});
