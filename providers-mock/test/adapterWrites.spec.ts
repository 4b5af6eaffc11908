import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type ActivityPayload,
  createPartnerAdapters,
  externalIdFor,
  type Logger,
  type Partner,
  type PartnerAdapters,
  type Provider,
  type ProviderCredentials,
  type PushRecord,
} from "@syncwell/core";
import { activity, CLIENTS, startTestMock } from "./helpers.ts";

/** Pushes and changes (update, delete) through the Strava and Garmin adapters, against providers-mock. */
describe("adapters write privacy, manual activities and changes the partner's way", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let adapters: PartnerAdapters;
  const logged: Record<string, unknown>[] = [];
  before(async () => {
    mock = await startTestMock({ STRAVA_UPLOAD_PROCESSING_MS: "50" });
    // Records what the adapters log (they log through the shared logger's per-partner children).
    const logger = {
      info: (fields: Record<string, unknown>) => void logged.push(fields),
      child: () => logger,
    } as unknown as Logger;
    adapters = createPartnerAdapters(
      Object.fromEntries(
        (Object.keys(CLIENTS) as Partner[]).map((p) => [p, { baseUrl: `${mock.url}/${p}`, ...CLIENTS[p], uploadPollIntervalMs: 25 }]),
      ) as never,
      { logger },
    );
  });
  after(() => mock.close());

  const connect = async (provider: Provider): Promise<ProviderCredentials> => {
    const user = await mock.api.newUser(provider);
    const grant = await adapters.oauth(provider).exchangeCode(user.authorizationCode);
    return { accessToken: grant.accessToken, providerUserId: grant.providerUserId };
  };
  const held = async (provider: Provider, user: string) =>
    (await mock.api.call("GET", `/${provider}/_admin/users/${user}/activities`)).body as {
      id: string;
      name: string;
      type: string;
      private: boolean;
      startTime: string;
      utcOffsetSeconds: number;
      samples: unknown[];
      externalId?: string;
    }[];
  let n = 0;
  const record = (extra: Partial<ActivityPayload> = {}): PushRecord => {
    const a = activity(10 + n++);
    const payload: ActivityPayload = {
      id: `src-${n}`,
      startTime: a.startTime,
      endTime: a.endTime,
      type: "run",
      name: `Source ${n}`,
      updatedAt: a.endTime,
      private: false,
      samples: a.samples,
      ...extra,
    };
    return { payload, externalId: externalIdFor("polar", payload.id), onConflict: "report" };
  };
  const fault = (provider: Provider, operation: string, status: number) =>
    mock.api.call("POST", "/_admin/faults", { json: { provider, operation, status, times: 1 } });

  it("strava: a private record is refused, not published with the athlete's default visibility", async () => {
    const creds = await connect("strava");
    const [hidden, unknown] = await adapters
      .dataProvider("strava")
      .pushData(creds, [record({ private: true }), record({ private: undefined })]);
    assert.deepEqual([hidden?.status, unknown?.status], ["failed", "failed"], "unknown privacy counts as private");
    assert.equal(hidden?.status === "failed" && hidden.retryable, false);
    assert.deepEqual(await held("strava", creds.providerUserId), []);
  });

  it("strava: a manual record (no samples) is created with POST /activities at its local time; a retry finds it", async () => {
    const creds = await connect("strava");
    const manual = record({ samples: [], type: "swim", utcOffsetSeconds: 7200 });
    await mock.api.call("POST", "/_admin/stats/reset");
    const [written] = await adapters.dataProvider("strava").pushData(creds, [manual]);
    assert.equal(written?.status, "written");
    const [activity] = await held("strava", creds.providerUserId);
    assert.deepEqual(
      [activity?.startTime, activity?.utcOffsetSeconds, activity?.type, activity?.samples, activity?.name],
      [manual.payload.startTime, 7200, "swim", [], manual.payload.name],
    );
    assert.equal(written?.status === "written" && written.destinationId, activity?.id);
    const stats = (await mock.api.call("GET", "/_admin/stats")).body.strava;
    assert.equal(stats.create.calls, 1, "one create call, no upload");
    const [again] = await adapters.dataProvider("strava").pushData(creds, [manual]);
    assert.deepEqual(again, { externalId: manual.externalId, status: "duplicate", destinationId: activity?.id });
    assert.equal((await held("strava", creds.providerUserId)).length, 1);
  });

  it("strava: a type it has no sport for is written as Workout, and logged with ids only", async () => {
    const creds = await connect("strava");
    const other = record({ type: "other", name: "Secret session" });
    const [written] = await adapters.dataProvider("strava").pushData(creds, [other]);
    assert.equal(written?.status, "written");
    assert.equal((await held("strava", creds.providerUserId))[0]?.type, "workout");
    const line = logged.find((l) => l.sourceRecordId === other.payload.id);
    assert.deepEqual([line?.provider, line?.type, line?.writtenAs], ["strava", "other", "Workout"]);
    assert.ok(!JSON.stringify(line).includes("Secret session"), "no names in logs");
  });

  it("strava: updates name and type; a vanished activity is gone; privacy, times and deletes it cannot do", async () => {
    const creds = await connect("strava");
    const [stored] = await mock.api.addActivities("strava", creds.providerUserId, [activity(3)]);
    const source = { ...record().payload, name: "Renamed at the source", type: "ride" as const };
    const dp = adapters.dataProvider("strava");
    assert.deepEqual(dp.capabilities.updatable, ["name", "type"]);
    assert.equal(dp.capabilities.canDelete, false);
    const results = await dp.applyChanges?.(creds, [
      { kind: "update", destinationId: stored.id, record: source, fields: ["name", "type"] },
      { kind: "update", destinationId: "999999", record: source, fields: ["name"] },
      { kind: "update", destinationId: stored.id, record: source, fields: ["private"] },
      { kind: "delete", destinationId: stored.id },
    ]);
    assert.deepEqual(
      results?.map((r) => [r.status, r.status === "failed" ? r.retryable : undefined]),
      [
        ["done", undefined],
        ["gone", undefined],
        ["failed", false],
        ["failed", false],
      ],
    );
    const [after] = await held("strava", creds.providerUserId);
    assert.deepEqual([after?.name, after?.type], ["Renamed at the source", "ride"]);
  });

  it("strava: a 429 defers that change and the rest, with the wait", async () => {
    const creds = await connect("strava");
    const [a, b] = await mock.api.addActivities("strava", creds.providerUserId, [activity(3), activity(2)]);
    await fault("strava", "update", 429);
    const source = record().payload;
    const results = await adapters.dataProvider("strava").applyChanges?.(creds, [
      { kind: "update", destinationId: a.id, record: source, fields: ["name"] },
      { kind: "update", destinationId: b.id, record: source, fields: ["name"] },
    ]);
    assert.deepEqual(
      results?.map((r) => [r.destinationId, r.status, r.status === "deferred" && (r.retryAfterSeconds ?? 0) >= 1]),
      [
        [a.id, "deferred", true],
        [b.id, "deferred", true],
      ],
    );
  });

  it("garmin: a private record is uploaded and made private; a public one stays visible", async () => {
    const creds = await connect("garmin");
    const results = await adapters.dataProvider("garmin").pushData(creds, [record({ private: true }), record()]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["written", "written"],
    );
    const stored = await held("garmin", creds.providerUserId);
    assert.deepEqual(
      results.map((r) => stored.find((s) => r.status === "written" && s.id === r.destinationId)?.private),
      [true, false],
    );
  });

  it("garmin: when making an upload private fails, it is deleted rather than left public, and the push is retried", async () => {
    const creds = await connect("garmin");
    await fault("garmin", "update", 503);
    const hidden = record({ private: true });
    const [first] = await adapters.dataProvider("garmin").pushData(creds, [hidden]);
    assert.deepEqual([first?.status, first?.status === "failed" && first.retryable], ["failed", true]);
    assert.deepEqual(await held("garmin", creds.providerUserId), []);
    const [retried] = await adapters.dataProvider("garmin").pushData(creds, [hidden]);
    assert.equal(retried?.status, "written");
    assert.deepEqual(
      (await held("garmin", creds.providerUserId)).map((s) => s.private),
      [true],
    );
  });

  it("garmin: a manual record (no samples) goes through the upload with its external id; a re-push is a duplicate", async () => {
    const creds = await connect("garmin");
    const manual = record({ samples: [], type: "workout" });
    const [written] = await adapters.dataProvider("garmin").pushData(creds, [manual]);
    assert.equal(written?.status, "written");
    const [again] = await adapters.dataProvider("garmin").pushData(creds, [manual]);
    assert.equal(again?.status, "duplicate");
    const [stored] = await held("garmin", creds.providerUserId);
    assert.deepEqual([stored?.samples, stored?.externalId, stored?.type], [[], manual.externalId, "workout"]);
  });

  it("garmin: updates name, type and privacy, deletes, reports a vanished record as gone; times are a replacement", async () => {
    const creds = await connect("garmin");
    const [kept, removed] = await mock.api.addActivities("garmin", creds.providerUserId, [activity(3), activity(2)]);
    const dp = adapters.dataProvider("garmin");
    assert.deepEqual(dp.capabilities.updatable, ["name", "type", "private"]);
    const source = { ...record().payload, name: "Long ride", type: "ride" as const, private: true };
    const results = await dp.applyChanges?.(creds, [
      { kind: "update", destinationId: kept.id, record: source, fields: ["name", "type", "private"] },
      { kind: "delete", destinationId: removed.id },
      { kind: "delete", destinationId: removed.id },
      { kind: "update", destinationId: "123", record: source, fields: ["name"] },
      { kind: "update", destinationId: kept.id, record: source, fields: ["times"] },
    ]);
    assert.deepEqual(
      results?.map((r) => r.status),
      ["done", "done", "gone", "gone", "failed"],
    );
    const stored = await held("garmin", creds.providerUserId);
    assert.deepEqual(
      stored.map((s) => [s.id, s.name, s.type, s.private]),
      [[kept.id, "Long ride", "ride", true]],
    );
    const [unhidden] =
      (await dp.applyChanges?.(creds, [
        { kind: "update", destinationId: kept.id, record: { ...source, private: false }, fields: ["private"] },
      ])) ?? [];
    assert.equal(unhidden?.status, "done");
    assert.equal((await held("garmin", creds.providerUserId))[0]?.private, false);
  });

  it("garmin: a 429 defers the change and the rest; what was done before stays done", async () => {
    const creds = await connect("garmin");
    const [a, b, c] = await mock.api.addActivities("garmin", creds.providerUserId, [activity(4), activity(3), activity(2)]);
    const source = record().payload;
    const dp = adapters.dataProvider("garmin");
    const [first] = (await dp.applyChanges?.(creds, [{ kind: "update", destinationId: a.id, record: source, fields: ["name"] }])) ?? [];
    assert.equal(first?.status, "done");
    await fault("garmin", "update", 429);
    const results = await dp.applyChanges?.(creds, [
      { kind: "delete", destinationId: b.id },
      { kind: "update", destinationId: c.id, record: source, fields: ["name"] },
    ]);
    assert.deepEqual(
      results?.map((r) => r.status),
      ["deferred", "deferred"],
    );
    assert.equal((await held("garmin", creds.providerUserId)).length, 3);
  });
});
