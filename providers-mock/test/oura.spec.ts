import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ouraSignature } from "../src/providers/oura.ts";
import { activity, startHookReceiver, startTestMock } from "./helpers.ts";

describe("oura mock", () => {
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
    const user = await mock.api.newUser("oura");
    const token = await mock.api.call("POST", "/oura/oauth/token", {
      form: {
        grant_type: "authorization_code",
        code: user.authorizationCode,
        client_id: "syncwell-oura",
        client_secret: "dev-oura-secret",
      },
    });
    assert.equal(token.status, 200);
    return { ...user, token: token.body.access_token as string, refresh: token.body.refresh_token as string };
  };

  it("signs webhook events with HMAC-SHA256 over timestamp + body", async () => {
    const { partnerUserId } = await connect();
    const before = hooks.received.length;
    const [stored] = await mock.api.addActivities("oura", partnerUserId, [activity(1)]);
    const [hook] = (await hooks.waitFor(before + 1)).slice(before);
    const timestamp = String(hook?.headers["x-oura-timestamp"]);
    assert.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60);
    assert.equal(hook?.headers["x-oura-signature"], ouraSignature("dev-oura-secret", timestamp, hook?.body ?? ""));
    assert.notEqual(hook?.headers["x-oura-signature"], ouraSignature("other-secret", timestamp, hook?.body ?? ""));
    const event = JSON.parse(hook?.body ?? "");
    assert.deepEqual(
      { ...event, event_time: "x" },
      { event_type: "create", data_type: "workout", object_id: stored.id, event_time: "x", user_id: partnerUserId },
    );
  });

  it("pages workouts with next_token and filters them by day", async () => {
    const { partnerUserId, token } = await connect();
    const base = Date.parse("2026-03-10T08:00:00Z");
    const many = Array.from({ length: 55 }, (_, i) => ({
      startTime: new Date(base + i * 3600_000).toISOString(),
      endTime: new Date(base + i * 3600_000 + 1800_000).toISOString(),
      type: "walk",
      name: `Walk ${i}`,
    }));
    await mock.api.addActivities("oura", partnerUserId, many);
    const first = await mock.api.call("GET", "/oura/v2/usercollection/workout?start_date=2026-03-10&end_date=2026-03-12", { token });
    assert.equal(first.body.data.length, 50);
    assert.equal(first.body.data[0].activity, "walking");
    assert.ok(first.body.next_token);
    const second = await mock.api.call(
      "GET",
      `/oura/v2/usercollection/workout?start_date=2026-03-10&end_date=2026-03-12&next_token=${first.body.next_token}`,
      { token },
    );
    assert.equal(second.body.data.length, 5);
    assert.equal(second.body.next_token, null);
    const oneDay = await mock.api.call("GET", "/oura/v2/usercollection/workout?start_date=2026-03-10&end_date=2026-03-10", { token });
    assert.equal(oneDay.body.data.length, 16, "08:00 to 23:00 on the 10th");
    const bad = await mock.api.call("GET", "/oura/v2/usercollection/workout?start_date=10-03-2026", { token });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.detail);
  });

  it("serves the heart-rate series of a workout window", async () => {
    const { partnerUserId, token } = await connect();
    const a = activity(8);
    await mock.api.addActivities("oura", partnerUserId, [a]);
    const hr = await mock.api.call("GET", `/oura/v2/usercollection/heartrate?start_datetime=${a.startTime}&end_datetime=${a.endTime}`, {
      token,
    });
    assert.deepEqual(
      hr.body.data.map((p: any) => p.bpm),
      [110, 150],
    );
  });

  it("uses single-use refresh tokens", async () => {
    const { refresh } = await connect();
    const form = { grant_type: "refresh_token", refresh_token: refresh, client_id: "syncwell-oura", client_secret: "dev-oura-secret" };
    assert.equal((await mock.api.call("POST", "/oura/oauth/token", { form })).status, 200);
    const again = await mock.api.call("POST", "/oura/oauth/token", { form });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, "invalid_grant");
  });
});
