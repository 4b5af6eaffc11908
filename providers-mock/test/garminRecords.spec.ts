import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type ActivityPayload,
  type Body,
  createGarminAdapter,
  externalIdFor,
  type ProviderCredentials,
  type PushRecord,
  type Sleep,
  valuesOf,
} from "@syncwell/core";
import { CLIENTS, startHookReceiver, startTestMock } from "./helpers.ts";

const HOUR = 3600_000;
const STAGES: Sleep["stages"] = [
  { stage: "light", startOffsetSeconds: 0, seconds: 3600 },
  { stage: "deep", startOffsetSeconds: 3600, seconds: 3600 },
  { stage: "rem", startOffsetSeconds: 7200, seconds: 1800 },
  { stage: "awake", startOffsetSeconds: 9000, seconds: 300 },
  { stage: "light", startOffsetSeconds: 9300, seconds: 19500 },
];

/** A whole second `hoursAgo` hours before now, ISO. */
const at = (hoursAgo: number) => {
  const d = new Date(Date.now() - hoursAgo * HOUR);
  d.setUTCMilliseconds(0);
  return d.toISOString();
};
const plus = (isoTime: string, seconds: number) => new Date(Date.parse(isoTime) + seconds * 1000).toISOString();

/** An 8 h night ending `hoursAgo` + 8 hours ago, as test control adds it. */
const night = (hoursAgo: number, extra: Record<string, unknown> = {}) => {
  const startTime = at(hoursAgo + 8);
  return { kind: "sleep", startTime, endTime: plus(startTime, 28800), type: "other", name: "Sleep", sleep: { stages: STAGES }, ...extra };
};

