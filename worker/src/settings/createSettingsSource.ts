import { AppConfigDataClient } from "@aws-sdk/client-appconfigdata";
import { countAwsCalls, type Logger } from "@syncwell/core";
import type { WorkerConfig } from "../config.ts";
import { AppConfigSettingsSource } from "./AppConfigSettingsSource.ts";
import { EnvSettingsSource } from "./EnvSettingsSource.ts";
import type { SettingsSource } from "./SettingsSource.ts";

type SettingsConfig = Pick<
  WorkerConfig,
  | "AWS_REGION"
  | "AWS_ENDPOINT_URL"
  | "AWS_ENDPOINT_URL_APPCONFIGDATA"
  | "CONFLICT_OVERLAP_SECONDS"
  | "APPCONFIG_APPLICATION"
  | "APPCONFIG_ENVIRONMENT"
  | "APPCONFIG_PROFILE"
>;

/**
 * AppConfig where the stack configured it (production), the environment everywhere else. With
 * AppConfig, CONFLICT_OVERLAP_SECONDS is what holds until the first valid document arrives.
 */
export async function startSettingsSource(config: SettingsConfig, logger: Logger): Promise<SettingsSource> {
  const initial = { conflictOverlapSeconds: config.CONFLICT_OVERLAP_SECONDS };
  const { APPCONFIG_APPLICATION: application, APPCONFIG_ENVIRONMENT: environment, APPCONFIG_PROFILE: profile } = config;
  if (!application || !environment || !profile) return new EnvSettingsSource(initial);
  // Counted like every other AWS client (syncwell_aws_requests_total): GetLatestConfiguration is a priced call.
  // Bounded waits: the worker's start waits for the first read, and a black-holed route must not hold it.
  const client = countAwsCalls(
    new AppConfigDataClient({
      region: config.AWS_REGION,
      endpoint: config.AWS_ENDPOINT_URL_APPCONFIGDATA ?? config.AWS_ENDPOINT_URL,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
    }),
  );
  return AppConfigSettingsSource.start({ client, logger }, { application, environment, profile, initial });
}
