import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { toGpx } from "@syncwell/core";
import { activity, startHookReceiver, startTestMock } from "./helpers.ts";

describe("garmin mock", () => {
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
    const user = await mock.api.newUser("garmin");
    const token = await mock.api.call("POST", "/garmin/di-oauth2-service/oauth/token", {
      form: {
        grant_type: "authorization_code",
        code: user.authorizationCode,
        client_id: "syncwell-garmin",
        client_secret: "dev-garmin-secret",
      },
    });
    assert.equal(token.status, 200);
    // Seconds until expiry, computed at answer time: a second may tick over since the token was made.
    assert.ok(token.body.expires_in === 86400 || token.body.expires_in === 86399, String(token.body.expires_in));
    return { ...user, token: token.body.access_token as string };
  };

  const uploadGpx = (token: string, a: ReturnType<typeof activity>, externalId?: string) => {
    const form = new FormData();
    form.set(
      "file",
      new Blob([toGpx({ name: a.name, type: "run", startTime: a.startTime, endTime: a.endTime, externalId, samples: a.samples })]),
      "a.gpx",
    );
    return mock.api.call("POST", "/garmin/upload-service/upload", { token, body: form });
  };

  it("pings with a callbackURL on its own host, authenticated by the client id, and the callback pulls by upload time", async () => {
    const { partnerUserId, token } = await connect();
    const before = hooks.received.length;
    await mock.api.addActivities("garmin", partnerUserId, [activity(30, { utcOffsetSeconds: 3600 })]);
    const [ping] = (await hooks.waitFor(before + 1)).slice(before);
    assert.equal(ping?.headers["garmin-client-id"], "syncwell-garmin");
    const entry = JSON.parse(ping?.body ?? "").activities[0];
    assert.equal(entry.userId, partnerUserId);
    assert.ok(
      entry.callbackURL.startsWith(
        `${mock.url}/garmin/wellness-api/rest/activities?uploadStartTimeInSeconds=${entry.uploadStartTimeInSeconds}`,
      ),
    );
    const pulled = await mock.api.call("GET", new URL(entry.callbackURL).pathname + new URL(entry.callbackURL).search, { token });
    assert.equal(pulled.status, 200);
    assert.equal(pulled.body.length, 1, "an activity started 30 h ago is found by its upload time");
    assert.equal(pulled.body[0].activityType, "RUNNING");
    assert.equal(pulled.body[0].startTimeOffsetInSeconds, 3600);
    assert.equal(pulled.body[0].durationInSeconds, 1800);
  });

  it("refuses pull ranges over 24 h or malformed ones", async () => {
    const { token } = await connect();
    const now = Math.floor(Date.now() / 1000);
    const tooLong = await mock.api.call(
      "GET",
      `/garmin/wellness-api/rest/activities?uploadStartTimeInSeconds=${now - 90000}&uploadEndTimeInSeconds=${now}`,
      { token },
    );
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.errorMessage, /86400/);
    const missing = await mock.api.call("GET", "/garmin/wellness-api/rest/activities?uploadStartTimeInSeconds=abc", { token });
    assert.equal(missing.status, 400);
  });

  it("accepts an upload, then answers 409 for its duplicate and for an overlapping activity", async () => {
    const { token, partnerUserId } = await connect();
    const a = activity(3);
    const first = await uploadGpx(token, a, "syncwell-strava-77");
    assert.equal(first.status, 201);
    const internalId = first.body.detailedImportResult.successes[0].internalId;
    const duplicate = await uploadGpx(token, a, "syncwell-strava-77");
    assert.equal(duplicate.status, 409);
    assert.deepEqual(duplicate.body.detailedImportResult.failures[0].messages[0], { code: 202, content: "Duplicate Activity." });
    assert.equal(duplicate.body.detailedImportResult.failures[0].internalId, internalId);
    const shifted = {
      ...a,
      startTime: new Date(Date.parse(a.startTime) + 600_000).toISOString(),
      endTime: new Date(Date.parse(a.endTime) + 600_000).toISOString(),
    };
    const overlap = await uploadGpx(token, shifted, "syncwell-strava-78");
    assert.equal(overlap.status, 409);
    assert.equal(overlap.body.detailedImportResult.failures[0].messages[0].code, 203);
    const stored = await mock.api.call("GET", `/garmin/_admin/users/${partnerUserId}/activities`);
    assert.equal(stored.body.length, 1);
    assert.equal(stored.body[0].externalId, "syncwell-strava-77");
  });

  it("serialises concurrent uploads of one file into one activity", async () => {
    const { token, partnerUserId } = await connect();
    const a = activity(2);
    const replies = await Promise.all([1, 2, 3, 4].map(() => uploadGpx(token, a, "syncwell-strava-99")));
    assert.deepEqual(replies.map((r) => r.status).sort(), [201, 409, 409, 409]);
    assert.equal((await mock.api.call("GET", `/garmin/_admin/users/${partnerUserId}/activities`)).body.length, 1);
  });

  it("serves an activity file by id and updates an activity", async () => {
    const { token, partnerUserId } = await connect();
    const [stored] = await mock.api.addActivities("garmin", partnerUserId, [activity(4)]);
    const file = await mock.api.call("GET", `/garmin/wellness-api/rest/activityFile?id=${stored.id}`, { token });
    assert.equal(file.status, 200);
    assert.match(file.headers.get("content-type") ?? "", /gpx/);
    assert.match(file.text, /<gpxtpx:hr>150<\/gpxtpx:hr>/);
    const update = await mock.api.call("PUT", `/garmin/activity-service/activity/${stored.id}`, {
      token,
      json: { activityName: "Renamed", activityType: "CYCLING" },
    });
    assert.equal(update.status, 204);
    const [after] = (await mock.api.call("GET", `/garmin/_admin/users/${partnerUserId}/activities`)).body;
    assert.equal(after.name, "Renamed");
    assert.equal(after.type, "ride");
    const bad = await mock.api.call("PUT", `/garmin/activity-service/activity/${stored.id}`, { token, json: { activityType: "FLYING" } });
    assert.equal(bad.status, 400);
  });

  it("rejects a bad token with 401 and the token endpoint's OAuth errors", async () => {
    assert.equal((await mock.api.call("GET", "/garmin/wellness-api/rest/user/id", { token: "nope" })).status, 401);
    const badGrant = await mock.api.call("POST", "/garmin/di-oauth2-service/oauth/token", {
      form: { grant_type: "authorization_code", code: "nope", client_id: "syncwell-garmin", client_secret: "dev-garmin-secret" },
    });
    assert.equal(badGrant.status, 400);
    assert.equal(badGrant.body.error, "invalid_grant");
  });
});
