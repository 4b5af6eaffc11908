import { AppconfigApplication } from "@cdktf/provider-aws/lib/appconfig-application/index.js";
import { AppconfigConfigurationProfile } from "@cdktf/provider-aws/lib/appconfig-configuration-profile/index.js";
import { AppconfigDeployment } from "@cdktf/provider-aws/lib/appconfig-deployment/index.js";
import { AppconfigEnvironment } from "@cdktf/provider-aws/lib/appconfig-environment/index.js";
import { AppconfigHostedConfigurationVersion } from "@cdktf/provider-aws/lib/appconfig-hosted-configuration-version/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";

/**
 * The sync tuning document as first deployed: what the worker reads from AppConfig in production
 * (worker/src/settings, whose zod schema `SyncSettingsDocument` it follows; stack.appconfig.spec.ts
 * holds the two together). Change it with a new hosted version and deployment, no redeploy of tasks.
 */
export const SYNC_TUNING = { conflictOverlapSeconds: 60 };

/**
 * JSON Schema (draft 4, AppConfig's dialect) of the document: AppConfig refuses a version that
 * fails it before it can be deployed, so a worker only ever sees a malformed document if someone
 * bypasses the profile (and then keeps its last good values).
 */
export const SYNC_TUNING_SCHEMA = {
  $schema: "http://json-schema.org/draft-04/schema#",
  type: "object",
  required: ["conflictOverlapSeconds"],
  properties: { conflictOverlapSeconds: { type: "integer", minimum: 0, maximum: 86_400 } },
};

/**
 * AWS AppConfig holding the conflict threshold (SPEC §16): application, environment, a hosted
 * freeform profile with a JSON Schema validator, the first version, and its deployment.
 */
export class SyncTuning extends Construct {
  /** The variables the worker finds it by (worker/src/config.ts). */
  readonly workerEnv: Record<"APPCONFIG_APPLICATION" | "APPCONFIG_ENVIRONMENT" | "APPCONFIG_PROFILE", string>;
  /**
   * The deployed configuration's ARN, `…:application/<app>/environment/<env>/configuration/<profile>`:
   * the resource IAM authorises StartConfigurationSession and GetLatestConfiguration on (the
   * profile's own `…/configurationprofile/<id>` ARN is the control-plane resource, not this one).
   */
  readonly configurationArn: string;

  constructor(scope: Construct, id: string, props: { prefix: string; environment: string }) {
    super(scope, id);
    const application = new AppconfigApplication(this, "application", {
      name: props.prefix,
      description: "SyncWell's run-time tuning",
    });
    const environment = new AppconfigEnvironment(this, "environment", {
      applicationId: application.id,
      name: props.environment,
    });
    const profile = new AppconfigConfigurationProfile(this, "profile", {
      applicationId: application.id,
      name: `${props.prefix}-sync-tuning`,
      description: 'The worker\'s sync tuning, e.g. {"conflictOverlapSeconds":60}',
      locationUri: "hosted",
      type: "AWS.Freeform",
      validator: [{ type: "JSON_SCHEMA", content: JSON.stringify(SYNC_TUNING_SCHEMA) }],
    });
    const version = new AppconfigHostedConfigurationVersion(this, "version", {
      applicationId: application.id,
      configurationProfileId: profile.configurationProfileId,
      contentType: "application/json",
      content: JSON.stringify(SYNC_TUNING),
    });
    // AllAtOnce: one number every worker reads per job; the validator, not a slow rollout, guards it.
    new AppconfigDeployment(this, "deployment", {
      applicationId: application.id,
      environmentId: environment.environmentId,
      configurationProfileId: profile.configurationProfileId,
      configurationVersion: Token.asString(version.versionNumber),
      deploymentStrategyId: "AppConfig.AllAtOnce",
      description: "sync tuning",
    });
    this.workerEnv = {
      APPCONFIG_APPLICATION: application.id,
      APPCONFIG_ENVIRONMENT: environment.environmentId,
      APPCONFIG_PROFILE: profile.configurationProfileId,
    };
    this.configurationArn = `${environment.arn}/configuration/${profile.configurationProfileId}`;
  }
}
