import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, it } from "node:test";
import { AppConfigDataClient } from "@aws-sdk/client-appconfigdata";
import { AppConfigSettingsSource } from "./AppConfigSettingsSource.ts";
import { AppConfigDataServer, manualScheduler, recordingLogger } from "./appConfigData.testkit.ts";

/**
 * The AppConfig adapter against a real HTTP server speaking AppConfig Data's protocol on loopback
 * (appConfigData.testkit.ts), through the real SDK client: no mock of the SDK. Polls are fired by
 * hand (manualScheduler), which also records the interval the adapter waits.
 */
const LOCATION = { application: "syncwell-test", environment: "test", profile: "sync-tuning" };
const ENV_VALUE = { conflictOverlapSeconds: 60 };
const doc = (conflictOverlapSeconds: unknown) => JSON.stringify({ conflictOverlapSeconds });

describe("AppConfigSettingsSource", () => {
  let server: AppConfigDataServer;
  let sources: AppConfigSettingsSource[];
  beforeEach(async () => {
    server = await new AppConfigDataServer(LOCATION).start();
    sources = [];
  });
  afterEach(async () => {
    for (const source of sources) source.close();
    await server.close();
  });

  const start = async (options: { minimumPollIntervalSeconds?: number } = {}) => {
    const scheduler = manualScheduler();
    const log = recordingLogger();
    const client = new AppConfigDataClient({
      region: "eu-west-1",
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const source = await AppConfigSettingsSource.start(
      { client, logger: log.logger, schedule: scheduler.schedule },
      { ...LOCATION, initial: ENV_VALUE, ...options },
    );
    sources.push(source);
    return { source, scheduler, log };
  };

  it("reads the deployed threshold before the first job, in a session it starts for the application, environment and profile", async () => {
    server.deploy(doc(90));
    const { source } = await start();
    assert.equal(source.conflictOverlapSeconds(), 90);
    const [session, first] = server.requests;
    assert.equal(session?.operation, "StartConfigurationSession");
    assert.deepEqual(session?.body, {
      ApplicationIdentifier: "syncwell-test",
      EnvironmentIdentifier: "test",
      ConfigurationProfileIdentifier: "sync-tuning",
    });
    assert.equal(first?.operation, "GetLatestConfiguration");
    // Signed for IAM's `appconfig:` actions (the task role's grant).
    assert.match(session?.authorization ?? "", /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/appconfig\/aws4_request/);
  });

  it("polls at the interval AppConfig names, each time with the token of the previous answer, and picks up a new deployment", async () => {
    server.deploy(doc(90));
    server.pollIntervalSeconds = 45;
    const { source, scheduler, log } = await start();
    assert.deepEqual(scheduler.delays, [45_000]);
    await scheduler.fire(); // unchanged: an empty answer keeps the value
    assert.equal(source.conflictOverlapSeconds(), 90);
    server.deploy(doc(120));
    await scheduler.fire();
    assert.equal(source.conflictOverlapSeconds(), 120);
    assert.deepEqual(scheduler.delays, [45_000, 45_000, 45_000]);
    const gets = server.requests.filter((r) => r.operation === "GetLatestConfiguration");
    assert.equal(gets.length, 3);
    assert.ok(
      gets.every((r) => r.status === 200),
      "every token was live: each answer's token replaced the one used",
    );
    assert.equal(new Set(gets.map((r) => r.token)).size, 3);
    assert.equal(server.requests.filter((r) => r.operation === "StartConfigurationSession").length, 1, "one session");
    assert.deepEqual(
      log.lines.filter((l) => l.level === "info").map((l) => l.fields),
      [
        { version: "v1", from: 60, to: 90 },
        { version: "v2", from: 90, to: 120 },
      ],
    );
  });

  it("asks for the minimum poll interval it is given and waits what AppConfig then names", async () => {
    server.deploy(doc(90));
    const { scheduler } = await start({ minimumPollIntervalSeconds: 300 });
    assert.equal(server.requests[0]?.body?.RequiredMinimumPollIntervalInSeconds, 300);
    assert.deepEqual(scheduler.delays, [300_000]);
  });

  it("keeps the last good value when a malformed document is deployed, and logs it once", async () => {
    server.deploy(doc(90));
    const { source, scheduler, log } = await start();
    server.deploy("{ conflictOverlapSeconds: 30");
    await scheduler.fire();
    await scheduler.fire(); // the same version again: nothing new to say
    assert.equal(source.conflictOverlapSeconds(), 90);
    const errors = () => log.lines.filter((l) => l.level === "error");
    assert.equal(errors().length, 1);
    assert.deepEqual(errors()[0]?.fields, { version: "v2", problem: "not JSON", conflictOverlapSeconds: 90 });

    // The same bad document read again in a new session (after a failure) is not news either.
    server.failNext("GetLatestConfiguration", 500, "InternalServerException");
    await scheduler.fire();
    await scheduler.fire();
    assert.equal(errors().length, 1);

    for (const bad of [doc(-5), doc("60"), doc(1.5), JSON.stringify({ conflictOverlap: 30 }), "[]"]) {
      server.deploy(bad);
      await scheduler.fire();
      assert.equal(source.conflictOverlapSeconds(), 90, bad);
    }
    assert.equal(errors().length, 6, "one line per bad deployment");
    assert.match(String((errors()[1]?.fields as { problem?: string } | undefined)?.problem), /^conflictOverlapSeconds: /);

    server.deploy(doc(15));
    await scheduler.fire();
    assert.equal(source.conflictOverlapSeconds(), 15, "a good deployment after bad ones is taken");
  });

  it("starts with the environment's value when AppConfig fails, warns once, and reads AppConfig once it answers", async () => {
    server.deploy(doc(90));
    server.failNext("StartConfigurationSession", 500, "InternalServerException");
    const { source, scheduler, log } = await start();
    assert.equal(source.conflictOverlapSeconds(), 60);
    assert.deepEqual(scheduler.delays, [60_000], "no interval named yet: the retry default");
    server.failNext("StartConfigurationSession", 429, "ThrottlingException");
    await scheduler.fire();
    assert.equal(log.lines.filter((l) => l.level === "warn").length, 1, "one warning per outage");
    assert.equal(source.conflictOverlapSeconds(), 60);
    await scheduler.fire();
    assert.equal(source.conflictOverlapSeconds(), 90);
    assert.deepEqual(
      log.lines.map((l) => l.message),
      [
        "AppConfig could not be read: the sync tuning in force stays until it answers",
        "conflict threshold from AppConfig",
        "AppConfig answers again",
      ],
    );
  });

  it("starts a new session when its token is refused (expired after 24 h) and keeps the value meanwhile", async () => {
    server.deploy(doc(90));
    const { source, scheduler } = await start();
    server.expireTokens();
    await scheduler.fire();
    assert.equal(server.requests.at(-1)?.status, 400);
    assert.equal(source.conflictOverlapSeconds(), 90);
    server.deploy(doc(100));
    await scheduler.fire();
    assert.equal(source.conflictOverlapSeconds(), 100);
    assert.equal(server.requests.filter((r) => r.operation === "StartConfigurationSession").length, 2);
  });

  it("does not hold the worker's start when AppConfig accepts the connection and never answers", async () => {
    const silent = createServer(() => {}); // takes every request, answers none
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const log = recordingLogger();
    const client = new AppConfigDataClient({
      region: "eu-west-1",
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const started = Date.now();
    const source = await AppConfigSettingsSource.start(
      { client, logger: log.logger, schedule: manualScheduler().schedule },
      { ...LOCATION, initial: ENV_VALUE, firstReadTimeoutMs: 200 },
    );
    try {
      assert.ok(Date.now() - started < 2_000);
      assert.equal(source.conflictOverlapSeconds(), 60);
      assert.deepEqual(
        log.lines.map((l) => l.message),
        ["AppConfig has not answered yet: the environment's sync tuning holds until it does"],
      );
    } finally {
      source.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("stops polling when closed", async () => {
    server.deploy(doc(90));
    const { source, scheduler } = await start();
    assert.equal(scheduler.waiting, 1);
    source.close();
    assert.equal(scheduler.waiting, 0);
    const calls = server.requests.length;
    source.close();
    assert.equal(server.requests.length, calls);
  });

  it("refuses options AppConfig would refuse, with a sentence", async () => {
    await assert.rejects(
      () => start({ minimumPollIntervalSeconds: 5 }),
      /minimumPollIntervalSeconds must be a whole number of seconds from 15 to 86400/,
    );
  });
});
