import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ActivityType, toGpx } from "@syncwell/core";
import { activity, eventually, startHookReceiver, startTestMock } from "./helpers.ts";

const CLIENT = { client_id: "syncwell-strava", client_secret: "dev-strava-secret" };

describe("strava mock", () => {
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

  const connect = async () => {
    const user = await mock.api.newUser("strava");
    const token = await mock.api.call("POST", "/strava/oauth/token", {
      form: { ...CLIENT, code: user.authorizationCode, grant_type: "authorization_code" },
    });
    assert.equal(token.status, 200);
    return { ...user, token: token.body };
  };

  it("exchanges an authorization code once, Strava-style", async () => {
    const user = await mock.api.newUser("strava");
    const form = { ...CLIENT, code: user.authorizationCode, grant_type: "authorization_code" };
    const first = await mock.api.call("POST", "/strava/oauth/token", { form });
    assert.equal(first.status, 200);
    assert.equal(first.body.token_type, "Bearer");
    assert.equal(first.body.athlete.id, Number(user.partnerUserId));
    assert.ok(first.body.expires_in > 6 * 3600 - 60 && first.body.expires_in <= 6 * 3600, "6 h access tokens");
    const replay = await mock.api.call("POST", "/strava/oauth/token", { form });
    assert.equal(replay.status, 400);
    assert.deepEqual(replay.body.errors[0], { resource: "AuthorizationCode", field: "code", code: "invalid" });
    const badClient = await mock.api.call("POST", "/strava/oauth/token", { form: { ...form, client_secret: "nope" } });
    assert.equal(badClient.status, 401);
  });

  it("keeps a fresh access token on refresh and rotates once it is near expiry", async () => {
    const { token, partnerUserId } = await connect();
    const keep = await mock.api.call("POST", "/strava/oauth/token", {
      form: { ...CLIENT, grant_type: "refresh_token", refresh_token: token.refresh_token },
    });
    assert.equal(keep.body.access_token, token.access_token, "more than an hour left: same token");

    await mock.api.call("POST", `/strava/_admin/users/${partnerUserId}/expire-tokens`);
    const expired = await mock.api.call("GET", "/strava/api/v3/athlete", { token: token.access_token });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.message, "Authorization Error");

    const rotated = await mock.api.call("POST", "/strava/oauth/token", {
      form: { ...CLIENT, grant_type: "refresh_token", refresh_token: token.refresh_token },
    });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.access_token, token.access_token);
    assert.notEqual(rotated.body.refresh_token, token.refresh_token);
    const stale = await mock.api.call("POST", "/strava/oauth/token", {
      form: { ...CLIENT, grant_type: "refresh_token", refresh_token: token.refresh_token },
    });
    assert.equal(stale.status, 400, "a used refresh token is void");
    assert.equal((await mock.api.call("GET", "/strava/api/v3/athlete", { token: rotated.body.access_token })).status, 200);
  });

  it("lets exactly one of two concurrent refreshes with the same token win", async () => {
    const { token, partnerUserId } = await connect();
    await mock.api.call("POST", `/strava/_admin/users/${partnerUserId}/expire-tokens`);
    const form = { ...CLIENT, grant_type: "refresh_token", refresh_token: token.refresh_token };
    const replies = await Promise.all([1, 2, 3].map(() => mock.api.call("POST", "/strava/oauth/token", { form })));
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 400, 400]);
  });

  it("filters the activity list on start time, pages it, and runs oldest first with `after`", async () => {
    const { token, partnerUserId } = await connect();
    await mock.api.addActivities("strava", partnerUserId, [activity(50), activity(30), activity(20), activity(10)]);
    const afterTs = Math.floor((Date.now() - 40 * 3600_000) / 1000);
    const page1 = await mock.api.call("GET", `/strava/api/v3/athlete/activities?after=${afterTs}&per_page=2&page=1`, {
      token: token.access_token,
    });
    const page2 = await mock.api.call("GET", `/strava/api/v3/athlete/activities?after=${afterTs}&per_page=2&page=2`, {
      token: token.access_token,
    });
    assert.equal(page1.status, 200);
    assert.deepEqual(
      page1.body.map((a: any) => a.name),
      ["Run 30h ago", "Run 20h ago"],
    );
    assert.deepEqual(
      page2.body.map((a: any) => a.name),
      ["Run 10h ago"],
    );
    assert.equal(page1.body[0].sport_type, "Run");
    assert.match(page1.body[0].start_date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(page1.body[0].elapsed_time, 1800);
    const bad = await mock.api.call("GET", "/strava/api/v3/athlete/activities?per_page=500", { token: token.access_token });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, "Bad Request");
  });

  it("a late upload of an old activity is missed by a start-time window (why adapters need a lookback)", async () => {
    const { token, partnerUserId } = await connect();
    const before = Math.floor(Date.now() / 1000) - 60;
    await mock.api.addActivities("strava", partnerUserId, [activity(24 * 3)]);
    const since = await mock.api.call("GET", `/strava/api/v3/athlete/activities?after=${before}`, { token: token.access_token });
    assert.deepEqual(since.body, []);
    const lookback = await mock.api.call("GET", `/strava/api/v3/athlete/activities?after=${before - 7 * 86400}`, {
      token: token.access_token,
    });
    assert.equal(lookback.body.length, 1);
  });

  it("processes uploads asynchronously and reports a duplicate upload", async () => {
    const { token } = await connect();
    const a = activity(5);
    const gpx = toGpx({
      name: "Upload",
      type: "ride",
      startTime: a.startTime,
      endTime: a.endTime,
      externalId: "syncwell-garmin-1",
      samples: a.samples,
    });
    const upload = async () => {
      const form = new FormData();
      form.set("data_type", "gpx");
      form.set("external_id", "syncwell-garmin-1");
      form.set("file", new Blob([gpx], { type: "application/gpx+xml" }), "ride.gpx");
      return mock.api.call("POST", "/strava/api/v3/uploads", { token: token.access_token, body: form });
    };
    const created = await upload();
    assert.equal(created.status, 201);
    assert.equal(created.body.status, "Your activity is still being processed.");
    assert.equal(created.body.activity_id, null);
    const list = await mock.api.call("GET", "/strava/api/v3/athlete/activities", { token: token.access_token });
    assert.equal(list.body.length, 0, "not listable while processing");

    const ready = await eventually(async () => {
      const status = await mock.api.call("GET", `/strava/api/v3/uploads/${created.body.id}`, { token: token.access_token });
      return status.body.activity_id ? status.body : undefined;
    });
    assert.equal(ready.status, "Your activity is ready.");
    const listed = await mock.api.call("GET", "/strava/api/v3/athlete/activities", { token: token.access_token });
    assert.equal(listed.body[0].id, ready.activity_id);
    assert.equal(listed.body[0].external_id, "syncwell-garmin-1");

    const again = await upload();
    const duplicate = await eventually(async () => {
      const status = await mock.api.call("GET", `/strava/api/v3/uploads/${again.body.id}`, { token: token.access_token });
      return status.body.error ? status.body : undefined;
    });
    assert.equal(duplicate.error, `syncwell-garmin-1 duplicate of activity ${ready.activity_id}`);
    const streams = await mock.api.call(
      "GET",
      `/strava/api/v3/activities/${ready.activity_id}/streams?keys=heartrate,latlng&key_by_type=true`,
      { token: token.access_token },
    );
    assert.deepEqual(streams.body.heartrate.data, [110, 150]);
    assert.deepEqual(streams.body.latlng.data[1], [52.11, 4.31]);
  });

  it("reports only an identical upload as a duplicate and accepts a different overlapping activity", async () => {
    const { token } = await connect();
    const a = activity(9);
    const upload = async (externalId: string, times: { startTime: string; endTime: string }, type: ActivityType = "run") => {
      const form = new FormData();
      form.set("data_type", "gpx");
      form.set("external_id", externalId);
      const gpx = toGpx({ name: "Overlap", type, ...times, externalId, samples: a.samples });
      form.set("file", new Blob([gpx], { type: "application/gpx+xml" }), `${externalId}.gpx`);
      const created = await mock.api.call("POST", "/strava/api/v3/uploads", { token: token.access_token, body: form });
      assert.equal(created.status, 201, created.text);
      return eventually(async () => {
        const status = await mock.api.call("GET", `/strava/api/v3/uploads/${created.body.id}`, { token: token.access_token });
        return status.body.activity_id || status.body.error ? status.body : undefined;
      });
    };
    const shift = (ms: number, endMs = ms) => ({
      startTime: new Date(Date.parse(a.startTime) + ms).toISOString(),
      endTime: new Date(Date.parse(a.endTime) + endMs).toISOString(),
    });
    const first = await upload("syncwell-garmin-10", shift(0));
    assert.ok(first.activity_id);
    const identical = await upload("syncwell-polar-10", shift(0));
    assert.equal(identical.error, `syncwell-polar-10 duplicate of activity ${first.activity_id}`, "same start, elapsed time and type");
    const overlap30s = await upload("syncwell-garmin-11", shift(1770_000));
    assert.ok(overlap30s.activity_id, "a 30 s overlap is another activity");
    const sameStartLonger = await upload("syncwell-garmin-12", shift(0, 60_000));
    assert.ok(sameStartLonger.activity_id, "the same start with another elapsed time is another activity");
    const otherType = await upload("syncwell-garmin-13", shift(0), "ride");
    assert.ok(otherType.activity_id, "the same times with another type is another activity");
    const list = await mock.api.call("GET", "/strava/api/v3/athlete/activities", { token: token.access_token });
    assert.equal(list.body.length, 4);
  });

  it("rejects a malformed upload the Strava way", async () => {
    const { token } = await connect();
    const form = new FormData();
    form.set("data_type", "xls");
    form.set("file", new Blob(["x"]), "a.xls");
    const reply = await mock.api.call("POST", "/strava/api/v3/uploads", { token: token.access_token, body: form });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body.errors[0], { resource: "Upload", field: "data_type", code: "invalid" });
  });

  it("sends unsigned webhook events for new activities and deauthorisation", async () => {
    const { partnerUserId } = await connect();
    const before = hooks.received.length;
    const [stored] = await mock.api.addActivities("strava", partnerUserId, [activity(1)]);
    await mock.api.call("POST", `/strava/_admin/users/${partnerUserId}/revoke`);
    const events = (await hooks.waitFor(before + 2)).slice(before).map((h) => ({ path: h.url, event: JSON.parse(h.body) }));
    const create = events.find((e) => e.event.object_type === "activity");
    assert.equal(create?.path, "/webhooks/strava");
    assert.deepEqual(
      { ...create?.event, event_time: 0 },
      {
        aspect_type: "create",
        object_type: "activity",
        object_id: Number(stored.id),
        owner_id: Number(partnerUserId),
        updates: {},
        subscription_id: 1,
        event_time: 0,
      },
    );
    const deauth = events.find((e) => e.event.object_type === "athlete");
    assert.deepEqual(deauth?.event.updates, { authorized: "false" });
  });
});
