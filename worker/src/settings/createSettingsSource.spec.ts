import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "@syncwell/core";
import { loadWorkerConfig } from "../config.ts";
import { AppConfigSettingsSource } from "./AppConfigSettingsSource.ts";
import { AppConfigDataServer } from "./appConfigData.testkit.ts";
import { startSettingsSource } from "./createSettingsSource.ts";
import { EnvSettingsSource } from "./EnvSettingsSource.ts";

const logger = createLogger("settings-test", "silent");
const DEV = { SYNCWELL_MODE: "development" };
const LOCATION = { application: "abc1234", environment: "env5678", profile: "prof901" };
const APPCONFIG = { APPCONFIG_APPLICATION: "abc1234", APPCONFIG_ENVIRONMENT: "env5678", APPCONFIG_PROFILE: "prof901" };

describe("the worker's settings source, chosen by its config", () => {
  let server: AppConfigDataServer;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  before(async () => {
    server = await new AppConfigDataServer(LOCATION).start();
    server.deploy(JSON.stringify({ conflictOverlapSeconds: 45 }));
    // The SDK's default credential chain, as on a developer's machine pointed at an emulator.
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
  });
  after(async () => {
    await server.close();
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  it("reads CONFLICT_OVERLAP_SECONDS from the environment when AppConfig is not configured (local runs)", async () => {
    const source = await startSettingsSource(loadWorkerConfig({ ...DEV, CONFLICT_OVERLAP_SECONDS: "75" }), logger);
    assert.ok(source instanceof EnvSettingsSource);
    assert.equal(source.conflictOverlapSeconds(), 75);
  });

  it("reads AppConfig where APPCONFIG_* are set, at AWS_ENDPOINT_URL_APPCONFIGDATA rather than AWS_ENDPOINT_URL", async () => {
    const config = loadWorkerConfig({
      ...DEV,
      ...APPCONFIG,
      AWS_ENDPOINT_URL: "http://127.0.0.1:9", // discard: nothing answers there
      AWS_ENDPOINT_URL_APPCONFIGDATA: server.url,
    });
    const source = await startSettingsSource(config, logger);
    try {
      assert.ok(source instanceof AppConfigSettingsSource);
      assert.equal(source.conflictOverlapSeconds(), 45);
    } finally {
      source.close();
    }
  });

  it("uses AWS_ENDPOINT_URL for AppConfig too when no AppConfig endpoint of its own is given", async () => {
    const source = await startSettingsSource(loadWorkerConfig({ ...DEV, ...APPCONFIG, AWS_ENDPOINT_URL: server.url }), logger);
    source.close();
    assert.equal(source.conflictOverlapSeconds(), 45);
  });

  it("refuses part of an AppConfig location, naming what is missing", () => {
    assert.throws(
      () => loadWorkerConfig({ ...DEV, APPCONFIG_APPLICATION: "abc1234", APPCONFIG_PROFILE: "prof901" }),
      /APPCONFIG_ENVIRONMENT is required with APPCONFIG_APPLICATION and APPCONFIG_PROFILE \(set all three APPCONFIG_\* or none\)/,
    );
    assert.throws(() => loadWorkerConfig({ ...DEV, ...APPCONFIG, APPCONFIG_PROFILE: "no spaces allowed" }), /APPCONFIG_PROFILE must be/);
  });
});
