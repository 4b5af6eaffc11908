import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPartnerAdapters, type Partner, type PartnerAdapters, PartnerError, type Provider } from "@syncwell/core";
import { CLIENTS, startTestMock } from "./helpers.ts";

const PROVIDERS = Object.keys(CLIENTS) as Partner[];

describe("OAuthClient.revoke, every adapter against providers-mock", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let adapters: PartnerAdapters;
  before(async () => {
    mock = await startTestMock();
    adapters = createPartnerAdapters(
      Object.fromEntries(PROVIDERS.map((p) => [p, { baseUrl: `${mock.url}/${p}`, ...CLIENTS[p] }])) as never,
    );
  });
  after(() => mock.close());

  const connect = async (provider: Provider) => {
    const user = await mock.api.newUser(provider);
    return adapters.oauth(provider).exchangeCode(user.authorizationCode);
  };

  for (const provider of PROVIDERS) {
    describe(provider, () => {
      it("withdraws SyncWell's access in one call: the access token and the refresh token stop working", async () => {
        const grant = await connect(provider);
        const oauth = adapters.oauth(provider);
        assert.ok(oauth.revoke, `${provider} documents a revoke call`);
        await mock.api.call("POST", "/_admin/stats/reset");
        await oauth.revoke(grant);
        assert.equal((await mock.api.call("GET", "/_admin/stats")).body[provider]?.oauth_token?.calls, 1);
        assert.equal(await oauth.verifyAccess(grant), "revoked");
        await assert.rejects(oauth.refresh(grant.refreshToken), (e: unknown) => e instanceof PartnerError && e.category === "permanent");
      });

      it("a token the partner no longer honours is an auth error, a partner that is down a transient one", async () => {
        const grant = await connect(provider);
        const oauth = adapters.oauth(provider);
        await mock.api.call("POST", "/_admin/faults", { json: { provider, operation: "oauth_token", status: 503, times: 1 } });
        await assert.rejects(
          oauth.revoke?.(grant) ?? Promise.resolve(),
          (e: unknown) => e instanceof PartnerError && e.category === "transient",
        );
        assert.equal(await oauth.verifyAccess(grant), "authorized", "nothing was revoked");
        await mock.api.call("POST", `/${provider}/_admin/users/${grant.providerUserId}/revoke`);
        await assert.rejects(
          oauth.revoke?.(grant) ?? Promise.resolve(),
          (e: unknown) => e instanceof PartnerError && e.category === "auth",
        );
      });
    });
  }
});
