import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type EmbeddedStack, startEmbeddedStack } from "../../platform/test/helpers/embeddedStack.ts";
import { startTestMock } from "../../providers-mock/test/helpers.ts";
import { createLogger, createPartnerAdapters, createRedis, type MetadataStore, ReauthRequiredError, TokenManager } from "../src/index.ts";
import type { ConnectionRecord } from "../src/metadata/types.ts";

/**
 * Two workers refresh one connection at once while Redis (and so the refresh lock) is down. Strava's
 * refresh tokens are single-use: one worker wins, the other is refused. The loser must adopt the
 * winner's tokens, not mark the connection `reauth_required`.
 */
describe("two workers refreshing one rotating token with Redis down", () => {
  let stack: EmbeddedStack;
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  // A real client on a closed port: every command fails fast, as while Redis restarts.
  const redis = createRedis("redis://127.0.0.1:1", { commandTimeoutMs: 200 });
  redis.on("error", () => {});
  const logger = createLogger("token-race-test", process.env.TEST_LOG_LEVEL ?? "silent");

  before(async () => {
    stack = await startEmbeddedStack("tok-");
    mock = await startTestMock();
  });
  after(async () => {
    redis.disconnect();
    await mock.close();
    await stack.stop();
  });

  const adaptersObserving = (onRefused: () => void) =>
    createPartnerAdapters(
      { strava: { baseUrl: `${mock.url}/strava`, clientId: "syncwell-strava", clientSecret: "dev-strava-secret" } } as never,
      { observe: (call) => void (call.operation === "oauth_token" && call.status === 400 && onRefused()) },
    );

  const connect = async (connectionId: string): Promise<ConnectionRecord> => {
    const user = await mock.api.newUser("strava");
    const grant = await adaptersObserving(() => {})
      .oauth("strava")
      .exchangeCode(user.authorizationCode);
    const connection: ConnectionRecord = {
      connectionId,
      userId: "u1",
      provider: "strava",
      providerUserId: grant.providerUserId,
      status: "active",
      createdAt: new Date().toISOString(),
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      tokenExpiresAt: grant.expiresAt,
      tokenVersion: 1,
    };
    await stack.store.putConnection(connection);
    // Strava rotates the refresh token only once the access token is about to expire.
    await mock.api.call("POST", `/strava/_admin/users/${grant.providerUserId}/expire-tokens`);
    return connection;
  };

  it("the refused worker adopts the winner's tokens, even when it re-reads before the winner stored them", async () => {
    const connection = await connect("race");
    // Interleaving forced through the real store: the winner's token write waits until the loser,
    // refused by Strava, has read the connection again (at most 5 s).
    let opened!: () => void;
    const loserReadAfterRefusal = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const worker = () => {
      let refused = false;
      const store = new Proxy(stack.store, {
        get(target, prop, receiver) {
          if (prop === "getConnection")
            return async (userId: string, connectionId: string) => {
              const read = await target.getConnection(userId, connectionId);
              if (refused) opened();
              return read;
            };
          if (prop === "updateTokens")
            return async (...args: Parameters<MetadataStore["updateTokens"]>) => {
              await Promise.race([loserReadAfterRefusal, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
              return target.updateTokens(...args);
            };
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const adapters = adaptersObserving(() => {
        refused = true;
      });
      return new TokenManager({ store, adapters, redis, logger }, { refreshSkewSeconds: 60, lockTtlMs: 15_000, waitForOtherMs: 3000 });
    };
    const [a, b] = [worker(), worker()];

    const results = await Promise.allSettled([a.refreshed(connection), b.refreshed(connection)]);
    const after = await stack.store.getConnection("u1", "race");
    assert.equal(after?.status, "active", "the connection is not marked reauth_required");
    for (const result of results) {
      assert.equal(result.status, "fulfilled", result.status === "rejected" ? String(result.reason) : "");
      if (result.status === "fulfilled") assert.equal(result.value.accessToken, after?.accessToken, "both use the stored tokens");
    }
    assert.equal(after?.tokenVersion, 2, "one refresh was stored");
    const athlete = await mock.api.call("GET", "/strava/api/v3/athlete", { token: after?.accessToken });
    assert.equal(athlete.status, 200, "the stored access token works");
  });

  it("a winner slower than the refused worker's wait still leaves the connection active with its tokens", async () => {
    const connection = await connect("slow-winner");
    let marked!: () => void;
    const loserMarked = new Promise<void>((resolve) => {
      marked = resolve;
    });
    const worker = (waitForOtherMs: number) => {
      const store = new Proxy(stack.store, {
        get(target, prop, receiver) {
          if (prop === "setConnectionStatusIf")
            return async (...args: Parameters<MetadataStore["setConnectionStatusIf"]>) => {
              const done = await target.setConnectionStatusIf(...args);
              if (args[2] === "reauth_required") marked();
              return done;
            };
          if (prop === "updateTokens")
            return async (...args: Parameters<MetadataStore["updateTokens"]>) => {
              await Promise.race([loserMarked, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
              return target.updateTokens(...args);
            };
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      return new TokenManager(
        { store, adapters: adaptersObserving(() => {}), redis, logger },
        { refreshSkewSeconds: 60, lockTtlMs: 15_000, waitForOtherMs },
      );
    };
    const results = await Promise.allSettled([worker(200).refreshed(connection), worker(200).refreshed(connection)]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, "the winner carries on");
    const after = await stack.store.getConnection("u1", "slow-winner");
    assert.equal(after?.status, "active", "the winner's fresh tokens undo the loser's mark");
    assert.equal(after?.tokenVersion, 2);
    assert.equal((await mock.api.call("GET", "/strava/api/v3/athlete", { token: after?.accessToken })).status, 200);
  });

  it("a refresh token the partner really revoked still marks the connection reauth_required", async () => {
    const connection = await connect("revoked");
    await mock.api.call("POST", `/strava/_admin/users/${connection.providerUserId}/revoke`);
    const worker = new TokenManager(
      { store: stack.store, adapters: adaptersObserving(() => {}), redis, logger },
      { refreshSkewSeconds: 60, lockTtlMs: 15_000, waitForOtherMs: 300 },
    );
    await assert.rejects(worker.refreshed(connection), ReauthRequiredError);
    assert.equal((await stack.store.getConnection("u1", "revoked"))?.status, "reauth_required");
  });
});
