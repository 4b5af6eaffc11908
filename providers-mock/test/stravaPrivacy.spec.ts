import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { toGpx } from "@syncwell/core";
import { activity, eventually, startHookReceiver, startTestMock } from "./helpers.ts";

const CLIENT = { client_id: "syncwell-strava", client_secret: "dev-strava-secret" };

/** Strava's privacy ("Only You"), the scopes that decide what an app sees of it, its write calls and its events. */
describe("strava mock: privacy, scopes, updates and manual activities", () => {
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

  /** An athlete who accepted `scope` (default: what SyncWell asks for) and the app's access token. */
  const connect = async (scope?: string) => {
    const user = await mock.api.call("POST", "/strava/_admin/users", scope === undefined ? {} : { json: { scope } });
    assert.equal(user.status, 201, user.text);
    const token = await mock.api.call("POST", "/strava/oauth/token", {
      form: { ...CLIENT, code: user.body.authorizationCode, grant_type: "authorization_code" },
    });
    assert.equal(token.status, 200);
    return { partnerUserId: user.body.partnerUserId as string, token: token.body.access_token as string };
  };
  const eventsOf = async (action: () => Promise<unknown>) => {
    await mock.mock.webhooks.drain();
    const before = hooks.received.length;
    await action();
    await mock.mock.webhooks.drain();
    return hooks.received.slice(before).map((h) => JSON.parse(h.body));
  };
  const patch = (user: string, id: string, json: unknown) =>
    mock.api.call("PATCH", `/strava/_admin/users/${user}/activities/${id}`, { json });

  it("shows private and visibility; with activity:read_all (SyncWell's default) it lists and serves Only You activities", async () => {
    const { partnerUserId, token } = await connect();
    const [open, hidden] = await mock.api.addActivities("strava", partnerUserId, [
      activity(3),
      activity(2, { private: true, utcOffsetSeconds: 3600 }),
    ]);
    const list = (await mock.api.call("GET", "/strava/api/v3/athlete/activities", { token })).body;
    const byId = new Map(list.map((a: { id: number }) => [String(a.id), a]));
    assert.deepEqual(
      [byId.get(open.id), byId.get(hidden.id)].map((a: any) => [a.private, a.visibility]),
      [
        [false, "everyone"],
        [true, "only_me"],
      ],
    );
    const detail = await mock.api.call("GET", `/strava/api/v3/activities/${hidden.id}`, { token });
    assert.equal(detail.status, 200);
    assert.equal(detail.body.utc_offset, 3600);
    assert.equal(detail.body.start_date_local, new Date(Date.parse(hidden.startTime) + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"));
  });

  it("with activity:read only, Only You activities are left out of the list and refused by id", async () => {
    const { partnerUserId, token } = await connect("read,activity:read");
    const [open, hidden] = await mock.api.addActivities("strava", partnerUserId, [activity(3), activity(2, { private: true })]);
    const list = (await mock.api.call("GET", "/strava/api/v3/athlete/activities", { token })).body;
    assert.deepEqual(
      list.map((a: { id: number }) => String(a.id)),
      [open.id],
    );
    assert.equal((await mock.api.call("GET", `/strava/api/v3/activities/${hidden.id}`, { token })).status, 404);
    assert.equal((await mock.api.call("GET", `/strava/api/v3/activities/${hidden.id}/streams`, { token })).status, 404);
    const write = await mock.api.call("PUT", `/strava/api/v3/activities/${open.id}`, { token, json: { name: "x" } });
    assert.equal(write.status, 401, "no activity:write");
    assert.deepEqual(write.body.errors[0], { resource: "AccessToken", field: "activity:write_permission", code: "missing" });
  });

  it("refuses unknown scopes, and scopes for partners that have none", async () => {
    assert.equal((await mock.api.call("POST", "/strava/_admin/users", { json: { scope: "read,activity:everything" } })).status, 400);
    assert.equal((await mock.api.call("POST", "/garmin/_admin/users", { json: { scope: "read" } })).status, 400);
  });

  it("reports title, type and privacy changes as update events, privacy only to a grant with activity:read_all", async () => {
    const all = await connect();
    const [a] = await mock.api.addActivities("strava", all.partnerUserId, [activity(4)]);
    const renamed = await eventsOf(() => patch(all.partnerUserId, a.id, { name: "Hill repeats", type: "ride" }));
    assert.deepEqual(
      renamed.map((e) => [e.aspect_type, e.object_id, e.updates]),
      [["update", Number(a.id), { title: "Hill repeats", type: "Ride" }]],
    );
    const hidden = await eventsOf(() => patch(all.partnerUserId, a.id, { private: true }));
    assert.deepEqual(
      hidden.map((e) => e.updates),
      [{ private: "true" }],
    );
    const retimed = await eventsOf(() =>
      patch(all.partnerUserId, a.id, { startTime: new Date(Date.parse(a.startTime) - 60_000).toISOString() }),
    );
    assert.deepEqual(retimed, [], "start times are not among the fields Strava reports");

    const some = await connect("read,activity:read,activity:write");
    const [b] = await mock.api.addActivities("strava", some.partnerUserId, [activity(4)]);
    assert.deepEqual(await eventsOf(() => patch(some.partnerUserId, b.id, { private: true })), [], "privacy needs activity:read_all");
    assert.deepEqual(
      await eventsOf(() => patch(some.partnerUserId, b.id, { name: "x" })),
      [],
      "an Only You activity is not the app's to see",
    );
  });

  it("reports a deletion as a delete event", async () => {
    const { partnerUserId, token } = await connect();
    const [a] = await mock.api.addActivities("strava", partnerUserId, [activity(4)]);
    const events = await eventsOf(() => mock.api.call("DELETE", `/strava/_admin/users/${partnerUserId}/activities/${a.id}`));
    assert.deepEqual(
      events.map((e) => [e.aspect_type, e.object_type, e.object_id, e.owner_id, e.updates]),
      [["delete", "activity", Number(a.id), Number(partnerUserId), {}]],
    );
    assert.equal((await mock.api.call("GET", `/strava/api/v3/activities/${a.id}`, { token })).status, 404);
  });

  it("updates only UpdatableActivity's fields: name and sport type change, privacy does not", async () => {
    const { partnerUserId, token } = await connect();
    const [a] = await mock.api.addActivities("strava", partnerUserId, [activity(4, { private: true })]);
    const events = await eventsOf(async () => {
      const reply = await mock.api.call("PUT", `/strava/api/v3/activities/${a.id}`, {
        token,
        json: { name: "Tempo", sport_type: "Ride", private: false, visibility: "everyone", hide_from_home: true },
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.name, "Tempo");
      assert.equal(reply.body.sport_type, "Ride");
      assert.equal(reply.body.private, true, "privacy is not updatable through the API");
    });
    assert.deepEqual(
      events.map((e) => e.updates),
      [{ title: "Tempo", type: "Ride" }],
    );
    assert.equal((await mock.api.call("PUT", "/strava/api/v3/activities/999", { token, json: { name: "x" } })).status, 404);
    assert.equal((await mock.api.call("PUT", `/strava/api/v3/activities/${a.id}`, { token, json: { sport_type: "Flying" } })).status, 400);
  });

  it("creates a manual activity without a file, placing start_date_local with its offset", async () => {
    const { partnerUserId, token } = await connect();
    const reply = await mock.api.call("POST", "/strava/api/v3/activities", {
      token,
      form: { name: "Gym", sport_type: "Workout", start_date_local: "2026-03-01T08:00:00+02:00", elapsed_time: "2700", trainer: "1" },
    });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.body.manual, true);
    assert.equal(reply.body.private, false, "the athlete's default visibility");
    assert.equal(reply.body.start_date, "2026-03-01T06:00:00Z");
    assert.equal(reply.body.start_date_local, "2026-03-01T08:00:00Z");
    assert.equal(reply.body.utc_offset, 7200);
    assert.equal(reply.body.elapsed_time, 2700);
    assert.equal(reply.body.external_id, null);
    const [held] = (await mock.api.call("GET", `/strava/_admin/users/${partnerUserId}/activities`)).body;
    assert.deepEqual([held.type, held.samples, held.endTime], ["workout", [], "2026-03-01T06:45:00.000Z"]);
    const bare = await mock.api.call("POST", "/strava/api/v3/activities", {
      token,
      json: { name: "Swim", type: "Swim", start_date_local: "2026-03-02T07:00:00Z", elapsed_time: 1800 },
    });
    assert.equal(bare.body.start_date, "2026-03-02T07:00:00Z", "a bare local time is the athlete's zone: UTC for mock athletes");
    const missing = await mock.api.call("POST", "/strava/api/v3/activities", { token, form: { name: "x", sport_type: "Run" } });
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.body.errors.map((e: { field: string }) => e.field),
      ["start_date_local", "elapsed_time"],
    );
  });

  it("refuses an upload without track points (a manual activity is created instead)", async () => {
    const { token } = await connect();
    const a = activity(6);
    const form = new FormData();
    form.set("data_type", "gpx");
    form.set("external_id", "syncwell-polar-empty");
    form.set("file", new Blob([toGpx({ name: "Empty", type: "run", startTime: a.startTime, endTime: a.endTime, samples: [] })]), "e.gpx");
    const created = await mock.api.call("POST", "/strava/api/v3/uploads", { token, body: form });
    assert.equal(created.status, 201);
    const done = await eventually(async () => {
      const status = await mock.api.call("GET", `/strava/api/v3/uploads/${created.body.id}`, { token });
      return status.body.error ? status.body : undefined;
    });
    assert.equal(done.activity_id, null);
  });
});
