import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { loadCoalescerConfig } from "@syncwell/coalescer";
import * as core from "@syncwell/core";
import { loadGatewayConfig } from "@syncwell/gateway-shim";
import { loadPollerConfig } from "@syncwell/poller";
import { loadSupportConfig } from "@syncwell/support";
import { loadWorkerConfig } from "@syncwell/worker";
import type { z } from "zod";
import { type Json, resources, stack } from "./support/synth.ts";

/**
 * SPEC §16 "It works": each task's environment and secret names, parsed by that service's own
 * config schema in production mode, leave no development default in force — no local address,
 * no development client id, no development secret — and name no variable the service ignores.
 */
const LOADERS: Record<string, (env: Record<string, string>) => Record<string, unknown>> = {
  gateway: loadGatewayConfig,
  worker: loadWorkerConfig,
  coalescer: loadCoalescerConfig,
  poller: loadPollerConfig,
  support: loadSupportConfig,
};

/** What Secrets Manager hands the task at start-up: production-like values, none of the published development ones. */
const secretValue = (name: string) =>
  name === "TOKEN_ENCRYPTION_KEY"
    ? randomBytes(32).toString("base64")
    : name === "DATABASE_URL"
      ? "postgres://support:s3cret@syncwell-prod.cluster-abc.eu-west-1.rds.amazonaws.com:5432/support"
      : randomBytes(24).toString("hex");

/** Terraform references (`${aws_….id}`) resolve to ids at apply time; stand one in (a stage's invoke_url is its https URL). */
const resolve = (value: string) =>
  value
    .replace(/\$\{aws_api_gateway_stage\.[\w-]+\.invoke_url\}/g, "https://tfref0.execute-api.eu-west-1.amazonaws.com/prod")
    .replace(/\$\{[^}]+\}/g, "tfref0");

/** The development value a variable takes when it is unset, where core's mode rules say so (SPEC §17). */
function developmentValues(): Map<string, string> {
  const rules = (core as unknown as { developmentRules?: { get(schema: unknown): { developmentValue?: string } | undefined } })
    .developmentRules;
  const values = new Map<string, string>();
  if (!rules) return values;
  const schemas = [core.partnerEnv, core.storageEnv, core.awsEnv] as Record<string, z.ZodType>[];
  for (const shape of schemas)
    for (const [name, schema] of Object.entries(shape)) {
      const value = rules.get(schema)?.developmentValue;
      if (value !== undefined) values.set(name, value);
    }
  return values;
}

describe("each ECS task's environment, read by its service's own config schema in production mode", () => {
  const { all } = resources(stack());
  const tasks = all("aws_ecs_task_definition").map((t) => {
    const container = JSON.parse(t.container_definitions)[0];
    return {
      service: container.name as string,
      environment: Object.fromEntries(container.environment.map((e: Json) => [e.name, resolve(e.value)])) as Record<string, string>,
      secrets: container.secrets.map((s: Json) => s.name) as string[],
    };
  });
  const devValues = developmentValues();

  it("covers the five services", () => {
    assert.deepEqual(tasks.map((t) => t.service).sort(), Object.keys(LOADERS).sort());
  });

  for (const service of Object.keys(LOADERS)) {
    it(`starts the ${service} in production mode with nothing from development in force`, () => {
      const task = tasks.find((t) => t.service === service) as (typeof tasks)[number];
      assert.equal(task.environment.SYNCWELL_MODE, "production");
      const source = { ...task.environment, ...Object.fromEntries(task.secrets.map((s) => [s, secretValue(s)])) };
      const config = (LOADERS[service] as (env: Record<string, string>) => Record<string, unknown>)(source);
      for (const [name, value] of Object.entries(config)) {
        if (typeof value !== "string") continue;
        if (!name.endsWith("_HOST"))
          assert.doesNotMatch(value, /127\.0\.0\.1|localhost|0\.0\.0\.0|::1/, `${service}: ${name}=${value} is a local address`);
        assert.doesNotMatch(value, /^syncwell-(strava|garmin|polar|oura)$|^dev-/, `${service}: ${name}=${value} is a development value`);
        if (devValues.has(name)) assert.notEqual(value, devValues.get(name), `${service}: ${name} is its development value`);
      }
      assert.notEqual(config.SYNCWELL_MODE, "development");
    });

    it(`gives the ${service} no variable or secret its schema does not read`, () => {
      const task = tasks.find((t) => t.service === service) as (typeof tasks)[number];
      const config = (LOADERS[service] as (env: Record<string, string>) => Record<string, unknown>)({
        ...task.environment,
        ...Object.fromEntries(task.secrets.map((s) => [s, secretValue(s)])),
      });
      for (const name of [...Object.keys(task.environment), ...task.secrets])
        assert.ok(name in config, `${service} is given ${name}, which its config schema does not read`);
    });
  }

  it("points the partner-calling services at the configured partner root and this environment's client ids", () => {
    for (const service of ["gateway", "worker", "poller", "coalescer"]) {
      const env = (tasks.find((t) => t.service === service) as (typeof tasks)[number]).environment;
      assert.equal(env.PARTNER_API_BASE_URL, "https://partners.example.com", service);
      assert.equal(env.STRAVA_CLIENT_ID, "48213", service);
    }
    const support = (tasks.find((t) => t.service === "support") as (typeof tasks)[number]).environment;
    assert.equal(support.PARTNER_API_BASE_URL, undefined, "support calls no partner");
  });

  it("tells the gateway its public URL: the API's stage, which routes /webhooks/{provider} to it unauthenticated", () => {
    const { deref } = resources(stack());
    const gateway = all("aws_ecs_task_definition").find((t) => t.family === "syncwell-prod-gateway");
    const env = Object.fromEntries(JSON.parse(gateway.container_definitions)[0].environment.map((e: Json) => [e.name, e.value]));
    assert.match(env.GATEWAY_PUBLIC_URL, /^\$\{aws_api_gateway_stage\.[\w-]+\.invoke_url\}$/);
    const stage = deref(env.GATEWAY_PUBLIC_URL.replace(".invoke_url}", ".id}"));
    assert.equal(stage.type, "aws_api_gateway_stage");
    const api = deref(stage.value.rest_api_id).name;
    const providerPath = all("aws_api_gateway_resource").find(
      (r) => r.path_part === "{provider}" && r.rest_api_id.includes(`.${api}.`) && deref(r.parent_id).value.path_part === "webhooks",
    );
    assert.ok(providerPath, "the stage's API has /webhooks/{provider}");
    assert.ok(
      all("aws_api_gateway_method").some((m) => m.authorization === "NONE" && deref(m.resource_id).value === providerPath),
      "partners call it without a user's token",
    );
  });

  it("verifies users' tokens with the users' pool and agents' tokens with the agents' pool", () => {
    const raw = (service: string) =>
      Object.fromEntries(
        JSON.parse(
          all("aws_ecs_task_definition").find((t) => t.family === `syncwell-prod-${service}`).container_definitions,
        )[0].environment.map((e: Json) => [e.name, e.value]),
      );
    for (const service of ["gateway", "support"]) {
      assert.match(
        raw(service).AUTH_ISSUER,
        /^https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/\$\{aws_cognito_user_pool\.identity_users_/,
      );
      assert.match(raw(service).AUTH_AUDIENCE, /aws_cognito_user_pool_client\.identity_users-client_/);
    }
    assert.match(raw("support").SUPPORT_AUTH_ISSUER, /aws_cognito_user_pool\.identity_agents_/);
    assert.equal(raw("support").SUPPORT_AUTH_GROUP, "support-agents");
  });
});
