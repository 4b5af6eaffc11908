import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { activity, startTestMock } from "./helpers.ts";

const basic = `Basic ${Buffer.from("syncwell-polar:dev-polar-secret").toString("base64")}`;

describe("polar mock", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  before(async () => {
    mock = await startTestMock({ POLAR_RATE_LIMIT_15MIN: "1000" });
  });
  after(() => mock.close());

  const connect = async () => {
    const user = await mock.api.newUser("polar");
    const token = await mock.api.call("POST", "/polar/v2/oauth2/token", {
      headers: { authorization: basic },
      form: { grant_type: "authorization_code", code: user.authorizationCode },
    });
    assert.equal(token.status, 200);
    assert.equal(token.body.x_user_id, Number(user.partnerUserId));
    return { ...user, token: token.body.access_token as string };
  };

  it("runs pull notifications and a transaction: create → list → get → commit, then 204", async () => {
    const { partnerUserId: uid, token } = await connect();
    const notifications = async () =>
      (await mock.api.call("GET", "/polar/v3/notifications", { headers: { authorization: basic } })).body?.["available-user-data"] ?? [];
    assert.equal((await notifications()).filter((n: any) => n["user-id"] === Number(uid)).length, 0);
    assert.equal((await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token })).status, 204, "nothing new: 204");

    await mock.api.addActivities("polar", uid, [activity(6), activity(3, { type: "ride" })]);
    const mine = (await notifications()).filter((n: any) => n["user-id"] === Number(uid));
    assert.deepEqual(mine, [
      { "user-id": Number(uid), "data-type": "EXERCISE", url: `${mock.url}/polar/v3/users/${uid}/exercise-transactions` },
    ]);

    const created = await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token });
    assert.equal(created.status, 201);
    const tx = created.body["transaction-id"];
    const listed = await mock.api.call("GET", `/polar/v3/users/${uid}/exercise-transactions/${tx}`, { token });
    assert.equal(listed.body.exercises.length, 2);
    const exercisePath = new URL(listed.body.exercises[1]).pathname;
    const exercise = await mock.api.call("GET", exercisePath, { token });
    assert.equal(exercise.body.sport, "CYCLING");
    assert.equal(exercise.body.duration, "PT0H30M0S");
    assert.equal(exercise.body["heart-rate"].maximum, 150);
    const gpx = await mock.api.call("GET", `${exercisePath}/gpx`, { token });
    assert.match(gpx.text, /<gpx /);

    assert.equal((await mock.api.call("PUT", `/polar/v3/users/${uid}/exercise-transactions/${tx}`, { token })).status, 200);
    assert.equal(
      (await mock.api.call("GET", `/polar/v3/users/${uid}/exercise-transactions/${tx}`, { token })).status,
      404,
      "a committed transaction is gone",
    );
    assert.equal(
      (await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token })).status,
      204,
      "delivered data is not offered again",
    );
    assert.equal((await notifications()).filter((n: any) => n["user-id"] === Number(uid)).length, 0);
  });

  it("hands back the open transaction until it is committed, so a retried reader sees the same data", async () => {
    const { partnerUserId: uid, token } = await connect();
    await mock.api.addActivities("polar", uid, [activity(2)]);
    const first = await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token });
    assert.equal(first.status, 201);
    const again = await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token });
    assert.equal(again.status, 201);
    assert.equal(again.body["transaction-id"], first.body["transaction-id"]);
  });

  it("refuses another user's transactions and bad client credentials", async () => {
    const a = await connect();
    const b = await connect();
    const foreign = await mock.api.call("POST", `/polar/v3/users/${b.partnerUserId}/exercise-transactions`, { token: a.token });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.errorType, "forbidden");
    const badClient = await mock.api.call("GET", "/polar/v3/notifications", { headers: { authorization: "Basic eDp5" } });
    assert.equal(badClient.status, 401);
  });

  it("reports RateLimit headers and answers 429 past the limit", async () => {
    const { partnerUserId: uid, token } = await connect();
    await mock.api.call("POST", "/_admin/rate-limits", { json: { provider: "polar", limits: { "app:15min": 2 } } });
    try {
      const first = await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token });
      assert.ok(first.headers.get("ratelimit-limit"));
      assert.ok(Number(first.headers.get("ratelimit-reset")) <= 900);
      await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token });
      const limited = await mock.api.call("POST", `/polar/v3/users/${uid}/exercise-transactions`, { token });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.errorType, "too_many_requests");
      assert.ok(Number(limited.headers.get("retry-after")) > 0);
    } finally {
      await mock.api.call("DELETE", "/_admin/rate-limits");
    }
  });
});
