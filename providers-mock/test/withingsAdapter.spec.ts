import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type BuiltPartner,
  classifyWithingsStatus,
  createWithingsAdapter,
  PartnerError,
  type ProviderCredentials,
  valuesOf,
} from "@syncwell/core";
import { startHookReceiver, startTestMock } from "./helpers.ts";

/**
 * The Withings adapter against the Withings mock: records added through test control come out
 * normalised (body values, sleep stages), paged to the end; Withings' status-in-body errors are
 * classified as HTTP errors are (601 rate limited, 401 auth).
 */
describe("withings adapter against providers-mock", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let withings: BuiltPartner;
  before(async () => {
    mock = await startTestMock();
    withings = createWithingsAdapter({
      baseUrl: `${mock.url}/withings`,
      clientId: "syncwell-withings",
      clientSecret: "dev-withings-secret",
      initialWindowSeconds: 400 * 86400,
    });
  });
  after(() => mock.close());

  const connect = async (): Promise<ProviderCredentials & { refreshToken: string }> => {
    const user = await mock.api.newUser("withings");
    const grant = await withings.oauth.exchangeCode(user.authorizationCode);
    assert.equal(grant.providerUserId, user.partnerUserId, "the userid of the token answer");
    assert.ok(Date.parse(grant.expiresAt) > Date.now());
    return { accessToken: grant.accessToken, providerUserId: grant.providerUserId, refreshToken: grant.refreshToken };
  };
  const records = () => {
    const { body, sleep } = withings.records ?? {};
    assert.ok(body && sleep, "withings serves body and sleep");
    return { body, sleep };
  };
  const rejection = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof PartnerError, String(error));
      return error;
    }
    assert.fail("expected a PartnerError");
  };

  it("body: weigh-ins come out as moments named Weigh-in, with their values, modified time and body block", async () => {
    const creds = await connect();
    await mock.api.addActivities("withings", creds.providerUserId, [
      {
        kind: "body",
        startTime: "2026-03-01T07:00:00.000Z",
        endTime: "2026-03-01T07:00:00.000Z",
        type: "other",
        name: "Weigh-in",
        updatedAt: "2026-03-01T07:02:00.000Z",
        body: { weightKg: 72.45, fatPercent: 21.3 },
      },
      {
        kind: "body",
        startTime: "2026-03-02T07:00:00.000Z",
        endTime: "2026-03-02T07:00:00.000Z",
        type: "other",
        name: "Weigh-in",
        body: { weightKg: 72.1 },
      },
    ]);
    const stored = (await mock.api.call("GET", `/withings/_admin/users/${creds.providerUserId}/activities?kind=body`)).body;
    const { records: listed } = await records().body.fetchMetadata(creds, undefined);
    const sorted = [...listed].sort((a, b) => a.startTime.localeCompare(b.startTime));
    assert.deepEqual(sorted[0], {
      id: stored[0].id,
      startTime: "2026-03-01T07:00:00.000Z",
      endTime: "2026-03-01T07:00:00.000Z",
      type: "other",
      name: "Weigh-in",
      updatedAt: "2026-03-01T07:02:00.000Z",
      private: false,
      values: valuesOf({ body: { weightKg: 72.45, fatPercent: 21.3 } }),
      sourceRef: JSON.stringify({ weightKg: 72.45, fatPercent: 21.3 }),
    });
    assert.equal(sorted[1]?.values, "kg=72.10");
    // The listing carried the measurements: the payloads cost no call (SPEC §12's minimum).
    const before = (await mock.api.call("GET", "/_admin/stats")).body.withings?.list_metadata?.calls ?? 0;
    const payloads = await records().body.fetchPayloads(creds, sorted);
    assert.equal((await mock.api.call("GET", "/_admin/stats")).body.withings?.list_metadata?.calls ?? 0, before);
    const reread = await records().body.fetchPayloads(
      creds,
      sorted.map(({ sourceRef: _ref, ...r }) => r),
    );
    assert.deepEqual(reread, payloads, "a record listed without its measurement is read again: the same payload");
    assert.deepEqual(
      payloads.map((p) => [p.id, p.samples, p.body]),
      [
        [stored[0].id, [], { weightKg: 72.45, fatPercent: 21.3 }],
        [stored[1].id, [], { weightKg: 72.1 }],
      ],
    );
    assert.equal(await records().body.hasNewData(creds, "2026-01-01T00:00:00.000Z"), true);
  });

  it("body: a listing pages through more/offset to the end", async () => {
    const creds = await connect();
    const base = Date.parse("2026-02-01T06:00:00Z");
    await mock.api.addActivities(
      "withings",
      creds.providerUserId,
      Array.from({ length: 57 }, (_, i) => {
        const at = new Date(base + i * 3600_000).toISOString();
        return { kind: "body", startTime: at, endTime: at, type: "other", name: "Weigh-in", body: { weightKg: 60 + i / 10 } };
      }),
    );
    const { records: listed } = await records().body.fetchMetadata(creds, undefined);
    assert.equal(new Set(listed.map((r) => r.id)).size, 57);
  });

  it("sleep: sessions come out named Sleep with their stages from the sleep series", async () => {
    const creds = await connect();
    const [stored] = await mock.api.addActivities("withings", creds.providerUserId, [
      {
        kind: "sleep",
        startTime: "2026-03-04T22:00:00.000Z",
        endTime: "2026-03-05T06:00:00.000Z",
        type: "other",
        name: "Night",
        sleep: {
          stages: [
            { stage: "awake", startOffsetSeconds: 0, seconds: 900 },
            { stage: "light", startOffsetSeconds: 900, seconds: 7200 },
            { stage: "deep", startOffsetSeconds: 8100, seconds: 3600 },
            { stage: "rem", startOffsetSeconds: 11700, seconds: 17100 },
          ],
        },
      },
    ]);
    const { records: listed } = await records().sleep.fetchMetadata(creds, undefined);
    assert.equal(listed.length, 1);
    const [meta] = listed;
    assert.deepEqual(
      { ...meta, updatedAt: "x" },
      {
        id: stored.id,
        startTime: "2026-03-04T22:00:00.000Z",
        endTime: "2026-03-05T06:00:00.000Z",
        type: "other",
        name: "Sleep",
        updatedAt: "x",
        private: false,
      },
    );
    const [payload] = await records().sleep.fetchPayloads(creds, listed);
    assert.deepEqual(payload?.sleep, {
      stages: [
        { stage: "awake", startOffsetSeconds: 0, seconds: 900 },
        { stage: "light", startOffsetSeconds: 900, seconds: 7200 },
        { stage: "deep", startOffsetSeconds: 8100, seconds: 3600 },
        { stage: "rem", startOffsetSeconds: 11700, seconds: 17100 },
      ],
    });
    assert.deepEqual(payload?.samples, []);
  });

  it("classifies Withings' status-in-body errors: 601 rate limited (until the next minute), 401 auth", async () => {
    const creds = await connect();
    await mock.api.call("POST", "/_admin/faults", { json: { provider: "withings", operation: "list_metadata", status: 429, times: 1 } });
    const limited = await rejection(records().body.fetchMetadata(creds, undefined));
    assert.equal(limited.category, "rate_limited");
    assert.equal(limited.details.status, 601);
    assert.ok((limited.retryAfterSeconds ?? 0) >= 1 && (limited.retryAfterSeconds ?? 0) <= 60);

    const expired = await rejection(records().sleep.fetchMetadata({ ...creds, accessToken: "revoked-token" }, undefined));
    assert.equal(expired.category, "auth");
    assert.equal(expired.details.status, 401);

    await mock.api.call("POST", "/_admin/faults", { json: { provider: "withings", operation: "list_metadata", status: 503, times: 1 } });
    assert.equal((await rejection(records().body.hasNewData(creds, undefined))).category, "transient", "an HTTP 5xx");
    assert.deepEqual([601, 401, 100, 2555, 5001, 503, 2554, 293].map(classifyWithingsStatus), [
      "rate_limited",
      "auth",
      "auth",
      "transient",
      "transient",
      "permanent",
      "permanent",
      "permanent",
    ]);
  });

  it("OAuth: refresh rotates; verifyAccess tells a live token from a revoked one; revoke ends the grant", async () => {
    const creds = await connect();
    const refreshed = await withings.oauth.refresh(creds.refreshToken);
    assert.notEqual(refreshed.refreshToken, creds.refreshToken);
    const spent = await rejection(withings.oauth.refresh(creds.refreshToken));
    assert.equal(spent.category, "permanent", "a used refresh token is Withings' invalid params (503)");
    const live = { accessToken: refreshed.accessToken, providerUserId: creds.providerUserId };
    assert.equal(await withings.oauth.verifyAccess(live), "authorized");
    await withings.oauth.revoke?.(live);
    assert.equal(await withings.oauth.verifyAccess(live), "revoked");
  });

  it("notifications: subscribes the user to appli 1, 44 and 46 at the callback, later only what is missing; refusals are classified", async () => {
    const hooks = await startHookReceiver();
    try {
      const creds = await connect();
      const callback = `${hooks.url}/withings`;
      const subscribe = (credentials: ProviderCredentials, url: string) => {
        assert.ok(withings.oauth.subscribeNotifications, "withings subscribes per user");
        return withings.oauth.subscribeNotifications(credentials, url);
      };
      const subscribed = async () => {
        const reply = await mock.api.call("POST", "/withings/notify", { form: { action: "list" }, token: creds.accessToken });
        return (reply.body.body.profiles as { appli: number; callbackurl: string }[]).map((p) => [p.appli, p.callbackurl]).sort();
      };
      const calls = async (operation: string) => (await mock.api.call("GET", "/_admin/stats")).body.withings?.[operation]?.calls ?? 0;

      await subscribe(creds, callback);
      assert.deepEqual(await subscribed(), [
        [1, callback],
        [44, callback],
        [46, callback],
      ]);
      assert.equal(hooks.received.filter((h) => h.method === "HEAD").length, 3, "Withings checked the callback for each");

      await mock.api.call("POST", "/withings/notify", {
        form: { action: "revoke", callbackurl: callback, appli: "44" },
        token: creds.accessToken,
      });
      await mock.api.call("POST", "/_admin/stats/reset");
      await subscribe(creds, callback);
      assert.equal(await calls("create"), 1, "only the missing sleep subscription is made again");
      assert.equal((await subscribed()).length, 3);

      const unreachable = await rejection(subscribe(creds, "http://127.0.0.1:9/withings"));
      assert.equal(unreachable.category, "permanent", "a callback Withings cannot reach");
      assert.equal(unreachable.details.status, 293);
      const expired = await rejection(subscribe({ ...creds, accessToken: "revoked-token" }, callback));
      assert.equal(expired.category, "auth");
      await mock.api.call("POST", "/_admin/faults", { json: { provider: "withings", operation: "create", status: 429, times: 1 } });
      const limited = await rejection(subscribe(creds, `${hooks.url}/elsewhere`));
      assert.equal(limited.category, "rate_limited");
    } finally {
      await hooks.close();
    }
  });

  it("workouts: refused, permanently, naming what Withings serves", async () => {
    const creds = await connect();
    const refused = await rejection(withings.dataProvider.fetchMetadata(creds, undefined));
    assert.equal(refused.category, "permanent");
    assert.match(refused.message, /body measurements and sleep only/);
    assert.equal((await rejection(records().body.pushData(creds, []))).category, "permanent", "never a destination");
  });
});
