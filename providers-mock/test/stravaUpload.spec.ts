import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPartnerAdapters, externalIdFor, type PartnerAdapters, type PushRecord } from "@syncwell/core";
import { activity, startTestMock } from "./helpers.ts";

describe("a Strava upload that is still processing when the adapter stops polling", () => {
  let mock: Awaited<ReturnType<typeof startTestMock>>;
  let adapters: PartnerAdapters;
  before(async () => {
    mock = await startTestMock({ STRAVA_UPLOAD_PROCESSING_MS: "50" });
    const strava = { baseUrl: `${mock.url}/strava`, clientId: "syncwell-strava", clientSecret: "dev-strava-secret" };
    // A small poll budget: the test never waits Strava's real processing time.
    adapters = createPartnerAdapters({ strava: { ...strava, uploadPollBudgetMs: 300, uploadPollIntervalMs: 50 } } as never);
  });
  after(async () => {
    await mock.api.call("DELETE", "/strava/_admin/upload-processing");
    await mock.close();
  });

  const record = (): PushRecord => {
    const a = activity(7);
    return {
      payload: {
        id: "g-1",
        startTime: a.startTime,
        endTime: a.endTime,
        type: "run",
        name: "Slow",
        updatedAt: a.endTime,
        private: false,
        samples: a.samples,
      },
      externalId: externalIdFor("garmin", "g-1"),
      onConflict: "report",
    };
  };

  it("is a retryable failure, and the retry records the duplicate with the activity's id", async () => {
    const user = await mock.api.newUser("strava");
    const grant = await adapters.oauth("strava").exchangeCode(user.authorizationCode);
    const creds = { accessToken: grant.accessToken, providerUserId: grant.providerUserId };
    const slow = await mock.api.call("PUT", "/strava/_admin/upload-processing", { json: { processingMs: 15_000 } });
    assert.equal(slow.status, 200, slow.text);

    const pushed = record();
    const [first] = await adapters.dataProvider("strava").pushData(creds, [pushed]);
    assert.deepEqual(first, {
      externalId: pushed.externalId,
      status: "failed",
      message: "upload still processing",
      retryable: true,
      mayHaveLanded: true,
    });

    // Processing finishes; the job's retry uploads the same file again.
    await mock.api.call("PUT", "/strava/_admin/upload-processing", { json: { processingMs: 50 } });
    const [held] = (await mock.api.call("GET", `/strava/_admin/users/${user.partnerUserId}/activities`)).body;
    assert.equal(held.externalId, pushed.externalId, "Strava created the activity from the first upload");
    const [retried] = await adapters.dataProvider("strava").pushData(creds, [pushed]);
    assert.deepEqual(retried, { externalId: pushed.externalId, status: "duplicate", destinationId: held.id });
  });

  it("the processing delay is test-controlled and resets to the configured one", async () => {
    assert.equal((await mock.api.call("PUT", "/strava/_admin/upload-processing", { json: { processingMs: -1 } })).status, 400);
    const reset = await mock.api.call("DELETE", "/strava/_admin/upload-processing");
    assert.equal(reset.status, 200);
    assert.deepEqual(reset.body, { processingMs: 50 });
  });
});
