import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { activity, startHookReceiver, startTestMock } from "./helpers.ts";

/** PATCH / DELETE of activities through the test-control API, and the webhooks each partner sends for them (SPEC §13). */
describe("editing and deleting activities at the partner", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
  before(async () => {
    hooks = await startHookReceiver();
    mock = await startTestMock({ WEBHOOK_BASE_URL: hooks.url });
  });
  after(async () => {
    await mock.close();
    await hooks.close();
  });

  const path = (provider: string, user: string, id?: string) =>
    `/${provider}/_admin/users/${user}/activities${id === undefined ? "" : `/${id}`}`;
  /** Deliveries caused by `action`, once every one of them has been made. */
  const deliveriesOf = async (action: () => Promise<unknown>) => {
    await mock.mock.webhooks.drain();
    const before = hooks.received.length;
    await action();
    await mock.mock.webhooks.drain();
    return hooks.received.slice(before).map((h) => ({ path: h.url, headers: h.headers, event: JSON.parse(h.body) }));
  };

  it("a body measurement (a moment: start = end) can be moved; a workout cannot be made a moment", async () => {
    const { partnerUserId } = await mock.api.newUser("garmin");
    const at = "2026-11-29T07:00:00.000Z";
    const [weighIn, run] = await mock.api.addActivities("garmin", partnerUserId, [
      { kind: "body", type: "other", name: "Weigh-in", startTime: at, endTime: at, body: { weightKg: 72 } },
      activity(3),
    ]);
    const later = "2026-11-29T07:05:00.000Z";
    const moved = await mock.api.call("PATCH", path("garmin", partnerUserId, weighIn.id), { json: { startTime: later, endTime: later } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.startTime, later);
    const refused = await mock.api.call("PATCH", path("garmin", partnerUserId, run.id), { json: { endTime: run.startTime } });
    assert.equal(refused.status, 400);
  });

  it("stores privacy and the local offset, private false by default", async () => {
    const { partnerUserId } = await mock.api.newUser("garmin");
    const [plain, hidden] = await mock.api.addActivities("garmin", partnerUserId, [
      activity(3),
      activity(2, { private: true, utcOffsetSeconds: -5 * 3600 }),
    ]);
    assert.equal(plain.private, false);
    assert.equal(plain.utcOffsetSeconds, 0);
    assert.equal(hidden.private, true);
    assert.equal(hidden.utcOffsetSeconds, -18000);
    const listed = (await mock.api.call("GET", path("garmin", partnerUserId))).body;
    assert.deepEqual(
      listed.map((a: { private: boolean; utcOffsetSeconds: number }) => [a.private, a.utcOffsetSeconds]),
      [
        [false, 0],
        [true, -18000],
      ],
    );
  });

  it("edits name, type, privacy and times: 200 with the activity, and its updatedAt moves", async () => {
    const { partnerUserId } = await mock.api.newUser("polar");
    const [stored] = await mock.api.addActivities("polar", partnerUserId, [activity(5, { updatedAt: new Date().toISOString() })]);
    const startTime = new Date(Date.parse(stored.startTime) - 600_000).toISOString();
    const reply = await mock.api.call("PATCH", path("polar", partnerUserId, stored.id), {
      json: { name: "Renamed", type: "ride", private: true, startTime },
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.id, stored.id);
    assert.equal(reply.body.name, "Renamed");
    assert.equal(reply.body.type, "ride");
    assert.equal(reply.body.private, true);
    assert.equal(reply.body.startTime, startTime);
    assert.equal(reply.body.endTime, stored.endTime);
    assert.ok(Date.parse(reply.body.updatedAt) > Date.parse(stored.updatedAt), "updatedAt moves");
    const [listed] = (await mock.api.call("GET", path("polar", partnerUserId))).body;
    assert.deepEqual(listed, reply.body);
  });

  it("refuses unknown fields with 422 naming the field, bad values with 400, and unknown activities with 404", async () => {
    const { partnerUserId } = await mock.api.newUser("strava");
    const other = await mock.api.newUser("strava");
    const [stored] = await mock.api.addActivities("strava", partnerUserId, [activity(4)]);
    const cases: [string, string, unknown, number, RegExp?][] = [
      ["PATCH", path("strava", partnerUserId, stored.id), { name: "x", samples: [] }, 422, /samples/],
      ["PATCH", path("strava", partnerUserId, stored.id), { visibility: "only_me" }, 422, /visibility/],
      ["PATCH", path("strava", partnerUserId, stored.id), { type: "flying" }, 400, /type/],
      ["PATCH", path("strava", partnerUserId, stored.id), { endTime: "2000-01-01T00:00:00Z" }, 400, /endTime/],
      ["PATCH", path("strava", partnerUserId, stored.id), {}, 400],
      ["PATCH", path("strava", partnerUserId, "123"), { name: "x" }, 404],
      ["PATCH", path("strava", other.partnerUserId, stored.id), { name: "x" }, 404],
      ["DELETE", path("strava", partnerUserId, "123"), undefined, 404],
      ["DELETE", path("strava", other.partnerUserId, stored.id), undefined, 404],
    ];
    for (const [method, url, json, status, detail] of cases) {
      const reply = await mock.api.call(method, url, json === undefined ? {} : { json });
      assert.equal(reply.status, status, `${method} ${url} ${JSON.stringify(json)}: ${reply.text}`);
      assert.match(reply.headers.get("content-type") ?? "", /application\/problem\+json/);
      if (detail) assert.match(reply.body.detail, detail);
    }
    const [unchanged] = (await mock.api.call("GET", path("strava", partnerUserId))).body;
    assert.deepEqual(unchanged, stored);
  });

  it("deletes an activity: 204, and the partner no longer holds it", async () => {
    const { partnerUserId } = await mock.api.newUser("garmin");
    const [gone, kept] = await mock.api.addActivities("garmin", partnerUserId, [activity(3), activity(2)]);
    const events = await deliveriesOf(async () => {
      const reply = await mock.api.call("DELETE", path("garmin", partnerUserId, gone.id));
      assert.equal(reply.status, 204);
    });
    assert.deepEqual(events, [], "the Activity API has no deletion notice");
    const listed = (await mock.api.call("GET", path("garmin", partnerUserId))).body;
    assert.deepEqual(
      listed.map((a: { id: string }) => a.id),
      [kept.id],
    );
  });

  it("oura: an edit sends a signed update event and a deletion a delete event; a privacy flag alone is no change", async () => {
    const { partnerUserId } = await mock.api.newUser("oura");
    const [stored] = await mock.api.addActivities("oura", partnerUserId, [activity(2)]);
    const update = await deliveriesOf(() =>
      mock.api.call("PATCH", path("oura", partnerUserId, stored.id), { json: { name: "Evening walk" } }),
    );
    assert.equal(update.length, 1);
    assert.equal(update[0]?.path, "/webhooks/oura");
    assert.match(String(update[0]?.headers["x-oura-signature"]), /^[0-9A-F]{64}$/);
    assert.deepEqual(
      { ...update[0]?.event, event_time: "" },
      { event_type: "update", data_type: "workout", object_id: stored.id, event_time: "", user_id: partnerUserId },
    );
    const privacy = await deliveriesOf(() => mock.api.call("PATCH", path("oura", partnerUserId, stored.id), { json: { private: true } }));
    assert.deepEqual(privacy, [], "Oura has no privacy to report");
    const removed = await deliveriesOf(() => mock.api.call("DELETE", path("oura", partnerUserId, stored.id)));
    assert.deepEqual(
      removed.map((e) => [e.event.event_type, e.event.object_id]),
      [["delete", stored.id]],
    );
  });

  it("garmin: an edit is a manually updated activity, pinged with an upload window that lists it again", async () => {
    const { partnerUserId } = await mock.api.newUser("garmin");
    const [stored] = await mock.api.addActivities("garmin", partnerUserId, [activity(30, { updatedAt: "2026-01-01T00:00:00Z" })]);
    const pings = await deliveriesOf(() => mock.api.call("PATCH", path("garmin", partnerUserId, stored.id), { json: { type: "hike" } }));
    assert.equal(pings.length, 1);
    const [summary] = pings[0]?.event.activities ?? [];
    assert.equal(summary.userId, partnerUserId);
    assert.ok(summary.uploadStartTimeInSeconds * 1000 > Date.now() - 60_000, "the edit's upload time, not the original one");
  });

  it("polar: edits and deletions send nothing (AccessLink has no notice of them)", async () => {
    const { partnerUserId } = await mock.api.newUser("polar");
    const [stored] = await mock.api.addActivities("polar", partnerUserId, [activity(2)]);
    const events = await deliveriesOf(async () => {
      await mock.api.call("PATCH", path("polar", partnerUserId, stored.id), { json: { name: "x" } });
      await mock.api.call("DELETE", path("polar", partnerUserId, stored.id));
    });
    assert.deepEqual(events, []);
  });
});
