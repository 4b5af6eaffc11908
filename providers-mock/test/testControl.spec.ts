import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { activity, startTestMock } from "./helpers.ts";

describe("providers-mock test-control API", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  before(async () => {
    mock = await startTestMock();
  });
  after(() => mock.close());

  const stravaToken = async () => {
    const user = await mock.api.newUser("strava");
    const token = await mock.api.call("POST", "/strava/oauth/token", {
      form: {
        client_id: "syncwell-strava",
        client_secret: "dev-strava-secret",
        code: user.authorizationCode,
        grant_type: "authorization_code",
      },
    });
    return { ...user, token: token.body.access_token as string };
  };

  it("stores normalised activities with assigned ids and lists them back", async () => {
    const user = await mock.api.newUser("garmin");
    const stored = await mock.api.addActivities("garmin", user.partnerUserId, [
      activity(2, { externalId: "syncwell-strava-1" }),
      activity(1, { id: "custom-1" }),
    ]);
    assert.equal(stored.length, 2);
    assert.match(stored[0].id, /^\d+$/);
    assert.equal(stored[1].id, "custom-1");
    const listed = await mock.api.call("GET", `/garmin/_admin/users/${user.partnerUserId}/activities`);
    assert.deepEqual(
      listed.body.map((a: any) => a.externalId),
      ["syncwell-strava-1", undefined],
    );
    assert.equal(listed.body[0].samples.length, 2);
  });

  it("answers bad input with RFC 9457 problem JSON and stores nothing", async () => {
    const user = await mock.api.newUser("strava");
    const cases: [string, string, unknown, number][] = [
      ["POST", `/strava/_admin/users/${user.partnerUserId}/activities`, [{ ...activity(1), type: "flying" }], 400],
      ["POST", `/strava/_admin/users/${user.partnerUserId}/activities`, [{ ...activity(1), endTime: "2000-01-01T00:00:00Z" }], 400],
      ["POST", `/strava/_admin/users/${user.partnerUserId}/activities`, [{ ...activity(1), surprise: true }], 400],
      ["POST", `/strava/_admin/users/${user.partnerUserId}/activities`, [], 400],
      ["POST", "/strava/_admin/users/999/activities", [activity(1)], 404],
      ["POST", "/fitbit/_admin/users", undefined, 404],
      ["POST", "/_admin/faults", { provider: "strava", operation: "list_metadata" }, 400],
      ["POST", "/_admin/faults", { provider: "strava", operation: "teleport", status: 500 }, 400],
      ["POST", "/_admin/rate-limits", { provider: "strava", limits: { "bogus:1min": 1 } }, 400],
    ];
    for (const [method, path, json, status] of cases) {
      const reply = await mock.api.call(method, path, json === undefined ? {} : { json });
      assert.equal(reply.status, status, `${method} ${path} ${JSON.stringify(json)}`);
      assert.match(reply.headers.get("content-type") ?? "", /application\/problem\+json/, `${method} ${path}`);
      assert.deepEqual(Object.keys(reply.body).sort().slice(0, 4), ["detail", "status", "title", "type"]);
    }
    const malformed = await mock.api.call("POST", `/strava/_admin/users/${user.partnerUserId}/activities`, {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(malformed.status, 400);
    assert.equal((await mock.api.call("GET", `/strava/_admin/users/${user.partnerUserId}/activities`)).body.length, 0);
  });

  it("injects a fault a number of times, then lets calls through", async () => {
    const { token } = await stravaToken();
    const fault = await mock.api.call("POST", "/_admin/faults", {
      json: { provider: "strava", operation: "list_metadata", status: 503, times: 2 },
    });
    assert.equal(fault.status, 201);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await mock.api.call("GET", "/strava/api/v3/athlete/activities", { token })).status);
    assert.deepEqual(statuses, [503, 503, 200]);
  });

  it("injects latency and answers an injected 429 the partner's way", async () => {
    const { token } = await stravaToken();
    await mock.api.call("POST", "/_admin/faults", {
      json: { provider: "strava", operation: "get_payload", status: 429, latencyMs: 150, times: 1 },
    });
    const started = performance.now();
    const reply = await mock.api.call("GET", "/strava/api/v3/activities/1", { token });
    assert.ok(performance.now() - started >= 140);
    assert.equal(reply.status, 429);
    assert.equal(reply.body.message, "Rate Limit Exceeded");
    assert.ok(reply.headers.get("retry-after"));
    await mock.api.call("DELETE", "/_admin/faults");
    assert.deepEqual((await mock.api.call("GET", "/_admin/faults")).body, []);
  });

  it("counts calls and response bytes per provider and operation", async () => {
    const { token, partnerUserId } = await stravaToken();
    await mock.api.addActivities("strava", partnerUserId, [activity(1)]);
    await mock.api.call("POST", "/_admin/stats/reset");
    const list = await mock.api.call("GET", "/strava/api/v3/athlete/activities", { token });
    await mock.api.call("GET", "/strava/api/v3/athlete/activities", { token });
    const stats = (await mock.api.call("GET", "/_admin/stats")).body;
    assert.deepEqual(stats, { strava: { list_metadata: { calls: 2, bytes: 2 * Buffer.byteLength(list.text) } } });
  });

  it("answers Strava's 429 with its headers once the 15-minute read limit is used up, uploads still counting overall", async () => {
    const { token } = await stravaToken();
    await mock.api.call("DELETE", "/_admin/rate-limits");
    await mock.api.call("POST", "/_admin/rate-limits", { json: { provider: "strava", limits: { "read:15min": 2 } } });
    try {
      const first = await mock.api.call("GET", "/strava/api/v3/athlete", { token });
      assert.equal(first.headers.get("x-ratelimit-limit"), "200,2000");
      assert.equal(first.headers.get("x-ratelimit-usage"), "1,1");
      assert.equal(first.headers.get("x-readratelimit-limit"), "2,1000");
      assert.equal(first.headers.get("x-readratelimit-usage"), "1,1");
      await mock.api.call("GET", "/strava/api/v3/athlete", { token });
      const limited = await mock.api.call("GET", "/strava/api/v3/athlete", { token });
      assert.equal(limited.status, 429);
      assert.deepEqual(limited.body, {
        message: "Rate Limit Exceeded",
        errors: [{ resource: "Application", field: "rate limit", code: "exceeded" }],
      });
      assert.equal(limited.headers.get("x-readratelimit-usage"), "3,3", "a rejected request still counts");
      const form = new FormData();
      form.set("data_type", "gpx");
      form.set("file", new Blob(["<gpx/>"]), "x.gpx");
      const upload = await mock.api.call("POST", "/strava/api/v3/uploads", { token, body: form });
      assert.equal(upload.status, 201, "uploads are outside the read limit");
      assert.equal(upload.headers.get("x-ratelimit-usage"), "4,4");
    } finally {
      await mock.api.call("DELETE", "/_admin/rate-limits");
    }
  });
});