describe("garmin mock: sleeps, dailies and body compositions", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
  let garmin: ReturnType<typeof createGarminAdapter>;
  const calls: { operation: string; status: number }[] = [];
  before(async () => {
    hooks = await startHookReceiver();
    mock = await startTestMock({ WEBHOOK_BASE_URL: hooks.url });
    garmin = createGarminAdapter({ baseUrl: `${mock.url}/garmin`, ...CLIENTS.garmin, observe: (c) => void calls.push(c) });
  });
  after(async () => {
    await mock.close();
    await hooks.close();
  });

  const connect = async (): Promise<ProviderCredentials> => {
    const user = await mock.api.newUser("garmin");
    const grant = await garmin.oauth.exchangeCode(user.authorizationCode);
    return { accessToken: grant.accessToken, providerUserId: grant.providerUserId };
  };
  const pull = async (token: string, callbackURL: string) => {
    const url = new URL(callbackURL);
    const reply = await mock.api.call("GET", url.pathname + url.search, { token });
    assert.equal(reply.status, 200, reply.text);
    return reply.body as Record<string, unknown>[];
  };
  const held = async (user: string, kind: string) =>
    (await mock.api.call("GET", `/garmin/_admin/users/${user}/activities?kind=${kind}`)).body as { id: string; [k: string]: unknown }[];
  const postSleep = (token: string, start: string, seconds = 28800) => {
    const s = Date.parse(start) / 1000;
    return mock.api.call("POST", "/garmin/sleep-service/sleep", {
      token,
      json: {
        startTimeInSeconds: s,
        startTimeOffsetInSeconds: 3600,
        durationInSeconds: seconds,
        sleepLevelsMap: {
          light: [{ startTimeInSeconds: s, endTimeInSeconds: s + 3600 }],
          deep: [{ startTimeInSeconds: s + 3600, endTimeInSeconds: s + 5400 }],
        },
      },
    });
  };

  it("pings each summary type under its own key, and each callbackURL pulls that type's native summaries", async () => {
    const { accessToken: token, providerUserId: user } = await connect();
    const sleepStart = at(30);
    const weighedAt = at(2);
    const before = hooks.received.length;
    const [sleep, daily, body] = await mock.api.addActivities("garmin", user, [
      night(22, { utcOffsetSeconds: 3600, startTime: sleepStart, endTime: plus(sleepStart, 28800) }),
      {
        kind: "daily_activity",
        startTime: "2026-03-01T22:00:00.000Z",
        endTime: "2026-03-02T22:00:00.000Z",
        type: "other",
        name: "2026-03-02",
        utcOffsetSeconds: 7200,
        daily: { date: "2026-03-02", steps: 12345, activeCalories: 456.4, distanceMeters: 9876.5 },
      },
      {
        kind: "body",
        startTime: weighedAt,
        endTime: weighedAt,
        type: "other",
        name: "Weigh-in",
        body: { weightKg: 72.4, fatPercent: 18.5 },
      },
    ]);
    const pings = (await hooks.waitFor(before + 3)).slice(before);
    assert.ok(pings.every((p) => p.headers["garmin-client-id"] === CLIENTS.garmin.clientId));
    const entries = Object.fromEntries(
      pings.map((p) => {
        const parsed = JSON.parse(p.body) as Record<string, { userId: string; callbackURL: string }[]>;
        assert.equal(Object.keys(parsed).length, 1, "one summary type a ping");
        const [key, list] = Object.entries(parsed)[0] ?? [];
        return [key, list?.[0]];
      }),
    ) as Record<string, { userId: string; callbackURL: string } | undefined>;
    assert.deepEqual(Object.keys(entries).sort(), ["bodyComps", "dailies", "sleeps"]);
    for (const [key, entry] of Object.entries(entries)) {
      assert.equal(entry?.userId, user);
      assert.ok(entry?.callbackURL.startsWith(`${mock.url}/garmin/wellness-api/rest/${key}?uploadStartTimeInSeconds=`), entry?.callbackURL);
    }

    const start = Date.parse(sleepStart) / 1000;
    const [nativeSleep] = await pull(token, entries.sleeps?.callbackURL ?? "");
    assert.deepEqual(nativeSleep, {
      userId: user,
      summaryId: sleep.id,
      calendarDate: new Date(Date.parse(sleepStart) + (28800 + 3600) * 1000).toISOString().slice(0, 10),
      startTimeInSeconds: start,
      startTimeOffsetInSeconds: 3600,
      durationInSeconds: 28800,
      deepSleepDurationInSeconds: 3600,
      lightSleepDurationInSeconds: 23100,
      remSleepInSeconds: 1800,
      awakeDurationInSeconds: 300,
      sleepLevelsMap: {
        light: [
          { startTimeInSeconds: start, endTimeInSeconds: start + 3600 },
          { startTimeInSeconds: start + 9300, endTimeInSeconds: start + 28800 },
        ],
        deep: [{ startTimeInSeconds: start + 3600, endTimeInSeconds: start + 7200 }],
        rem: [{ startTimeInSeconds: start + 7200, endTimeInSeconds: start + 9000 }],
        awake: [{ startTimeInSeconds: start + 9000, endTimeInSeconds: start + 9300 }],
      },
      validation: "DEVICE",
    });
    assert.deepEqual(await pull(token, entries.dailies?.callbackURL ?? ""), [
      {
        userId: user,
        summaryId: daily.id,
        calendarDate: "2026-03-02",
        startTimeInSeconds: Date.parse("2026-03-01T22:00:00Z") / 1000,
        startTimeOffsetInSeconds: 7200,
        durationInSeconds: 86400,
        steps: 12345,
        activeKilocalories: 456,
        distanceInMeters: 9876.5,
      },
    ]);
    assert.deepEqual(await pull(token, entries.bodyComps?.callbackURL ?? ""), [
      {
        userId: user,
        summaryId: body.id,
        measurementTimeInSeconds: Date.parse(weighedAt) / 1000,
        measurementTimeOffsetInSeconds: 0,
        weightInGrams: 72400,
        bodyFatInPercent: 18.5,
      },
    ]);
  });

  it("lists each summary type by upload time (≤ 24 h a call) and never mixes types", async () => {
    const { accessToken: token, providerUserId: user } = await connect();
    const [old] = await mock.api.addActivities("garmin", user, [night(72, { updatedAt: at(70) })]);
    const [fresh] = await mock.api.addActivities("garmin", user, [night(2)]);
    const now = Math.floor(Date.now() / 1000);
    const window = (path: string, from: number, to: number) =>
      mock.api.call("GET", `/garmin/wellness-api/rest/${path}?uploadStartTimeInSeconds=${from}&uploadEndTimeInSeconds=${to}`, { token });
    const recent = await window("sleeps", now - 600, now + 2);
    assert.deepEqual(
      recent.body.map((s: { summaryId: string }) => s.summaryId),
      [fresh.id],
      "the night uploaded 70 h ago is not in the last 10 minutes' uploads",
    );
    const earlier = await window("sleeps", now - 71 * 3600, now - 69 * 3600);
    assert.deepEqual(
      earlier.body.map((s: { summaryId: string }) => s.summaryId),
      [old.id],
    );
    assert.deepEqual((await window("activities", now - 600, now + 2)).body, [], "a sleep is no activity");
    assert.deepEqual((await window("dailies", now - 600, now + 2)).body, []);
    const tooLong = await window("bodyComps", now - 90_000, now);
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.errorMessage, /86400/);
  });

  it("answers 409 code 202 for the same sleep (within a minute) and 203 for one overlapping it; another night is written", async () => {
    const { accessToken: token, providerUserId: user } = await connect();
    const start = at(40);
    const first = await postSleep(token, start);
    assert.equal(first.status, 201, first.text);
    const id = first.body.detailedImportResult.successes[0].internalId;
    const same = await postSleep(token, plus(start, 30));
    assert.equal(same.status, 409);
    assert.deepEqual(same.body.detailedImportResult.failures[0], {
      internalId: id,
      externalId: null,
      messages: [{ code: 202, content: "Duplicate Sleep." }],
    });
    const overlapping = await postSleep(token, plus(start, 7200));
    assert.equal(overlapping.status, 409);
    assert.equal(overlapping.body.detailedImportResult.failures[0].messages[0].code, 203);
    assert.equal(overlapping.body.detailedImportResult.failures[0].internalId, id);
    const nextNight = await postSleep(token, plus(start, 86400));
    assert.equal(nextNight.status, 201, nextNight.text);
    const stored = await held(user, "sleep");
    assert.equal(stored.length, 2);
    assert.deepEqual(stored[0]?.sleep, {
      stages: [
        { stage: "light", startOffsetSeconds: 0, seconds: 3600 },
        { stage: "deep", startOffsetSeconds: 3600, seconds: 1800 },
      ],
    });
    assert.equal(stored[0]?.utcOffsetSeconds, 3600);
    const outside = await mock.api.call("POST", "/garmin/sleep-service/sleep", {
      token,
      json: {
        startTimeInSeconds: 1_700_000_000,
        durationInSeconds: 3600,
        sleepLevelsMap: { deep: [{ startTimeInSeconds: 1_700_000_000, endTimeInSeconds: 1_700_007_200 }] },
      },
    });
    assert.equal(outside.status, 400, "a stage outside the session");
    assert.equal(
      (await mock.api.call("DELETE", `/garmin/activity-service/activity/${id}`, { token })).status,
      404,
      "a sleep is no activity",
    );
    assert.equal((await mock.api.call("DELETE", `/garmin/sleep-service/sleep/${id}`, { token })).status, 204);
    assert.equal((await mock.api.call("DELETE", `/garmin/sleep-service/sleep/${id}`, { token })).status, 404);
  });

  it("refuses an upload that claims to be FIT but is not a valid weight file", async () => {
    const { accessToken: token } = await connect();
    const bogus = Buffer.alloc(20);
    bogus.writeUInt8(14, 0);
    bogus.write(".FIT", 8, "ascii");
    const form = new FormData();
    form.set("file", new Blob([bogus]), "w.fit");
    const reply = await mock.api.call("POST", "/garmin/upload-service/upload", { token, body: form });
    assert.equal(reply.status, 400);
    assert.match(reply.body.errorMessage, /FIT/);
  });

  describe("through the adapter", () => {
    let n = 0;
    const push = (payload: ActivityPayload, onConflict: PushRecord["onConflict"] = "report"): PushRecord => ({
      payload,
      externalId: externalIdFor("oura", payload.id),
      onConflict,
    });
    const weighIn = (time: string, body: Body): ActivityPayload => ({
      id: `w-${++n}`,
      startTime: time,
      endTime: time,
      type: "other",
      name: "Weigh-in",
      updatedAt: time,
      private: false,
      values: valuesOf({ body }),
      samples: [],
      body,
    });

    it("a sleep pushed comes back from fetchOverlapping normalised, its stages from the listing; pushed again it is a duplicate", async () => {
      const creds = await connect();
      const startTime = at(20);
      const endTime = plus(startTime, 28800);
      const payload: ActivityPayload = {
        id: "oura-night-1",
        startTime,
        endTime,
        type: "other",
        name: "Sleep",
        updatedAt: endTime,
        private: false,
        utcOffsetSeconds: 7200,
        samples: [],
        sleep: { stages: STAGES },
      };
      const [written] = await garmin.records.sleep.pushData(creds, [push(payload)]);
      assert.equal(written?.status, "written", JSON.stringify(written));
      const destinationId = written?.status === "written" ? written.destinationId : "";
      const overlapping = await garmin.records.sleep.fetchOverlapping(creds, { from: plus(startTime, 3600), to: plus(startTime, 7200) });
      assert.deepEqual(overlapping, [
        {
          id: destinationId,
          startTime,
          endTime,
          type: "other",
          name: "Sleep",
          updatedAt: endTime,
          private: false,
          utcOffsetSeconds: 7200,
        },
      ]);
      const { records } = await garmin.records.sleep.fetchMetadata(creds, undefined);
      const [read] = await garmin.records.sleep.fetchPayloads(creds, records);
      assert.deepEqual(read, { ...overlapping[0], samples: [], sleep: { stages: STAGES } });
      const [again] = await garmin.records.sleep.pushData(creds, [push(payload)]);
      assert.deepEqual(again, { externalId: externalIdFor("oura", payload.id), status: "duplicate", destinationId });
      assert.equal((await held(creds.providerUserId, "sleep")).length, 1);
    });

    it("a sleep replacing the user's overlapping night is written and the night deleted; a stage-less record is refused", async () => {
      const creds = await connect();
      const [users] = await mock.api.addActivities("garmin", creds.providerUserId, [night(10)]);
      const startTime = plus(users.startTime, 1200);
      const endTime = plus(startTime, 27000);
      const payload: ActivityPayload = {
        id: "oura-night-2",
        startTime,
        endTime,
        type: "other",
        name: "Sleep",
        updatedAt: endTime,
        private: false,
        samples: [],
        sleep: { stages: [{ stage: "deep", startOffsetSeconds: 600, seconds: 3000 }] },
      };
      const [refused] = await garmin.records.sleep.pushData(creds, [push(payload)]);
      assert.equal(refused?.status, "conflict", "an overlap it was not told about is reported");
      const [written] = await garmin.records.sleep.pushData(creds, [{ ...push(payload), replacesId: users.id }]);
      assert.equal(written?.status, "written", JSON.stringify(written));
      const stored = await held(creds.providerUserId, "sleep");
      assert.deepEqual(
        stored.map((s) => [s.id, s.startTime, s.sleep]),
        [[written?.status === "written" ? written.destinationId : "", startTime, payload.sleep]],
      );
      const { sleep: _sleep, ...bare } = payload;
      const [failed] = await garmin.records.sleep.pushData(creds, [push({ ...bare, id: "oura-night-3" })]);
      assert.deepEqual([failed?.status, failed?.status === "failed" && failed.retryable], ["failed", false]);
    });

    it("a weigh-in is a FIT upload: read back with its values, the same one is a duplicate (409), another at that moment a conflict or, told so, a replacement", async () => {
      const creds = await connect();
      const time = at(5);
      const first = weighIn(time, { weightKg: 81.35, fatPercent: 21.4 });
      calls.length = 0;
      const [written] = await garmin.records.body.pushData(creds, [push(first)]);
      assert.equal(written?.status, "written", JSON.stringify(written));
      const destinationId = written?.status === "written" ? written.destinationId : "";
      const expected = {
        id: destinationId,
        startTime: time,
        endTime: time,
        type: "other",
        name: "Weigh-in",
        updatedAt: time,
        private: false,
        values: "kg=81.35;fat=21.4",
        utcOffsetSeconds: 0,
      };
      assert.deepEqual(await garmin.records.body.fetchOverlapping(creds, { from: time, to: time }), [expected]);
      const { records } = await garmin.records.body.fetchMetadata(creds, undefined);
      assert.deepEqual(await garmin.records.body.fetchPayloads(creds, records), [
        { ...expected, samples: [], body: { weightKg: 81.35, fatPercent: 21.4 } },
      ]);

      const [again] = await garmin.records.body.pushData(creds, [push({ ...first, startTime: plus(time, 30), endTime: plus(time, 30) })]);
      assert.deepEqual(again, { externalId: externalIdFor("oura", first.id), status: "duplicate", destinationId });
      assert.deepEqual(
        calls.filter((c) => c.operation === "create").map((c) => c.status),
        [201, 409],
        "Garmin answered the same weigh-in 30 s later with 409",
      );

      const other = weighIn(plus(time, 20), { weightKg: 80.9 });
      const [conflict] = await garmin.records.body.pushData(creds, [push(other)]);
      assert.equal(conflict?.status, "conflict");
      const [replaced] = await garmin.records.body.pushData(creds, [push(other, "replace")]);
      assert.equal(replaced?.status, "written");
      const stored = await held(creds.providerUserId, "body");
      assert.deepEqual(
        stored.map((s) => [s.id, s.body]),
        [[replaced?.status === "written" ? replaced.destinationId : "", { weightKg: 80.9 }]],
      );

      const changes = [{ kind: "delete" as const, destinationId: stored[0]?.id ?? "" }];
      assert.deepEqual(
        (await garmin.records.body.applyChanges?.(creds, changes))?.map((r) => r.status),
        ["done"],
      );
      assert.deepEqual(
        (await garmin.records.body.applyChanges?.(creds, changes))?.map((r) => r.status),
        ["gone"],
      );
    });

    it("a day's totals are read as a local day with its values; Garmin is no destination of them", async () => {
      const creds = await connect();
      const [day] = await mock.api.addActivities("garmin", creds.providerUserId, [
        {
          kind: "daily_activity",
          startTime: "2026-03-01T23:00:00.000Z",
          endTime: "2026-03-02T23:00:00.000Z",
          type: "other",
          name: "2026-03-02",
          utcOffsetSeconds: 3600,
          daily: { date: "2026-03-02", steps: 8000, activeCalories: 350, distanceMeters: 6000 },
        },
      ]);
      const dailies = garmin.records.daily_activity;
      assert.equal(dailies.capabilities.canDelete, false);
      const { records } = await dailies.fetchMetadata(creds, undefined);
      const { sourceRef, ...metadata } = records[0] ?? { sourceRef: undefined };
      assert.match(sourceRef ?? "", /^\/wellness-api\/rest\/dailies\?uploadStartTimeInSeconds=/);
      assert.deepEqual(metadata, {
        id: day.id,
        startTime: "2026-03-01T23:00:00.000Z",
        endTime: "2026-03-02T23:00:00.000Z",
        type: "other",
        name: "2026-03-02",
        updatedAt: "2026-03-02T23:00:00.000Z",
        private: false,
        values: "steps=8000;kcal=350;m=6000",
        utcOffsetSeconds: 3600,
      });
      const [payload] = await dailies.fetchPayloads(creds, records);
      assert.deepEqual(payload?.daily, { date: "2026-03-02", steps: 8000, activeCalories: 350, distanceMeters: 6000 });
      assert.equal(await dailies.hasNewData(creds, undefined), true);
      await assert.rejects(dailies.pushData(creds, []), /source only/);
    });
  });
});
