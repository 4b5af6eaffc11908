import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { PartnerGatewayHarness } from "./partnerGatewayHarness.ts";

/**
 * POST /v1/connections for Withings, which notifies only the callbacks an app subscribed per user
 * and category: the code exchange is followed by Notify - Subscribe for appli 1 (body), 44 (sleep)
 * and 46 (the user's unlink) at the gateway's own `/webhooks/withings`; a refused subscription
 * fails the connect (502) and stores nothing. Real adapters against a providers-mock of its own.
 */
describe("connecting Withings", () => {
  const gw = new PartnerGatewayHarness();
  before(() => gw.start());
  after(() => gw.stop());

  const newUserId = () => `u-${randomBytes(4).toString("hex")}`;
  const callback = () => `${gw.url}/webhooks/withings`;
  /** The user's subscriptions at the mock (Notify - List with their token), as [appli, callback]. */
  const subscriptions = async (accessToken: string) => {
    const reply = await gw.mock.api.call("POST", "/withings/notify", { form: { action: "list" }, token: accessToken });
    assert.equal(reply.body.status, 0, reply.text);
    return (reply.body.body.profiles as { appli: number; callbackurl: string }[]).map((p) => [p.appli, p.callbackurl]).sort();
  };
  /** The gateway's count of Withings notifications, of one result or of all. */
  const received = async (result?: string) => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    return text
      .split("\n")
      .filter((l) => l.startsWith("syncwell_webhook_events_received_total{") && l.includes('provider="withings"'))
      .filter((l) => result === undefined || l.includes(`result="${result}"`))
      .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
  };
  const newCode = async (partnerUserId: string) =>
    (await gw.mock.api.call("POST", `/withings/_admin/users/${partnerUserId}/authorization-codes`)).body.authorizationCode as string;

  it("subscribes the user's body, sleep and unlink notifications at SyncWell's callback, where a weigh-in's notification then arrives", async () => {
    const userId = newUserId();
    await gw.mock.api.call("POST", "/_admin/stats/reset");
    const { connectionId, partnerUserId } = await gw.connect(userId, "withings");
    const stored = await gw.stack.store.getConnection(userId, connectionId);
    assert.ok(stored?.accessToken);
    assert.deepEqual(await subscriptions(stored.accessToken), [
      [1, callback()],
      [44, callback()],
      [46, callback()],
    ]);
    assert.equal(await gw.partnerCalls("withings", "create"), 3, "one Notify - Subscribe per category");

    const before = await received("accepted");
    const at = new Date(Math.floor((Date.now() - 600_000) / 1000) * 1000).toISOString();
    await gw.mock.api.addActivities("withings", partnerUserId, [
      { kind: "body", type: "other", name: "Weigh-in", startTime: at, endTime: at, body: { weightKg: 72.4 } },
    ]);
    await gw.mock.mock.webhooks.drain();
    assert.equal(await received("accepted"), before + 1, "the notification reached the gateway and was queued");
  });

  it("a subscription Withings refuses fails the connect with a 502 problem and stores no connection; connecting again subscribes and connects", async () => {
    const userId = newUserId();
    const { partnerUserId, authorizationCode } = await gw.mock.api.newUser("withings");
    let code = authorizationCode;
    // Refused (invalid params, 503 in the body), rate limited (601), Withings' own trouble (HTTP 500).
    for (const status of [400, 429, 500]) {
      await gw.mock.api.call("POST", "/_admin/faults", { json: { provider: "withings", operation: "create", status, times: 1 } });
      const reply = await gw.call(userId, "POST", "/v1/connections", { provider: "withings", authorizationCode: code });
      assert.equal(reply.status, 502, `fault ${status}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.type, "application/problem+json; charset=utf-8");
      assert.equal(reply.body.status, 502);
      assert.match(reply.body.detail, /withings did not accept SyncWell's notification subscription/);
      if (status === 429) assert.ok(Number(reply.headers.get("retry-after")) >= 1, "when to try again");
      assert.deepEqual((await gw.call(userId, "GET", "/v1/connections")).body.items, [], `fault ${status}: no connection`);
      assert.deepEqual(await gw.stack.store.findConnectionsByOwner("withings", partnerUserId), []);
      code = await newCode(partnerUserId);
    }

    const reply = await gw.call(userId, "POST", "/v1/connections", { provider: "withings", authorizationCode: code });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const stored = await gw.stack.store.getConnection(userId, reply.body.connectionId);
    assert.ok(stored?.accessToken);
    assert.deepEqual(await subscriptions(stored.accessToken), [
      [1, callback()],
      [44, callback()],
      [46, callback()],
    ]);
  });

  it("disconnecting revokes at Withings, which ends the subscriptions: a later weigh-in notifies nobody", async () => {
    const userId = newUserId();
    const { connectionId, partnerUserId } = await gw.connect(userId, "withings");
    assert.equal((await gw.call(userId, "DELETE", `/v1/connections/${connectionId}`)).status, 204);
    const before = await received();
    const at = new Date(Math.floor((Date.now() - 300_000) / 1000) * 1000).toISOString();
    await gw.mock.api.addActivities("withings", partnerUserId, [
      { kind: "body", type: "other", name: "Weigh-in", startTime: at, endTime: at, body: { weightKg: 71.9 } },
    ]);
    await gw.mock.mock.webhooks.drain();
    assert.equal(await received(), before, "no notification reached the gateway after the disconnect");
  });
});
