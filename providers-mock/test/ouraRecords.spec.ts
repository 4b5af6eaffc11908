import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPartnerAdapters, type Partner, type PartnerAdapters, PartnerError, type ProviderCredentials } from "@syncwell/core";
import { ouraSignature } from "../src/providers/oura.ts";
import { CLIENTS, eventually, startHookReceiver, startTestMock } from "./helpers.ts";

const DAY = 86400_000;
const OFFSET = 2 * 3600;
/** Local midnight (+02:00) `daysAgo` days before today, as a UTC instant. */
const localMidnight = (daysAgo: number) => Math.floor(Date.now() / DAY) * DAY - daysAgo * DAY - OFFSET * 1000;
const dateOf = (ms: number) => new Date(ms + OFFSET * 1000).toISOString().slice(0, 10);

/** A night from 23:00 to 06:50 local (+02:00) ending `daysAgo` days ago, its stages on 5-minute boundaries. */
function night(daysAgo: number) {
  const start = localMidnight(daysAgo) - 3600_000;
  const stages = [
    { stage: "awake", startOffsetSeconds: 0, seconds: 600 },
    { stage: "light", startOffsetSeconds: 600, seconds: 3000 },
    { stage: "deep", startOffsetSeconds: 3600, seconds: 5400 },
    { stage: "rem", startOffsetSeconds: 9000, seconds: 3600 },
    { stage: "light", startOffsetSeconds: 12600, seconds: 15000 },
    { stage: "awake", startOffsetSeconds: 27600, seconds: 600 },
  ];
  return {
    kind: "sleep",
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + 28200_000).toISOString(),
    type: "other",
    name: "Sleep",
    utcOffsetSeconds: OFFSET,
    sleep: { stages },
  };
}

/** The totals of the local day `daysAgo` days ago. */
function day(daysAgo: number, steps = 8421) {
  const start = localMidnight(daysAgo);
  return {
    kind: "daily_activity",
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + DAY).toISOString(),
    type: "other",
    name: dateOf(start),
    utcOffsetSeconds: OFFSET,
    daily: { date: dateOf(start), steps, activeCalories: 512, distanceMeters: 6420 },
  };
}

