import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { createPartnerAdapters, type PartnerAdapters, type Provider, TokenManager } from "@syncwell/core";
import { startTestMock } from "../../providers-mock/test/helpers.ts";
import type { Coalescer } from "../src/Coalescer.ts";
import { CoalescerHarness } from "./harness.ts";

/**
 * Strava's webhook events are unsigned, and a Garmin ping is authenticated only by a client id: a
 * deauthorisation event is a claim. The coalescer revokes a connection only when the partner
 * confirms it (the token is refused by its identity call, and so is a refresh).
 */
describe("a deauthorisation event is confirmed with the partner before a connection is revoked", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let adapters: PartnerAdapters;
  let h: CoalescerHarness;
  let coalescer: Coalescer;
  before(async () => {
    mock = await startTestMock();
    adapters = createPartnerAdapters(
      Object.fromEntries(
        (["strava", "garmin", "polar", "oura"] as Provider[]).map((p) => [
          p,
          { baseUrl: `${mock.url}/${p}`, clientId: `syncwell-${p}`, clientSecret: `dev-${p}-secret` },
        ]),
      ) as never,
    );
  });
  after(() => mock.close());
  beforeEach(async () => {
    h = await CoalescerHarness.start();
    const tokens = new TokenManager({ store: h.stack.store, adapters, redis: h.redis, logger: h.logger });
    coalescer = h.coalescer({ access: tokens });
  });
  afterEach(() => h.stop());

  /** A partner user who authorised SyncWell, connected as `connectionId`. */
  const connect = async (provider: Provider, connectionId: string) => {
    const user = await mock.api.newUser(provider);
    const grant = await adapters.oauth(provider).exchangeCode(user.authorizationCode);
    await h.stack.store.putConnection({
      connectionId,
      userId: h.userId,
      provider,
      providerUserId: grant.providerUserId,
      status: "active",
      createdAt: new Date().toISOString(),
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      tokenExpiresAt: grant.expiresAt,
      tokenVersion: 1,
    });
    return user.partnerUserId as string;
  };
  const status = async (connectionId: string) => (await h.stack.store.getConnection(h.userId, connectionId))?.status;
  const dropped = async () =>
    (await h.metrics.eventsDropped.get()).values.find((v) => v.labels.reason === "deauthorization_not_confirmed")?.value ?? 0;
  const revoked = async () => (await h.metrics.connectionsRevoked.get()).values.reduce((sum, v) => sum + v.value, 0);

  for (const provider of ["strava", "garmin"] as Provider[]) {
    it(`${provider}: a forged event for a user who still authorises SyncWell changes nothing and is counted`, async () => {
      const owner = await connect(provider, "c1");
      await h.webhook("deauthorized", { provider, ownerId: owner });
      await h.drain(coalescer);
      assert.equal(await status("c1"), "active");
      assert.equal(await dropped(), 1);
      assert.equal(await revoked(), 0);
    });

    it(`${provider}: after the user withdrew access at the partner, the event revokes the connection`, async () => {
      const owner = await connect(provider, "c2");
      await mock.api.call("POST", `/${provider}/_admin/users/${owner}/revoke`);
      await h.webhook("deauthorized", { provider, ownerId: owner });
      await h.drain(coalescer);
      assert.equal(await status("c2"), "revoked");
      assert.equal(await revoked(), 1);
      assert.equal(await dropped(), 0);
    });
  }

  it("an expired access token is refreshed before deciding: a refresh that works means still authorised", async () => {
    const owner = await connect("strava", "c3");
    await mock.api.call("POST", `/strava/_admin/users/${owner}/expire-tokens`);
    await h.webhook("deauthorized", { provider: "strava", ownerId: owner });
    await h.drain(coalescer);
    assert.equal(await status("c3"), "active");
    const stored = await h.stack.store.getConnection(h.userId, "c3");
    assert.equal(stored?.tokenVersion, 2, "the refreshed tokens were stored");
  });

  it("a partner that cannot answer leaves the event for a retry and the connection as it is", async () => {
    const owner = await connect("strava", "c4");
    await mock.api.call("POST", "/_admin/faults", { json: { provider: "strava", operation: "list_metadata", status: 503, times: 1 } });
    await h.webhook("deauthorized", { provider: "strava", ownerId: owner });
    assert.equal(await h.handle(coalescer, await h.receive()), 1, "the handling failed, so SQS redelivers the event");
    assert.equal(await status("c4"), "active");
    await h.drain(coalescer);
    assert.equal(await status("c4"), "active");
    assert.equal(await dropped(), 1);
  });
});
