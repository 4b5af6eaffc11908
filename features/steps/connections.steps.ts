import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Given, Then, When } from "@cucumber/cucumber";
import { createPartnerAdapters, type Provider, signJwt } from "@syncwell/core";
import { type Reply, request } from "../support/http.ts";
import { stack } from "../support/platform.ts";
import { askSync, connectPartner, stats, syncAndWait, waitForJob } from "../support/sync.ts";
import type { SyncWellWorld } from "../support/world.ts";

const PROVIDERS: Provider[] = ["strava", "garmin", "polar", "oura"];
const provider = (name: string) => name.toLowerCase() as Provider;

/** The partners' OAuth clients as SyncWell is registered with them (the development ones, as the other steps use). */
function adapters() {
  const client = (p: Provider) => ({
    clientId: process.env[`${p.toUpperCase()}_CLIENT_ID`] ?? `syncwell-${p}`,
    clientSecret: process.env[`${p.toUpperCase()}_CLIENT_SECRET`] ?? `dev-${p}-secret`,
  });
  return createPartnerAdapters(
    Object.fromEntries(PROVIDERS.map((p) => [p, { baseUrl: `${stack().providersMock}/${p}`, ...client(p) }])) as never,
  );
}

/**
 * A token of SyncWell's grant for the user at the partner, issued before the disconnect: SyncWell's
 * own tokens stay inside SyncWell, and a revoke ends every token of the grant, so this one shows
 * whether the partner still honours SyncWell's access.
 */
async function witnessGrant(world: SyncWellWorld, p: Provider): Promise<void> {
  const user = world.user(p);
  if (user.accessToken) return;
  const code = await request(world.partner(`/${p}/_admin/users/${user.partnerUserId}/authorization-codes`), { method: "POST" });
  assert.equal(code.status, 201, code.text);
  const grant = await adapters().oauth(p).exchangeCode(code.body.authorizationCode);
  user.accessToken = grant.accessToken;
  user.refreshToken = grant.refreshToken;
}

async function disconnect(world: SyncWellWorld, p: Provider): Promise<void> {
  await witnessGrant(world, p);
  await world.api(`/v1/connections/${world.user(p).connectionId}`, { method: "DELETE" });
}

async function config(world: SyncWellWorld): Promise<any> {
  const reply = await world.api(`/v1/sync-configs/${world.syncConfigId}`);
  assert.equal(reply.status, 200, reply.text);
  return reply.body;
}

// ── listing ───────────────────────────────────────────────────────────────────
/** What each scenario's user got from the two lists. */
const lists = new WeakMap<SyncWellWorld, { connections: Reply; configs: Reply }>();

When("the user lists their connections and their sync configs", async function (this: SyncWellWorld) {
  lists.set(this, { connections: await this.api("/v1/connections"), configs: await this.api("/v1/sync-configs") });
});

Then(
  "the connections listed are the Strava and the Garmin one, both {string}, with no token",
  async function (this: SyncWellWorld, status: string) {
    const listed = lists.get(this)?.connections;
    assert.equal(listed?.status, 200, listed?.text);
    const items: any[] = listed?.body.items;
    assert.deepEqual(items.map((c) => c.connectionId).sort(), [this.user("strava").connectionId, this.user("garmin").connectionId].sort());
    for (const item of items) {
      assert.equal(item.status, status);
      assert.deepEqual(item, (await this.api(`/v1/connections/${item.connectionId}`)).body, "as GET /v1/connections/{id} shows it");
    }
    assert.doesNotMatch(listed?.text ?? "", /token/i);
  },
);

Then("the sync configs listed are the user's one config, as it reads on its own", async function (this: SyncWellWorld) {
  const listed = lists.get(this)?.configs;
  assert.equal(listed?.status, 200, listed?.text);
  assert.deepEqual(listed?.body, { items: [await config(this)] });
});

Then("another user's lists are empty", async function (this: SyncWellWorld) {
  const token = signJwt(stack().jwtSecret, `user-${randomBytes(4).toString("hex")}`, 600);
  for (const path of ["/v1/connections", "/v1/sync-configs"]) {
    const reply = await request(this.gateway(path), { token });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body, { items: [] });
  }
});

// ── disconnecting ─────────────────────────────────────────────────────────────
Given("the user connected their {word} account", async function (this: SyncWellWorld, name: string) {
  await connectPartner(this, provider(name));
});

Given("the user disconnected their {word} account", async function (this: SyncWellWorld, name: string) {
  await disconnect(this, provider(name));
  assert.equal(this.lastReply.status, 204, this.lastReply.text);
});

