import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ActivityType, toGpx } from "@syncwell/core";
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
      new Blob([
        toGpx({ name: a.name, type: a.type as ActivityType, startTime: a.startTime, endTime: a.endTime, externalId, samples: a.samples }),
      ]),
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

  it("answers 409 code 202 for an identical upload: the same external id, or the same start, end and type", async () => {
    const { token, partnerUserId } = await connect();
    const a = activity(3);
    const first = await uploadGpx(token, a, "syncwell-strava-77");
    assert.equal(first.status, 201);
    const internalId = first.body.detailedImportResult.successes[0].internalId;
    const duplicate = await uploadGpx(token, a, "syncwell-strava-77");
    assert.equal(duplicate.status, 409);
    assert.deepEqual(duplicate.body.detailedImportResult.failures[0].messages[0], { code: 202, content: "Duplicate Activity." });
    assert.equal(duplicate.body.detailedImportResult.failures[0].internalId, internalId);
    const sameFileOtherId = await uploadGpx(token, a, "syncwell-polar-5");
    assert.equal(sameFileOtherId.status, 409, "the same start, end and type is the same activity");
    assert.equal(sameFileOtherId.body.detailedImportResult.failures[0].messages[0].code, 202);
    const moved = { ...a, startTime: new Date(Date.parse(a.startTime) + 3600_000).toISOString() };
    const sameIdEdited = await uploadGpx(
      token,
      { ...moved, endTime: new Date(Date.parse(moved.startTime) + 60_000).toISOString() },
      "syncwell-strava-77",
    );
    assert.equal(sameIdEdited.status, 409, "the same external id is the same activity");
    const stored = await mock.api.call("GET", `/garmin/_admin/users/${partnerUserId}/activities`);
    assert.deepEqual(
      stored.body.map((s: { externalId: string }) => s.externalId),
      ["syncwell-strava-77"],
    );
  });

  it("accepts a different activity that overlaps an existing one: the engine, not Garmin, decides conflicts", async () => {
    const { token, partnerUserId } = await connect();
    const a = activity(6);
    assert.equal((await uploadGpx(token, a, "syncwell-strava-80")).status, 201);
    const shift = (ms: number, extra: Partial<ReturnType<typeof activity>> = {}) => ({
      ...a,
      startTime: new Date(Date.parse(a.startTime) + ms).toISOString(),
      endTime: new Date(Date.parse(a.endTime) + ms).toISOString(),
      ...extra,
    });
    const by30s = await uploadGpx(token, shift(1770_000), "syncwell-strava-81");
    assert.equal(by30s.status, 201, "a 30 s overlap is another activity");
    const by10min = await uploadGpx(token, shift(600_000), "syncwell-strava-82");
    assert.equal(by10min.status, 201, "a 20 min overlap is another activity too");
    const sameStartLonger = await uploadGpx(token, { ...a, endTime: new Date(Date.parse(a.endTime) + 60_000).toISOString() }, undefined);
    assert.equal(sameStartLonger.status, 201, "the same start with another end is not identical");
    const otherType = await uploadGpx(token, { ...a, type: "ride" }, undefined);
    assert.equal(otherType.status, 201, "the same times with another type is not identical");
    const ids = [by30s, by10min, sameStartLonger, otherType].map((r) => r.body.detailedImportResult.successes[0].internalId);
    assert.equal(new Set(ids).size, 4, "each got its own id");
    assert.equal((await mock.api.call("GET", `/garmin/_admin/users/${partnerUserId}/activities`)).body.length, 5);
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

  it("updates type and privacy the Garmin Connect way (activityTypeDTO, accessControlRuleDTO)", async () => {
    const { token, partnerUserId } = await connect();
    const [stored] = await mock.api.addActivities("garmin", partnerUserId, [activity(4)]);
    const update = await mock.api.call("PUT", `/garmin/activity-service/activity/${stored.id}`, {
      token,
      json: { activityId: Number(stored.id), activityTypeDTO: { typeKey: "hiking" }, accessControlRuleDTO: { typeKey: "private" } },
    });
    assert.equal(update.status, 204, update.text);
    const [held] = (await mock.api.call("GET", `/garmin/_admin/users/${partnerUserId}/activities`)).body;
    assert.deepEqual([held.type, held.private, held.name], ["hike", true, stored.name]);
    await mock.api.call("PUT", `/garmin/activity-service/activity/${stored.id}`, {
      token,
      json: { accessControlRuleDTO: { typeKey: "subscribers" } },
    });
    assert.equal(
      (await mock.api.call("GET", `/garmin/_admin/users/${partnerUserId}/activities`)).body[0].private,
      false,
      "connections may see it",
    );
    for (const json of [{ accessControlRuleDTO: { typeKey: "secret" } }, { activityTypeDTO: { typeKey: "flying" } }]) {
      const bad = await mock.api.call("PUT", `/garmin/activity-service/activity/${stored.id}`, { token, json });
      assert.equal(bad.status, 400, JSON.stringify(json));
    }
    assert.equal((await mock.api.call("PUT", "/garmin/activity-service/activity/1", { token, json: { activityName: "x" } })).status, 404);
  });

  it("takes an upload without track points (a FIT activity needs a session, not records) and lists it as manual", async () => {
    const { token, partnerUserId } = await connect();
    const a = activity(3);
    const form = new FormData();
    const gpx = toGpx({
      name: "Yoga",
      type: "workout",
      startTime: a.startTime,
      endTime: a.endTime,
      externalId: "syncwell-strava-m1",
      samples: [],
    });
    form.set("file", new Blob([gpx], { type: "application/gpx+xml" }), "m1.gpx");
    const reply = await mock.api.call("POST", "/garmin/upload-service/upload", { token, body: form });
    assert.equal(reply.status, 201, reply.text);
    const from = Math.floor(Date.now() / 1000) - 60;
    const listed = await mock.api.call(
      "GET",
      `/garmin/wellness-api/rest/activities?uploadStartTimeInSeconds=${from}&uploadEndTimeInSeconds=${from + 120}`,
      { token },
    );
    assert.deepEqual(
      listed.body.map((s: { manual: boolean; deviceName: string; durationInSeconds: number }) => [
        s.manual,
        s.deviceName,
        s.durationInSeconds,
      ]),
      [[true, "unknown", 1800]],
    );
    assert.equal((await mock.api.call("GET", `/garmin/_admin/users/${partnerUserId}/activities`)).body[0].samples.length, 0);
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
