import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadWorkerConfig, SyncSettingsDocument } from "@syncwell/worker";
import { z } from "zod";
import { SYNC_TUNING_SCHEMA } from "../src/syncTuning.ts";
import { type Json, resources, stack, synthInProcess } from "./support/synth.ts";

/**
 * SPEC §16: the conflict threshold is read from AppConfig in production. The stack holds the
 * document, deploys it, points the worker's task at it and lets the worker's role read exactly it.
 */
describe("AppConfig holds the sync tuning the worker reads in production", () => {
  const { all, one, deref } = resources(stack());
  const containerOf = (service: string) =>
    JSON.parse(one("aws_ecs_task_definition", (t) => t.family === `syncwell-prod-${service}`).container_definitions)[0];
  const envOf = (service: string): Record<string, string> =>
    Object.fromEntries(containerOf(service).environment.map((e: Json) => [e.name, e.value]));
  const ref = (type: string, attribute: string) => new RegExp(`^\\$\\{${type}\\.([\\w-]+)\\.${attribute}\\}$`);
  const nameOf = (value: string, type: string, attribute: string) => {
    const name = ref(type, attribute).exec(value)?.[1];
    assert.ok(name, `${value} is a reference to a ${type}'s ${attribute}`);
    return name;
  };

  it("has an application, an environment and a hosted freeform profile, each named for the environment", () => {
    const application = one("aws_appconfig_application");
    const environment = one("aws_appconfig_environment");
    const profile = one("aws_appconfig_configuration_profile");
    assert.equal(application.name, "syncwell-prod");
    assert.equal(environment.name, "prod");
    assert.equal(profile.name, "syncwell-prod-sync-tuning");
    assert.equal(profile.location_uri, "hosted");
    assert.equal(profile.type, "AWS.Freeform");
    for (const child of [environment, profile]) assert.equal(deref(child.application_id).value, application);
    const staging = resources(synthInProcess({ env: { SYNCWELL_ENVIRONMENT: "staging" } }));
    assert.equal(staging.one("aws_appconfig_application").name, "syncwell-staging");
    assert.equal(staging.one("aws_appconfig_configuration_profile").name, "syncwell-staging-sync-tuning");
  });

  it('holds {"conflictOverlapSeconds":60}, a document the worker\'s own schema accepts', () => {
    const version = one("aws_appconfig_hosted_configuration_version");
    assert.equal(version.content_type, "application/json");
    assert.deepEqual(JSON.parse(version.content), { conflictOverlapSeconds: 60 });
    assert.deepEqual(SyncSettingsDocument.parse(JSON.parse(version.content)), { conflictOverlapSeconds: 60 });
    assert.match(version.configuration_profile_id, ref("aws_appconfig_configuration_profile", "configuration_profile_id"));
  });

  it("validates every version with a JSON Schema that says what the worker's zod schema says", () => {
    const [validator, ...others] = one("aws_appconfig_configuration_profile").validator;
    assert.equal(others.length, 0);
    assert.equal(validator.type, "JSON_SCHEMA");
    const deployed = JSON.parse(validator.content);
    assert.deepEqual(deployed, SYNC_TUNING_SCHEMA);
    assert.equal(deployed.$schema, "http://json-schema.org/draft-04/schema#", "AppConfig validates with JSON Schema draft 4");
    const worker = z.toJSONSchema(SyncSettingsDocument) as Json;
    assert.deepEqual(deployed.required, worker.required);
    assert.deepEqual(deployed.properties, worker.properties);
  });

  it("deploys that version to that environment, all at once", () => {
    const deployment = one("aws_appconfig_deployment");
    const version = one("aws_appconfig_hosted_configuration_version");
    assert.equal(deployment.deployment_strategy_id, "AppConfig.AllAtOnce");
    assert.equal(deref(deployment.configuration_version).value, version);
    assert.match(deployment.configuration_version, /\.version_number\}$/);
    assert.equal(
      nameOf(deployment.configuration_profile_id, "aws_appconfig_configuration_profile", "configuration_profile_id"),
      nameOf(version.configuration_profile_id, "aws_appconfig_configuration_profile", "configuration_profile_id"),
    );
    assert.match(deployment.environment_id, ref("aws_appconfig_environment", "environment_id"));
    assert.equal(deployment.application_id, version.application_id);
  });

  it("points the worker's task, and no other, at the deployed application, environment and profile", () => {
    const env = envOf("worker");
    const deployment = one("aws_appconfig_deployment");
    assert.equal(env.APPCONFIG_APPLICATION, deployment.application_id);
    assert.equal(env.APPCONFIG_ENVIRONMENT, deployment.environment_id);
    assert.equal(env.APPCONFIG_PROFILE, deployment.configuration_profile_id);
    assert.equal(env.AWS_ENDPOINT_URL_APPCONFIGDATA, undefined, "real AWS: the SDK's own endpoint");
    for (const service of ["gateway", "coalescer", "poller", "support"])
      assert.ok(!Object.keys(envOf(service)).some((name) => name.startsWith("APPCONFIG_")), service);
    // The worker's own schema reads them as an AppConfig location (ids stand in for the references).
    const config = loadWorkerConfig({
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{[^}]+\}/g, "abc1234")])),
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
      STRAVA_CLIENT_SECRET: "s",
      GARMIN_CLIENT_SECRET: "s",
      POLAR_CLIENT_SECRET: "s",
      OURA_CLIENT_SECRET: "s",
      WITHINGS_CLIENT_SECRET: "s",
    });
    assert.deepEqual(
      [config.APPCONFIG_APPLICATION, config.APPCONFIG_ENVIRONMENT, config.APPCONFIG_PROFILE],
      ["abc1234", "abc1234", "abc1234"],
    );
  });

  it("lets the worker's role start a session and poll on exactly that environment's configuration of that profile", () => {
    const env = envOf("worker");
    const statements = JSON.parse(one("aws_iam_role_policy", (p) => p.name === "syncwell-prod-worker-least-privilege").policy).Statement;
    const appconfig = statements.filter((s: Json) => s.Action.some((a: string) => a.startsWith("appconfig:")));
    assert.equal(appconfig.length, 1);
    assert.deepEqual(appconfig[0].Action.sort(), ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"]);
    const environment = nameOf(env.APPCONFIG_ENVIRONMENT as string, "aws_appconfig_environment", "environment_id");
    const profile = nameOf(env.APPCONFIG_PROFILE as string, "aws_appconfig_configuration_profile", "configuration_profile_id");
    // arn:aws:appconfig:<region>:<account>:application/<app>/environment/<env>/configuration/<profile>
    assert.deepEqual(appconfig[0].Resource, [
      `\${aws_appconfig_environment.${environment}.arn}/configuration/\${aws_appconfig_configuration_profile.${profile}.configuration_profile_id}`,
    ]);
    for (const role of all("aws_iam_role_policy").filter((p) => p.name !== "syncwell-prod-worker-least-privilege"))
      assert.doesNotMatch(role.policy, /appconfig:/, role.name);
  });
});