describe("oura mock: sleep and daily activity", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
  let adapters: PartnerAdapters;
  before(async () => {
    hooks = await startHookReceiver();
    mock = await startTestMock({ WEBHOOK_BASE_URL: hooks.url });
    adapters = createPartnerAdapters(
      Object.fromEntries((Object.keys(CLIENTS) as Partner[]).map((p) => [p, { baseUrl: `${mock.url}/${p}`, ...CLIENTS[p] }])) as never,
    );
  });
  after(async () => {
    await mock.close();
    await hooks.close();
  });

  const connect = async (): Promise<ProviderCredentials> => {
    const user = await mock.api.newUser("oura");
    const grant = await adapters.oauth("oura").exchangeCode(user.authorizationCode);
    return { accessToken: grant.accessToken, providerUserId: grant.providerUserId };
  };
  const range = (from: number, to: number) => `start_date=${dateOf(from)}&end_date=${dateOf(to)}`;

  it("serves a sleep period in Oura's shape: local bedtimes, stage totals and the 5-minute phases", async () => {
    const { providerUserId: uid, accessToken: token } = await connect();
    const input = night(1);
    const [stored] = await mock.api.addActivities("oura", uid, [input]);
    const listed = await mock.api.call("GET", `/oura/v2/usercollection/sleep?${range(localMidnight(3), Date.now())}`, { token });
    assert.equal(listed.status, 200);
    assert.equal(listed.body.data.length, 1);
    const sleep = listed.body.data[0];
    assert.equal(sleep.id, stored.id);
    assert.equal(sleep.type, "long_sleep");
    assert.equal(sleep.day, dateOf(localMidnight(1)), "a night belongs to the day it ends");
    assert.equal(sleep.bedtime_start, `${dateOf(localMidnight(1) - 3600_000)}T23:00:00+02:00`);
    assert.equal(sleep.bedtime_end, `${dateOf(localMidnight(1))}T06:50:00+02:00`);
    assert.deepEqual(
      [sleep.time_in_bed, sleep.total_sleep_duration, sleep.deep_sleep_duration, sleep.light_sleep_duration, sleep.rem_sleep_duration],
      [28200, 27000, 5400, 18000, 3600],
    );
    assert.equal(sleep.awake_time, 1200);
    assert.equal(sleep.sleep_phase_5_min, `44${"2".repeat(10)}${"1".repeat(18)}${"3".repeat(12)}${"2".repeat(50)}44`);
    assert.equal(sleep.sleep_phase_5_min.length, 28200 / 300);

    const single = await mock.api.call("GET", `/oura/v2/usercollection/sleep/${stored.id}`, { token });
    assert.deepEqual(single.body, sleep);
    const asWorkout = await mock.api.call("GET", `/oura/v2/usercollection/workout/${stored.id}`, { token });
    assert.equal(asWorkout.status, 404, "a sleep is not a workout");
    const workouts = await mock.api.call("GET", `/oura/v2/usercollection/workout?${range(localMidnight(3), Date.now())}`, { token });
    assert.equal(workouts.body.data.length, 0);
  });

  it("serves daily activity by day with next_token paging; the timestamp is 4 a.m. local", async () => {
    const { providerUserId: uid, accessToken: token } = await connect();
    const days = Array.from({ length: 55 }, (_, i) => day(i + 1, 1000 + i));
    await mock.api.addActivities("oura", uid, days);
    const path = `/oura/v2/usercollection/daily_activity?${range(localMidnight(60), Date.now())}`;
    const first = await mock.api.call("GET", path, { token });
    assert.equal(first.body.data.length, 50);
    assert.ok(first.body.next_token);
    const second = await mock.api.call("GET", `${path}&next_token=${first.body.next_token}`, { token });
    assert.equal(second.body.data.length, 5);
    assert.equal(second.body.next_token, null);
    const yesterday = [...first.body.data, ...second.body.data].find((d: any) => d.day === dateOf(localMidnight(1)));
    assert.deepEqual(
      { ...yesterday, id: "x" },
      {
        id: "x",
        class_5_min: null,
        score: null,
        active_calories: 512,
        equivalent_walking_distance: 6420,
        steps: 1000,
        total_calories: null,
        day: dateOf(localMidnight(1)),
        timestamp: `${dateOf(localMidnight(1))}T04:00:00+02:00`,
      },
    );
    const oneDay = await mock.api.call("GET", `/oura/v2/usercollection/daily_activity?${range(localMidnight(2), localMidnight(2))}`, {
      token,
    });
    assert.deepEqual(
      oneDay.body.data.map((d: any) => d.steps),
      [1001],
    );
    assert.equal((await mock.api.call("GET", `/oura/v2/usercollection/daily_activity/${yesterday.id}`, { token })).body.steps, 1000);
    assert.equal((await mock.api.call("GET", "/oura/v2/usercollection/daily_activity/nope", { token })).status, 404);
  });

  it("announces new sleep and daily activity with signed events of their data_type", async () => {
    const { providerUserId: uid } = await connect();
    const [sleep, daily] = await mock.api.addActivities("oura", uid, [night(2), day(2)]);
    // Other tests' events may still be arriving: this user's are the ones to wait for.
    const delivered = await eventually(async () => {
      const mine = hooks.received.filter((h) => JSON.parse(h.body).user_id === uid);
      return mine.length >= 2 ? mine : undefined;
    });
    assert.equal(delivered.length, 2);
    const events = delivered.map((hook) => {
      const timestamp = String(hook.headers["x-oura-timestamp"]);
      assert.equal(hook.headers["x-oura-signature"], ouraSignature(CLIENTS.oura.clientSecret, timestamp, hook.body));
      const { event_time: _t, ...event } = JSON.parse(hook.body);
      return event;
    });
    assert.deepEqual(
      events.sort((a, b) => a.data_type.localeCompare(b.data_type)),
      [
        { event_type: "create", data_type: "daily_activity", object_id: daily.id, user_id: uid },
        { event_type: "create", data_type: "sleep", object_id: sleep.id, user_id: uid },
      ],
    );
  });

  it("adapter: lists sleep as normalised metadata and hydrates its stages; fetches webhook-named records", async () => {
    const creds = await connect();
    const input = night(1);
    const [stored] = await mock.api.addActivities("oura", creds.providerUserId, [input, day(1)]);
    const sleepApi = adapters.dataProvider("oura", "sleep");
    const { records } = await sleepApi.fetchMetadata(creds, undefined);
    const expected = {
      id: stored.id,
      startTime: input.startTime,
      endTime: input.endTime,
      type: "other",
      name: "Sleep",
      updatedAt: input.endTime,
      private: false,
      utcOffsetSeconds: OFFSET,
    };
    assert.deepEqual(records, [expected]);

    await mock.api.call("POST", "/_admin/stats/reset");
    const [payload] = await sleepApi.fetchPayloads(creds, records);
    assert.deepEqual(payload, { ...records[0], samples: [], sleep: input.sleep });
    const stats = (await mock.api.call("GET", "/_admin/stats")).body.oura;
    assert.equal(stats.list_metadata.calls, 1, "one read per hydrated record");

    assert.deepEqual(await sleepApi.fetchRecords?.(creds, [stored.id, "gone"]), records);
    assert.equal(await sleepApi.hasNewData(creds, undefined), true);
    assert.equal(await sleepApi.hasNewData(creds, new Date(Date.now() + DAY).toISOString()), false);
    await assert.rejects(sleepApi.pushData(creds, []), (e: unknown) => e instanceof PartnerError && e.category === "permanent");
    await assert.rejects(
      sleepApi.fetchOverlapping(creds, { from: input.startTime, to: input.endTime }),
      (e: unknown) => e instanceof PartnerError && e.category === "permanent",
    );
  });

  it("adapter: lists a day from its local midnight for 24 h with its totals as values, and hydrates them", async () => {
    const creds = await connect();
    const input = day(2, 12345);
    const [stored] = await mock.api.addActivities("oura", creds.providerUserId, [input, night(2)]);
    const dailyApi = adapters.dataProvider("oura", "daily_activity");
    const { records } = await dailyApi.fetchMetadata(creds, undefined);
    assert.deepEqual(records, [
      {
        id: stored.id,
        startTime: new Date(input.startTime).toISOString(),
        endTime: new Date(input.endTime).toISOString(),
        type: "other",
        name: input.daily.date,
        updatedAt: new Date(input.endTime).toISOString(),
        private: false,
        values: "steps=12345;kcal=512;m=6420",
        utcOffsetSeconds: OFFSET,
      },
    ]);
    const [payload] = await dailyApi.fetchPayloads(creds, records);
    assert.deepEqual(payload, { ...records[0], samples: [], daily: input.daily });
    assert.deepEqual(await dailyApi.fetchRecords?.(creds, [stored.id]), records);
    // A watermark past the day's end: the listing reads from it minus the lookback, so the day is still seen.
    const later = await dailyApi.fetchMetadata(creds, new Date(Date.parse(input.endTime) + 3600_000).toISOString());
    assert.deepEqual(
      later.records.map((r) => r.id),
      [stored.id],
    );
  });
});
