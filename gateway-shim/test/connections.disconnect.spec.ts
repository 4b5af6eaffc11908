import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Provider } from "@syncwell/core";
import { PartnerGatewayHarness } from "./partnerGatewayHarness.ts";

/** DELETE /v1/connections/{id} (SPEC §13): tokens deleted, access revoked at the partner, its sync configs disabled. */
describe("disconnecting a connection", () => {
  const gw = new PartnerGatewayHarness();
  before(() => gw.start());
  after(() => gw.stop());

  const newUserId = () => `u-${randomBytes(4).toString("hex")}`;
  const configure = async (userId: string, source: string, destination: string) => {
    const reply = await gw.call(userId, "POST", "/v1/sync-configs", {
      sourceConnectionId: source,
      destinationConnectionId: destination,
      dataType: "workouts",
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body.syncConfigId as string;
  };
  const enabled = async (userId: string, configId: string) => (await gw.call(userId, "GET", `/v1/sync-configs/${configId}`)).body.enabled;

  for (const provider of ["strava", "garmin", "polar", "oura"] as Provider[]) {
    it(`${provider}: revokes SyncWell's access with the partner's own call, deletes the tokens and shows the connection revoked`, async () => {
      const userId = newUserId();
      const { connectionId } = await gw.connect(userId, provider);
      const before = await gw.stack.store.getConnection(userId, connectionId);
      assert.ok(before?.accessToken);
      await gw.mock.api.call("POST", "/_admin/stats/reset");

      const reply = await gw.call(userId, "DELETE", `/v1/connections/${connectionId}`);
      assert.equal(reply.status, 204);
      assert.equal(reply.body, undefined);
      assert.equal(await gw.partnerCalls(provider, "oauth_token"), 1, "one revoke call, no refresh");
      assert.equal(await gw.adapters.oauth(provider).verifyAccess(before), "revoked", "the partner no longer honours the token");
      const after = await gw.stack.store.getConnection(userId, connectionId);
      assert.equal(after?.status, "revoked");
      assert.equal(after?.accessToken, "", "the access token is deleted");
      assert.equal(after?.refreshToken, "", "the refresh token is deleted");
      const read = await gw.call(userId, "GET", `/v1/connections/${connectionId}`);
      assert.deepEqual(read.body, { connectionId, provider, status: "revoked", createdAt: before.createdAt });
    });
  }

  it("disables every sync config that reads from or writes to it, and no other", async () => {
    const userId = newUserId();
    const [strava, garmin, polar] = [
      await gw.connect(userId, "strava"),
      await gw.connect(userId, "garmin"),
      await gw.connect(userId, "polar"),
    ];
    const toGarmin = await configure(userId, strava.connectionId, garmin.connectionId);
    const polarToGarmin = await configure(userId, polar.connectionId, garmin.connectionId);
    const polarToStrava = await configure(userId, polar.connectionId, strava.connectionId);

    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${garmin.connectionId}`)).status, 204);
    assert.equal(await enabled(userId, toGarmin), false, "garmin as destination");
    assert.equal(await enabled(userId, polarToGarmin), false);
    assert.equal(await enabled(userId, polarToStrava), true, "a config without the connection is untouched");
    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${strava.connectionId}`)).status, 204);
    assert.equal(await enabled(userId, polarToStrava), false, "strava as destination");
  });

  it("is idempotent: deleting again answers 204 and calls no partner", async () => {
    const userId = newUserId();
    const { connectionId } = await gw.connect(userId, "strava");
    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${connectionId}`)).status, 204);
    await gw.mock.api.call("POST", "/_admin/stats/reset");
    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${connectionId}`)).status, 204);
    assert.equal(await gw.partnerCalls("strava", "oauth_token"), 0);
    assert.equal((await gw.stack.store.getConnection(userId, connectionId))?.status, "revoked");
  });

  it("another user's connection, an unknown id or an impossible one is a 404 problem, and nothing changes", async () => {
    const owner = newUserId();
    const { connectionId } = await gw.connect(owner, "strava");
    const configId = await configure(owner, connectionId, (await gw.connect(owner, "garmin")).connectionId);
    for (const [userId, id] of [
      [newUserId(), connectionId],
      [owner, "no-such-connection"],
      [owner, "x".repeat(300)],
      [owner, "bad%20id"],
    ] as const) {
      const reply = await gw.call(userId, "DELETE", `/v1/connections/${id}`);
      assert.equal(reply.status, 404, `${userId} ${id}`);
      assert.match(reply.type, /^application\/problem\+json/);
      assert.equal(reply.body.status, 404);
    }
    const still = await gw.stack.store.getConnection(owner, connectionId);
    assert.equal(still?.status, "active");
    assert.equal(await gw.adapters.oauth("strava").verifyAccess(still as never), "authorized");
    assert.equal(await enabled(owner, configId), true);
  });

  it("an access token the partner let expire is refreshed first, then revoked with the grant", async () => {
    const userId = newUserId();
    const { connectionId, partnerUserId } = await gw.connect(userId, "strava");
    await gw.mock.api.call("POST", `/strava/_admin/users/${partnerUserId}/expire-tokens`);
    const before = await gw.stack.store.getConnection(userId, connectionId);
    await gw.mock.api.call("POST", "/_admin/stats/reset");
    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${connectionId}`)).status, 204);
    assert.equal(await gw.partnerCalls("strava", "oauth_token"), 3, "refused revoke, refresh, revoke");
    await assert.rejects(gw.adapters.oauth("strava").refresh(before?.refreshToken ?? ""), "no token of the grant works any more");
    assert.equal((await gw.stack.store.getConnection(userId, connectionId))?.status, "revoked");
  });

  it("access the user already withdrew at the partner: the tokens are deleted all the same", async () => {
    const userId = newUserId();
    const { connectionId, partnerUserId } = await gw.connect(userId, "garmin");
    await gw.mock.api.call("POST", `/garmin/_admin/users/${partnerUserId}/revoke`);
    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${connectionId}`)).status, 204);
    const after = await gw.stack.store.getConnection(userId, connectionId);
    assert.equal(after?.status, "revoked");
    assert.equal(after?.accessToken, "");
  });

  it("a partner that does not answer: 503, the syncs are stopped, the tokens kept until a retry revokes them", async () => {
    const userId = newUserId();
    const strava = await gw.connect(userId, "strava");
    const configId = await configure(userId, strava.connectionId, (await gw.connect(userId, "garmin")).connectionId);
    await gw.mock.api.call("POST", "/_admin/faults", { json: { provider: "strava", operation: "oauth_token", status: 503, times: 1 } });

    const failed = await gw.call(userId, "DELETE", `/v1/connections/${strava.connectionId}`);
    assert.equal(failed.status, 503);
    assert.match(failed.type, /^application\/problem\+json/);
    assert.match(failed.body.detail, /try again/);
    assert.equal(await enabled(userId, configId), false, "nothing syncs through it meanwhile");
    const kept = await gw.stack.store.getConnection(userId, strava.connectionId);
    assert.equal(kept?.status, "active");
    assert.equal(await gw.adapters.oauth("strava").verifyAccess(kept as never), "authorized");

    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${strava.connectionId}`)).status, 204);
    assert.equal(await gw.adapters.oauth("strava").verifyAccess(kept as never), "revoked");
    assert.equal((await gw.stack.store.getConnection(userId, strava.connectionId))?.accessToken, "");
  });

  it("a disconnected connection takes no new or re-enabled config until the account is connected again, as the same connection", async () => {
    const userId = newUserId();
    const strava = await gw.connect(userId, "strava");
    const garmin = await gw.connect(userId, "garmin");
    const configId = await configure(userId, strava.connectionId, garmin.connectionId);
    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${strava.connectionId}`)).status, 204);

    const created = await gw.call(userId, "POST", "/v1/sync-configs", {
      sourceConnectionId: strava.connectionId,
      destinationConnectionId: garmin.connectionId,
      dataType: "workouts",
    });
    assert.equal(created.status, 422);
    assert.equal(created.body.field, "sourceConnectionId");
    const enabling = await gw.call(userId, "PATCH", `/v1/sync-configs/${configId}`, { enabled: true });
    assert.equal(enabling.status, 422);
    assert.match(enabling.body.detail, /disconnected/);

    // The same Strava athlete authorises SyncWell again: the same connection, active, with new tokens.
    const code = await gw.mock.api.call("POST", `/strava/_admin/users/${strava.partnerUserId}/authorization-codes`);
    assert.equal(code.status, 201);
    const again = await gw.call(userId, "POST", "/v1/connections", { provider: "strava", authorizationCode: code.body.authorizationCode });
    assert.equal(again.status, 201);
    assert.equal(again.body.connectionId, strava.connectionId);
    assert.equal(again.body.status, "active");
    assert.equal(await enabled(userId, configId), false, "configs stay disabled until the user enables them");
    assert.equal((await gw.call(userId, "PATCH", `/v1/sync-configs/${configId}`, { enabled: true })).status, 200);
  });

  it("a refresh that read the tokens before the disconnect stores nothing", async () => {
    const userId = newUserId();
    const { connectionId } = await gw.connect(userId, "strava");
    const seen = await gw.stack.store.getConnection(userId, connectionId);
    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${connectionId}`)).status, 204);
    const stored = await gw.stack.store.updateTokens(userId, connectionId, seen?.tokenVersion ?? 0, {
      accessToken: "late",
      refreshToken: "late",
      tokenExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    assert.equal(stored, false);
    assert.equal((await gw.stack.store.getConnection(userId, connectionId))?.accessToken, "");
  });
});
