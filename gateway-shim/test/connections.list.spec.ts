import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GatewayHarness } from "./gatewayHarness.ts";

/** GET /v1/connections and GET /v1/sync-configs (SPEC §13): the caller's own, as the single GETs show them, never a token. */
describe("listing connections and sync configs", () => {
  const gw = new GatewayHarness();
  before(() => gw.start());
  after(() => gw.stop());

  it("lists the user's connections oldest first, each as GET /v1/connections/{id} shows it, with no token", async () => {
    const user = await gw.newUser();
    const other = await gw.newUser();
    const reply = await gw.call(user.userId, "GET", "/v1/connections");
    assert.equal(reply.status, 200);
    assert.match(reply.type, /^application\/json/);
    const items: { connectionId: string; createdAt: string }[] = reply.body.items;
    assert.deepEqual(items.map((c) => c.connectionId).sort(), [user.garmin, user.strava]);
    assert.ok(
      items.every((c, i) => i === 0 || (items[i - 1]?.createdAt ?? "") <= c.createdAt),
      "oldest first",
    );
    for (const item of reply.body.items) {
      assert.deepEqual(item, (await gw.call(user.userId, "GET", `/v1/connections/${item.connectionId}`)).body);
      assert.deepEqual(Object.keys(item).sort(), ["connectionId", "createdAt", "provider", "status"]);
    }
    assert.doesNotMatch(JSON.stringify(reply.body), /token|providerUserId/i);
    assert.ok(!JSON.stringify(reply.body).includes(other.strava), "another user's connections are not listed");
  });

  it("lists the user's sync configs, each as GET /v1/sync-configs/{id} shows it (polling state for a polled source)", async () => {
    const user = await gw.newUser();
    await gw.stack.store.putConnection({
      connectionId: `${user.userId}-polar`,
      userId: user.userId,
      provider: "polar",
      providerUserId: `polar-${user.userId}`,
      status: "active",
      createdAt: new Date().toISOString(),
      accessToken: "a",
      refreshToken: "r",
      tokenExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
      tokenVersion: 1,
    });
    const polled = await gw.call(user.userId, "POST", "/v1/sync-configs", {
      json: { sourceConnectionId: `${user.userId}-polar`, destinationConnectionId: user.garmin, dataType: "workouts" },
    });
    assert.equal(polled.status, 201, JSON.stringify(polled.body));
    const other = await gw.newUser();

    const reply = await gw.call(user.userId, "GET", "/v1/sync-configs");
    assert.equal(reply.status, 200);
    const ids = reply.body.items.map((c: { syncConfigId: string }) => c.syncConfigId);
    assert.deepEqual([...ids].sort(), [user.configId, polled.body.syncConfigId].sort());
    assert.ok(!ids.includes(other.configId), "another user's configs are not listed");
    for (const item of reply.body.items)
      assert.deepEqual(item, (await gw.call(user.userId, "GET", `/v1/sync-configs/${item.syncConfigId}`)).body);
    const polar = reply.body.items.find((c: { syncConfigId: string }) => c.syncConfigId === polled.body.syncConfigId);
    assert.equal(polar.polling.intervalSeconds, 900);
  });

  it("a user with nothing gets empty lists", async () => {
    for (const path of ["/v1/connections", "/v1/sync-configs"]) {
      const reply = await gw.call("u-nobody", "GET", path);
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { items: [] });
    }
  });

  it("a missing or bad token is a 401 problem", async () => {
    for (const path of ["/v1/connections", "/v1/sync-configs"]) {
      const reply = await gw.call("u-x", "GET", path, { headers: { authorization: "Bearer nope" } });
      assert.equal(reply.status, 401);
      assert.match(reply.type, /^application\/problem\+json/);
    }
  });
});
