import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPartnerAdapters, type Partner, type PartnerAdapters, PartnerError, type ProviderCredentials } from "@syncwell/core";
import { activity, CLIENTS, startTestMock } from "./helpers.ts";

const DAY = 86400_000;
const OFFSET = 3 * 3600;
const basic = `Basic ${Buffer.from(`${CLIENTS.polar.clientId}:${CLIENTS.polar.clientSecret}`).toString("base64")}`;
/** Local midnight (+03:00) `daysAgo` days before today, as a UTC instant. */
const localMidnight = (daysAgo: number) => Math.floor(Date.now() / DAY) * DAY - daysAgo * DAY - OFFSET * 1000;
const dateOf = (ms: number, offset = OFFSET) => new Date(ms + offset * 1000).toISOString().slice(0, 10);

/** A night from 23:30 to 07:00 local (+03:00) ending `daysAgo` days ago, its stages on whole minutes. */
function night(daysAgo: number) {
  const start = localMidnight(daysAgo) - 1800_000;
  const stages = [
    { stage: "light", startOffsetSeconds: 0, seconds: 1260 },
    { stage: "deep", startOffsetSeconds: 1260, seconds: 4800 },
    { stage: "rem", startOffsetSeconds: 6060, seconds: 1800 },
    { stage: "awake", startOffsetSeconds: 7860, seconds: 120 },
    { stage: "light", startOffsetSeconds: 7980, seconds: 19020 },
  ];
  return {
    kind: "sleep",
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + 27000_000).toISOString(),
    type: "other",
    name: "Sleep",
    utcOffsetSeconds: OFFSET,
    sleep: { stages },
  };
}

/** The totals of a date (Polar's days carry no time zone). */
function day(date: string, steps = 7200) {
  return {
    kind: "daily_activity",
    startTime: `${date}T00:00:00.000Z`,
    endTime: new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString(),
    type: "other",
    name: date,
    updatedAt: `${date}T23:10:00.000Z`,
    daily: { date, steps, activeCalories: 388, distanceMeters: 5210.5 },
  };
}
const dateAgo = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);

