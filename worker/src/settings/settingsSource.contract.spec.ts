import { AppConfigDataClient } from "@aws-sdk/client-appconfigdata";
import { AppConfigSettingsSource } from "./AppConfigSettingsSource.ts";
import { AppConfigDataServer, manualScheduler, recordingLogger } from "./appConfigData.testkit.ts";
import { EnvSettingsSource } from "./EnvSettingsSource.ts";
import { settingsSourceContract } from "./settingsSource.contract.ts";

settingsSourceContract("EnvSettingsSource", async (seconds) => ({ source: new EnvSettingsSource({ conflictOverlapSeconds: seconds }) }));

settingsSourceContract("AppConfigSettingsSource against AppConfig Data on loopback", async (seconds) => {
  const location = { application: "syncwell-test", environment: "test", profile: "sync-tuning" };
  const server = await new AppConfigDataServer(location).start();
  server.deploy(JSON.stringify({ conflictOverlapSeconds: seconds }));
  const client = new AppConfigDataClient({
    region: "eu-west-1",
    endpoint: server.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  const source = await AppConfigSettingsSource.start(
    { client, logger: recordingLogger().logger, schedule: manualScheduler().schedule },
    // The environment's value differs, so the contract sees the deployed one.
    { ...location, initial: { conflictOverlapSeconds: seconds + 1 } },
  );
  return { source, cleanup: () => server.close() };
});
