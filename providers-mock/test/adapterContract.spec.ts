import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createPartnerAdapters,
  externalIdFor,
  type Partner,
  type PartnerAdapters,
  PartnerError,
  type Provider,
  type ProviderCredentials,
} from "@syncwell/core";
import { activity, startTestMock } from "./helpers.ts";

const CLIENTS: Record<Partner, { clientId: string; clientSecret: string }> = {
  strava: { clientId: "syncwell-strava", clientSecret: "dev-strava-secret" },
  garmin: { clientId: "syncwell-garmin", clientSecret: "dev-garmin-secret" },
  polar: { clientId: "syncwell-polar", clientSecret: "dev-polar-secret" },
  oura: { clientId: "syncwell-oura", clientSecret: "dev-oura-secret" },
  withings: { clientId: "syncwell-withings", clientSecret: "dev-withings-secret" },
};
const DESTINATIONS: Provider[] = ["strava", "garmin"];

describe("DataProvider contract, every adapter against providers-mock", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let adapters: PartnerAdapters;
  before(async () => {
    mock = await startTestMock({ STRAVA_UPLOAD_PROCESSING_MS: "100" });
    adapters = createPartnerAdapters(
      Object.fromEntries((Object.keys(CLIENTS) as Partner[]).map((p) => [p, { baseUrl: `${mock.url}/${p}`, ...CLIENTS[p] }])) as never,
    );
  });
  after(() => mock.close());

  const connect = async (provider: Provider): Promise<ProviderCredentials & { refreshToken: string }> => {
    const user = await mock.api.newUser(provider);
    const grant = await adapters.oauth(provider).exchangeCode(user.authorizationCode);
    assert.equal(grant.providerUserId, user.partnerUserId, "the grant names the partner user");
    assert.ok(Date.parse(grant.expiresAt) > Date.now());
    return { accessToken: grant.accessToken, providerUserId: grant.providerUserId, refreshToken: grant.refreshToken };
  };

  for (const provider of ["strava", "garmin", "polar", "oura"] as Provider[]) {
    describe(provider, () => {
      it("lists new records as normalised metadata and hydrates only the ones asked for", async () => {
        const creds = await connect(provider);
        await mock.api.addActivities(provider, creds.providerUserId, [activity(5), activity(3, { type: "ride", name: "Ride" })]);
        const listing = await adapters.dataProvider(provider).fetchMetadata(creds, undefined);
        const records = [...listing.records].sort((a, b) => a.startTime.localeCompare(b.startTime));
        assert.equal(records.length, 2);
        const stored = (await mock.api.call("GET", `/${provider}/_admin/users/${creds.providerUserId}/activities`)).body;
        const byStart = (s: string) => stored.find((a: any) => a.startTime === s);
        for (const record of records) {
          assert.ok(byStart(record.startTime), `start time ${record.startTime} round-trips`);
          assert.equal(record.endTime, byStart(record.startTime).endTime);
          assert.ok(!Number.isNaN(Date.parse(record.updatedAt)));
        }
        assert.equal(records[1]?.type, "ride");

        await mock.api.call("POST", "/_admin/stats/reset");
        const [payload] = await adapters.dataProvider(provider).fetchPayloads(creds, [records[0] as never]);
        assert.deepEqual(
          payload?.samples.map((s) => s.heartRate),
          [110, 150],
        );
        const stats = (await mock.api.call("GET", "/_admin/stats")).body[provider];
        assert.equal(stats.get_payload.calls, 1, "one payload call for one record");
        await listing.commit?.();
      });

      it("answers the pre-flight question in one call", async () => {
        const creds = await connect(provider);
        await mock.api.addActivities(provider, creds.providerUserId, [activity(1)]);
        await mock.api.call("POST", "/_admin/stats/reset");
        assert.equal(await adapters.dataProvider(provider).hasNewData(creds, new Date(Date.now() - 2 * 86400_000).toISOString()), true);
        const stats = (await mock.api.call("GET", "/_admin/stats")).body[provider];
        assert.equal(stats.preflight?.calls ?? stats.list_metadata?.calls, 1);
      });

      it("refreshes tokens, and a used refresh token is refused as an error to re-authorise", async () => {
        const creds = await connect(provider);
        await mock.api.call("POST", `/${provider}/_admin/users/${creds.providerUserId}/expire-tokens`);
        const fresh = await adapters.oauth(provider).refresh(creds.refreshToken);
        assert.notEqual(fresh.refreshToken, creds.refreshToken);
        await assert.rejects(
          adapters.oauth(provider).refresh(creds.refreshToken),
          (e: unknown) => e instanceof PartnerError && e.category === "permanent",
        );
      });

      it("verifies access with the partner: authorized while it lasts, revoked once the user withdrew it", async () => {
        const creds = await connect(provider);
        assert.equal(await adapters.oauth(provider).verifyAccess(creds), "authorized");
        await mock.api.call("POST", `/${provider}/_admin/users/${creds.providerUserId}/revoke`);
        assert.equal(await adapters.oauth(provider).verifyAccess(creds), "revoked");
        await assert.rejects(
          adapters.oauth(provider).refresh(creds.refreshToken),
          (e: unknown) => e instanceof PartnerError && e.category === "permanent",
          "the revoked grant's refresh token is refused too",
        );
        await mock.api.call("POST", "/_admin/faults", { json: { provider, operation: "list_metadata", status: 503, times: 1 } });
        await assert.rejects(
          adapters.oauth(provider).verifyAccess(creds),
          (e: unknown) => e instanceof PartnerError && e.category === "transient",
          "a partner that is down is no answer",
        );
      });

      it("raises classified errors: 5xx transient, 429 rate-limited with a wait, bad token auth", async () => {
        const creds = await connect(provider);
        const dp = adapters.dataProvider(provider);
        await mock.api.call("POST", "/_admin/faults", { json: { provider, operation: "list_metadata", status: 503, times: 1 } });
        await assert.rejects(dp.fetchMetadata(creds, undefined), (e: unknown) => e instanceof PartnerError && e.category === "transient");
        await mock.api.call("POST", "/_admin/faults", { json: { provider, operation: "list_metadata", status: 429, times: 1 } });
        await assert.rejects(
          dp.fetchMetadata(creds, undefined),
          (e: unknown) => e instanceof PartnerError && e.category === "rate_limited" && (e.retryAfterSeconds ?? 0) >= 1,
        );
        await assert.rejects(
          dp.fetchMetadata({ ...creds, accessToken: "bogus" }, undefined),
          (e: unknown) => e instanceof PartnerError && e.category === "auth",
        );
      });
    });
  }

  for (const provider of DESTINATIONS) {
    it(`${provider}: pushes with a deterministic external id, reports a re-push as a duplicate, and finds it overlapping`, async () => {
      const creds = await connect(provider);
      const a = activity(4);
      const record = {
        payload: {
          id: "src-1",
          startTime: a.startTime,
          endTime: a.endTime,
          type: "run" as const,
          name: "Pushed",
          updatedAt: a.endTime,
          private: false,
          samples: a.samples,
        },
        externalId: externalIdFor("polar", "src-1"),
        onConflict: "report" as const,
      };
      const [first] = await adapters.dataProvider(provider).pushData(creds, [record]);
      assert.equal(first?.status, "written");
      const [again] = await adapters.dataProvider(provider).pushData(creds, [record]);
      assert.equal(again?.status, "duplicate");
      const held = (await mock.api.call("GET", `/${provider}/_admin/users/${creds.providerUserId}/activities`)).body;
      assert.deepEqual(
        held.map((h: any) => h.externalId),
        ["syncwell-polar-src-1"],
      );
      const overlapping = await adapters.dataProvider(provider).fetchOverlapping(creds, { from: a.startTime, to: a.endTime });
      assert.equal(overlapping.length, 1);
      assert.equal(overlapping[0]?.externalId ?? "syncwell-polar-src-1", "syncwell-polar-src-1");
    });
  }

  it("garmin: writes an overlapping record beside the watch's, and replaces only the record the engine names", async () => {
    const creds = await connect("garmin");
    const a = activity(6);
    const [watch] = await mock.api.addActivities("garmin", creds.providerUserId, [{ ...a, name: "Recorded on the watch" }]);
    const shifted = (ms: number) => ({
      startTime: new Date(Date.parse(a.startTime) + ms).toISOString(),
      endTime: new Date(Date.parse(a.endTime) + ms).toISOString(),
    });
    const payload = (id: string, ms: number) => ({
      id,
      ...shifted(ms),
      type: "run" as const,
      name: `From Strava ${id}`,
      updatedAt: shifted(ms).endTime,
      private: false,
      samples: [],
    });
    const [beside] = await adapters
      .dataProvider("garmin")
      .pushData(creds, [{ payload: payload("s1", 1770_000), externalId: "syncwell-strava-s1", onConflict: "replace" }]);
    assert.equal(beside?.status, "written", "a 30 s overlap is no conflict at Garmin: both stay");
    const [replaced] = await adapters
      .dataProvider("garmin")
      .pushData(creds, [{ payload: payload("s2", 300_000), externalId: "syncwell-strava-s2", replacesId: watch.id, onConflict: "report" }]);
    assert.equal(replaced?.status, "written");
    const held = (await mock.api.call("GET", `/garmin/_admin/users/${creds.providerUserId}/activities`)).body;
    assert.deepEqual(held.map((h: any) => h.name).sort(), ["From Strava s1", "From Strava s2"]);
  });

  it("polar: a committed transaction is not offered again; an uncommitted one is", async () => {
    const creds = await connect("polar");
    await mock.api.addActivities("polar", creds.providerUserId, [activity(2)]);
    const first = await adapters.dataProvider("polar").fetchMetadata(creds, undefined);
    const retried = await adapters.dataProvider("polar").fetchMetadata(creds, undefined);
    assert.deepEqual(
      retried.records.map((r) => r.id),
      first.records.map((r) => r.id),
    );
    await retried.commit?.();
    assert.deepEqual((await adapters.dataProvider("polar").fetchMetadata(creds, undefined)).records, []);
  });

  it("never follows a partner-supplied URL off the partner's host", async () => {
    const creds = await connect("polar");
    await assert.rejects(
      adapters.dataProvider("polar").fetchPayloads(creds, [
        {
          id: "x",
          startTime: "2026-01-01T00:00:00Z",
          endTime: "2026-01-01T01:00:00Z",
          type: "run",
          name: "x",
          updatedAt: "2026-01-01T01:00:00Z",
          sourceRef: "http://169.254.169.254/latest",
        },
      ]),
      /refusing to fetch a URL outside/,
    );
  });
});