When("the user disconnects their {word} account", async function (this: SyncWellWorld, name: string) {
  await disconnect(this, provider(name));
});

When("the user disconnects their {word} account again", async function (this: SyncWellWorld, name: string) {
  assert.equal(this.lastReply.status, 204, this.lastReply.text);
  await request(this.partner("/_admin/stats/reset"), { method: "POST" });
  await disconnect(this, provider(name));
});

When("another user tries to disconnect the user's {word} connection", async function (this: SyncWellWorld, name: string) {
  const token = signJwt(stack().jwtSecret, `user-${randomBytes(4).toString("hex")}`, 600);
  await this.call(this.gateway(`/v1/connections/${this.user(provider(name)).connectionId}`), { method: "DELETE", token });
});

When("the user tries to disconnect {}", async function (this: SyncWellWorld, what: string) {
  const ids: Record<string, string> = {
    "an unknown connection": `conn-${randomBytes(8).toString("hex")}`,
    "a connection id of 300 characters": "c".repeat(300),
  };
  assert.ok(what in ids, `unknown id "${what}"`);
  await this.api(`/v1/connections/${ids[what]}`, { method: "DELETE" });
});

Given("Strava fails the next revoke call with a {int}", async function (this: SyncWellWorld, status: number) {
  await witnessGrant(this, "strava");
  const reply = await request(this.partner("/_admin/faults"), { json: { provider: "strava", operation: "oauth_token", status, times: 1 } });
  assert.equal(reply.status, 201, reply.text);
});

Then("the answer is {int} with no body", function (this: SyncWellWorld, status: number) {
  assert.equal(this.lastReply.status, status, this.lastReply.text);
  assert.equal(this.lastReply.text, "");
});

Then("{word} no longer honours SyncWell's access for the user", async function (this: SyncWellWorld, name: string) {
  const p = provider(name);
  const user = this.user(p);
  assert.ok(user.accessToken, "a token of the grant was taken before the disconnect");
  const verdict = await adapters().oauth(p).verifyAccess({ accessToken: user.accessToken, providerUserId: user.partnerUserId });
  assert.equal(verdict, "revoked");
  await assert.rejects(
    adapters()
      .oauth(p)
      .refresh(user.refreshToken ?? ""),
    "the grant's refresh tokens are refused too",
  );
});

Then("{word} was not called by the second disconnect", async function (this: SyncWellWorld, name: string) {
  const calls = Object.values((await stats(this))[provider(name)] ?? {}).reduce((sum, o) => sum + o.calls, 0);
  assert.equal(calls, 0);
});

Then("the {word} connection is listed as {string}", async function (this: SyncWellWorld, name: string, status: string) {
  const reply = await this.api("/v1/connections");
  const item = reply.body.items.find((c: { connectionId: string }) => c.connectionId === this.user(provider(name)).connectionId);
  assert.ok(item, reply.text);
  assert.equal(item.status, status);
});

Then("the sync config is {word}", async function (this: SyncWellWorld, state: string) {
  assert.ok(state === "enabled" || state === "disabled", `unknown state ${state}`);
  assert.equal((await config(this)).enabled, state === "enabled");
});

Then("a sync of it does not run", async function (this: SyncWellWorld) {
  // The local gateway knows the config is disabled (409); API Gateway's direct integration does not,
  // and the worker cancels the job it queued.
  const reply = await askSync(this);
  if (reply.status === 202) assert.equal((await waitForJob(this, reply.body.jobId)).status, "cancelled");
  else assert.equal(reply.status, 409, reply.text);
});

// ── connecting again ──────────────────────────────────────────────────────────
When("the user enables the sync config", async function (this: SyncWellWorld) {
  await this.api(`/v1/sync-configs/${this.syncConfigId}`, { method: "PATCH", json: { enabled: true } });
});

When("the user connects the same {word} account again", async function (this: SyncWellWorld, name: string) {
  const p = provider(name);
  const code = await request(this.partner(`/${p}/_admin/users/${this.user(p).partnerUserId}/authorization-codes`), { method: "POST" });
  assert.equal(code.status, 201, code.text);
  await this.api("/v1/connections", { json: { provider: p, authorizationCode: code.body.authorizationCode } });
});

Then("it is the same {word} connection, {string}", function (this: SyncWellWorld, name: string, status: string) {
  assert.equal(this.lastReply.status, 201, this.lastReply.text);
  assert.equal(this.lastReply.body.connectionId, this.user(provider(name)).connectionId);
  assert.equal(this.lastReply.body.status, status);
});

Then("a sync of it succeeds", async function (this: SyncWellWorld) {
  await syncAndWait(this);
});