describe("polar mock: sleep and daily activity", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let adapters: PartnerAdapters;
  before(async () => {
    mock = await startTestMock({ POLAR_RATE_LIMIT_15MIN: "1000" });
    adapters = createPartnerAdapters(
      Object.fromEntries((Object.keys(CLIENTS) as Partner[]).map((p) => [p, { baseUrl: `${mock.url}/${p}`, ...CLIENTS[p] }])) as never,
    );
  });
  after(() => mock.close());

  const connect = async (): Promise<ProviderCredentials> => {
    const user = await mock.api.newUser("polar");
    const grant = await adapters.oauth("polar").exchangeCode(user.authorizationCode);
    return { accessToken: grant.accessToken, providerUserId: grant.providerUserId };
  };

  it("serves the last 28 nights with local times and a hypnogram of local HH:MM keys", async () => {
    const { providerUserId: uid, accessToken: token } = await connect();
    const input = night(1);
    await mock.api.addActivities("polar", uid, [input, night(30)]);
    const date = dateOf(localMidnight(1));
    const list = await mock.api.call("GET", "/polar/v3/users/sleep", { token });
    assert.equal(list.status, 200);
    assert.equal(list.body.nights.length, 1, "a night 30 days ago is past the 28 days Polar serves");
    const n = list.body.nights[0];
    assert.equal(n.date, date, "a night's date is the day it ends");
    assert.equal(n.sleep_start_time, `${dateOf(localMidnight(2))}T23:30:00+03:00`);
    assert.equal(n.sleep_end_time, `${date}T07:00:00+03:00`);
    assert.deepEqual([n.light_sleep, n.deep_sleep, n.rem_sleep, n.total_interruption_duration], [20280, 4800, 1800, 120]);
    assert.deepEqual(n.hypnogram, { "23:30": 2, "23:51": 4, "01:11": 1, "01:41": 0, "01:43": 2 });
    assert.equal(n.polar_user, `${mock.url}/polar/v3/users/${uid}`);

    const available = await mock.api.call("GET", "/polar/v3/users/sleep/available", { token });
    assert.deepEqual(available.body, { available: [{ date, start_time: n.sleep_start_time, end_time: n.sleep_end_time }] });
    assert.deepEqual((await mock.api.call("GET", `/polar/v3/users/sleep/${date}`, { token })).body, n);
    const missing = await mock.api.call("GET", "/polar/v3/users/sleep/2001-01-01", { token });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.errorType, "not_found");
  });

  it("offers daily activity through activity transactions, apart from exercises, and notifies each", async () => {
    const { providerUserId: uid, accessToken: token } = await connect();
    await mock.api.addActivities("polar", uid, [day(dateAgo(2)), day(dateAgo(1), 9100), activity(5)]);
    const notes = (await mock.api.call("GET", "/polar/v3/notifications", { headers: { authorization: basic } })).body[
      "available-user-data"
    ];
    assert.deepEqual(
      notes.filter((n: any) => n["user-id"] === Number(uid)),
      [
        { "user-id": Number(uid), "data-type": "ACTIVITY_SUMMARY", url: `${mock.url}/polar/v3/users/${uid}/activity-transactions` },
        { "user-id": Number(uid), "data-type": "EXERCISE", url: `${mock.url}/polar/v3/users/${uid}/exercise-transactions` },
      ],
    );

    const created = await mock.api.call("POST", `/polar/v3/users/${uid}/activity-transactions`, { token });
    assert.equal(created.status, 201);
    const tx = created.body["transaction-id"];
    assert.equal(created.body["resource-uri"], `${mock.url}/polar/v3/users/${uid}/activity-transactions/${tx}`);
    const exercises = await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token });
    assert.equal(exercises.status, 201, "an open activity transaction does not stand in for an exercise one");
    assert.notEqual(exercises.body["transaction-id"], tx);
    const exerciseList = await mock.api.call("GET", `/polar/v3/users/${uid}/exercise-transactions/${exercises.body["transaction-id"]}`, {
      token,
    });
    assert.equal(exerciseList.body.exercises.length, 1, "exercises only");
    assert.equal(
      (await mock.api.call("GET", `/polar/v3/users/${uid}/exercise-transactions/${tx}`, { token })).status,
      404,
      "an activity transaction is not an exercise transaction",
    );

    const log = (await mock.api.call("GET", `/polar/v3/users/${uid}/activity-transactions/${tx}`, { token })).body["activity-log"];
    assert.equal(log.length, 2);
    const summary = (await mock.api.call("GET", new URL(log[1]).pathname, { token })).body;
    assert.deepEqual(
      { ...summary, id: "x" },
      {
        id: "x",
        "polar-user": `${mock.url}/polar/v3/users/${uid}`,
        "transaction-id": tx,
        date: dateAgo(1),
        created: `${dateAgo(1)}T23:10:00.000Z`,
        calories: 388,
        "active-calories": 388,
        duration: "PT24H0M0S",
        "active-steps": 9100,
        "distance-from-steps": 5210.5,
      },
    );
    assert.equal((await mock.api.call("PUT", `/polar/v3/users/${uid}/activity-transactions/${tx}`, { token })).status, 200);
    assert.equal((await mock.api.call("POST", `/polar/v3/users/${uid}/activity-transactions`, { token })).status, 204, "delivered");
    const after = (await mock.api.call("GET", "/polar/v3/notifications", { headers: { authorization: basic } })).body?.[
      "available-user-data"
    ];
    assert.deepEqual(
      (after ?? []).filter((n: any) => n["user-id"] === Number(uid)).map((n: any) => n["data-type"]),
      ["EXERCISE"],
    );
  });

  it("adapter: lists nights by date as normalised sleep metadata and hydrates the hypnogram's stages", async () => {
    const creds = await connect();
    const input = night(1);
    await mock.api.addActivities("polar", creds.providerUserId, [input, night(5)]);
    const sleepApi = adapters.dataProvider("polar", "sleep");
    const { records, commit } = await sleepApi.fetchMetadata(creds, undefined);
    assert.equal(commit, undefined, "sleep is not transactional");
    assert.equal(records.length, 2);
    const last = records.find((r) => r.id === dateOf(localMidnight(1)));
    assert.deepEqual(last, {
      id: dateOf(localMidnight(1)),
      startTime: input.startTime,
      endTime: input.endTime,
      type: "other",
      name: "Sleep",
      updatedAt: input.endTime,
      private: false,
      utcOffsetSeconds: OFFSET,
    });
    const [payload] = await sleepApi.fetchPayloads(creds, [last as never]);
    assert.deepEqual(payload, { ...last, samples: [], sleep: input.sleep });

    const since = await sleepApi.fetchMetadata(creds, new Date(Date.parse(input.endTime) - 3600_000).toISOString());
    assert.deepEqual(
      since.records.map((r) => r.id),
      [last?.id],
      "a night that ended before the watermark's lookback is not listed again",
    );
    assert.equal(await sleepApi.hasNewData(creds, input.startTime), true);
    assert.equal(await sleepApi.hasNewData(creds, input.endTime), false);
    await assert.rejects(sleepApi.pushData(creds, []), (e: unknown) => e instanceof PartnerError && e.category === "permanent");
  });

  it("adapter: reads daily totals through a transaction committed after the job, one UTC day each", async () => {
    const creds = await connect();
    const input = day(dateAgo(1), 10_250);
    await mock.api.addActivities("polar", creds.providerUserId, [input]);
    const dailyApi = adapters.dataProvider("polar", "daily_activity");
    assert.equal(await adapters.dataProvider("polar").hasNewData(creds, undefined), false, "no training session waits");
    assert.equal(await dailyApi.hasNewData(creds, undefined), true);

    const listing = await dailyApi.fetchMetadata(creds, undefined);
    assert.equal(listing.records.length, 1);
    const { sourceRef, ...metadata } = listing.records[0] as NonNullable<(typeof listing.records)[0]>;
    assert.match(sourceRef ?? "", /\/polar\/v3\/users\/\d+\/activity-transactions\/\d+\/activities\/\w+$/);
    assert.deepEqual(
      { ...metadata, id: "x" },
      {
        id: "x",
        startTime: `${input.daily.date}T00:00:00.000Z`,
        endTime: input.endTime,
        type: "other",
        name: input.daily.date,
        updatedAt: input.updatedAt,
        private: false,
        values: "steps=10250;kcal=388;m=5211",
      },
    );
    const [payload] = await dailyApi.fetchPayloads(creds, listing.records);
    assert.deepEqual(payload, { ...metadata, samples: [], daily: input.daily });
    assert.equal(dailyApi.capabilities.reportsModificationTime, true);

    assert.equal((await dailyApi.fetchMetadata(creds, undefined)).records.length, 1, "uncommitted: offered again");
    await listing.commit?.();
    assert.deepEqual((await dailyApi.fetchMetadata(creds, undefined)).records, []);
    assert.equal(await dailyApi.hasNewData(creds, undefined), false);
  });
});
