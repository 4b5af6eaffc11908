import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readTemplates } from "../src/mappingTemplates.ts";
import { type Json, ROOT, resources, stack, synthInProcess } from "./support/synth.ts";

/** SPEC §16: the API deploys the shared templates, its chains are complete, and a template change redeploys. */
describe("the API Gateway REST API", () => {
  const json = stack();
  const { all, entries, one, deref } = resources(json);
  const templates = readTemplates();
  /** Full path of an API Gateway resource reference. */
  const pathOf = (reference: string): string => {
    if (/root_resource_id\}$/.test(reference)) return "";
    const { value } = deref(reference);
    return `${pathOf(value.parent_id)}/${value.path_part}`;
  };
  const methods = entries("aws_api_gateway_method").map(([name, m]) => ({ name, ...m, path: pathOf(m.resource_id) }));
  const methodAt = (httpMethod: string, path: string) => {
    const found = methods.filter((m) => m.http_method === httpMethod && m.path === path);
    assert.equal(found.length, 1, `${httpMethod} ${path}`);
    return found[0] as Json;
  };
  const integrationOf = (m: Json) =>
    one(
      "aws_api_gateway_integration",
      (i) => i.resource_id === m.resource_id && i.http_method === `\${aws_api_gateway_method.${m.name}.http_method}`,
    );
  const sameMethod = (m: Json) => (x: Json) =>
    x.resource_id === m.resource_id && x.http_method === `\${aws_api_gateway_method.${m.name}.http_method}`;

  it("deploys exactly the template files the local gateway renders (gateway-shim/mapping)", () => {
    const send = integrationOf(methodAt("POST", "/v1/sync-configs/{id}/sync"));
    assert.equal(send.type, "AWS");
    assert.match(send.uri, /:sqs:path\/\$\{data\.aws_caller_identity\.account\.account_id\}\/\$\{aws_sqs_queue\.hot\.name\}$/);
    assert.equal(send.request_templates["application/json"], templates["sync-request"]);
    assert.equal(send.passthrough_behavior, "NEVER");
    const status = integrationOf(methodAt("GET", "/v1/sync-jobs/{jobId}"));
    assert.match(status.uri, /:dynamodb:action\/GetItem$/);
    assert.equal(status.request_templates["application/json"], templates["job-request"]);
    const responses = all("aws_api_gateway_integration_response").map((r) => r.response_templates["application/json"]);
    for (const name of ["sync-response", "job-response", "unavailable-response"] as const)
      assert.ok(responses.includes(templates[name]), `${name}.vtl is deployed`);
    assert.equal(
      one("aws_api_gateway_stage").variables.tableName,
      `\${aws_dynamodb_table.table.name}`,
      "the GetItem template's $stageVariables.tableName",
    );
  });

  it("ties every direct integration's method → integration → integration response → method response, for every status it can answer", () => {
    for (const m of methods.filter((x) => integrationOf(x).type === "AWS")) {
      const integration = integrationOf(m);
      const integrationName = entries("aws_api_gateway_integration").find(([, i]) => i === integration)?.[0];
      assert.ok(integration.depends_on.includes(`aws_api_gateway_method.${m.name}`), `${m.path}: integration after method`);
      const methodResponses = entries("aws_api_gateway_method_response").filter(([, r]) => sameMethod(m)(r));
      const statuses = new Set(methodResponses.map(([, r]) => r.status_code));
      const integrationResponses = all("aws_api_gateway_integration_response").filter(sameMethod(m));
      assert.ok(
        integrationResponses.some((r) => r.selection_pattern === undefined),
        `${m.path}: a default (2xx) mapping`,
      );
      assert.ok(
        integrationResponses.some(
          (r) => r.selection_pattern && ["400", "403", "500", "503"].every((s) => new RegExp(`^(?:${r.selection_pattern})$`).test(s)),
        ),
        `${m.path}: the service's 4xx and 5xx have a mapping`,
      );
      for (const r of integrationResponses) {
        assert.ok(statuses.has(r.status_code), `${m.path}: method response ${r.status_code}`);
        const methodResponse = methodResponses.find(([, x]) => x.status_code === r.status_code)?.[0];
        assert.ok(
          r.depends_on.includes(`aws_api_gateway_integration.${integrationName}`),
          `${m.path} ${r.status_code}: after its integration`,
        );
        assert.ok(
          r.depends_on.includes(`aws_api_gateway_method_response.${methodResponse}`),
          `${m.path} ${r.status_code}: after its method response`,
        );
        for (const override of r.response_templates["application/json"].matchAll(/responseOverride\.status = (\d{3})/g))
          assert.ok(statuses.has(override[1]), `${m.path}: the template answers ${override[1]}, a declared method response`);
        for (const header of r.response_templates["application/json"].matchAll(/responseOverride\.header\.([\w-]+)/g))
          assert.ok(
            methodResponses.every(([, x]) => x.response_parameters[`method.response.header.${header[1]}`] === false),
            `${header[1]} is declared`,
          );
      }
    }
  });

  it("redeploys the stage when a template changes, and only then", () => {
    const trigger = (json: Json) => (Object.values(json.resource.aws_api_gateway_deployment)[0] as Json).triggers;
    const again = trigger(synthInProcess());
    assert.deepEqual(again, trigger(json), "the same definition, the same trigger");
    const changed = synthInProcess({ templates: { ...templates, "job-response": `${templates["job-response"]}## a change\n` } });
    assert.notEqual(trigger(changed).definition, trigger(json).definition, "a template change changes the trigger");
    const deployment = one("aws_api_gateway_deployment");
    assert.equal(deployment.lifecycle.create_before_destroy, true);
    for (const type of [
      "aws_api_gateway_method",
      "aws_api_gateway_integration",
      "aws_api_gateway_integration_response",
      "aws_api_gateway_method_response",
    ])
      for (const [name] of entries(type))
        assert.ok(deployment.depends_on.includes(`${type}.${name}`), `the deployment waits for ${type}.${name}`);
  });

  it("authenticates the app's routes with the users' pool, support with the agents' pool only, and webhooks the partners' way", () => {
    const authorizerOf = (m: Json) => (m.authorizer_id ? deref(m.authorizer_id).value : undefined);
    const poolOf = (m: Json) => /cognito_user_pool\.identity_(users|agents)_/.exec(authorizerOf(m)?.provider_arns[0] ?? "")?.[1];
    for (const m of methods) {
      if (m.path.startsWith("/webhooks/")) assert.equal(m.authorization, "NONE", m.path);
      else if (m.path.startsWith("/v1/support")) assert.equal(poolOf(m), "agents", m.path);
      else assert.equal(poolOf(m), "users", `${m.http_method} ${m.path}`);
    }
    assert.ok(methods.some((m) => m.path === "/v1/support/{proxy+}"));
    for (const path of ["/v1/connections", "/v1/sync-configs", "/v1/sync-configs/{id}", "/webhooks/{provider}", "/v1/troubleshooter"])
      assert.equal(integrationOf(methodAt("ANY", path)).connection_type, "VPC_LINK", path);
    const port = (path: string) => /:(\d+)\//.exec(integrationOf(methodAt("ANY", path)).uri)?.[1];
    assert.equal(port("/v1/sync-configs/{id}/{proxy+}"), "8080");
    assert.equal(port("/v1/support/{proxy+}"), "8084");
    assert.equal(port("/v1/troubleshooter/{proxy+}"), "8084");
    const agents = one("aws_cognito_user_pool", (p) => p.name === "syncwell-prod-agents");
    assert.equal(agents.admin_create_user_config.allow_admin_create_user_only, true, "nobody signs up as an agent");
  });

  it("reaches every route the control API, the webhooks, support and the troubleshooter serve, on the right service and authoriser", () => {
    /** The API method a request path lands on: the matching resource with the most literal segments. */
    const route = (path: string) => {
      const segments = path.split("/").slice(1);
      const matches = methods.filter((m) => {
        const parts = m.path.split("/").slice(1);
        const greedy = parts.at(-1)?.endsWith("+}");
        if (greedy ? segments.length < parts.length : segments.length !== parts.length) return false;
        return parts.every((part: string, i: number) => part.startsWith("{") || part === segments[i]);
      });
      const literal = (m: Json) => m.path.split("/").filter((p: string) => p && !p.startsWith("{")).length;
      return matches.sort((a, b) => literal(b) - literal(a))[0];
    };
    const dir = join(ROOT, "gateway-shim/src/routes");
    const served = readdirSync(dir).flatMap((file) =>
      [...readFileSync(join(dir, file), "utf8").matchAll(/router\.(get|post|put|patch|delete)\("([^"]+)"/g)].map((m) => ({
        method: (m[1] as string).toUpperCase(),
        path: (m[2] as string).replace(/:\w+/g, "x1"),
      })),
    );
    assert.ok(served.length >= 10, `${served.length} gateway routes`);
    const direct = new Set(["POST /v1/sync-configs/x1/sync", "GET /v1/sync-jobs/x1"]);
    for (const r of served) {
      const m = route(r.path);
      assert.ok(m, `${r.method} ${r.path} reaches no API Gateway resource`);
      if (direct.has(`${r.method} ${r.path}`)) {
        assert.equal(integrationOf(m).type, "AWS", `${r.path} is a direct integration`);
        continue;
      }
      assert.ok(m.http_method === "ANY" || m.http_method === r.method, `${r.method} ${r.path}`);
      assert.match(integrationOf(m).uri, /:8080\//, `${r.method} ${r.path} goes to the gateway-shim service`);
      assert.equal(m.authorization, r.path.startsWith("/webhooks/") ? "NONE" : "COGNITO_USER_POOLS", r.path);
    }
    for (const path of [
      "/v1/support/dlq/messages",
      "/v1/support/tickets/x1/resolve",
      "/v1/troubleshooter",
      "/v1/troubleshooter/conversations/x1/messages",
    ])
      assert.match(integrationOf(route(path)).uri, /:8084\//, `${path} goes to the support service`);
  });

  it("gives users a public app client to sign in with, and answers API Gateway's own errors as problem JSON", () => {
    const client = one("aws_cognito_user_pool_client", (c) => c.name === "syncwell-prod-app");
    assert.equal(client.generate_secret, false);
    assert.ok(client.explicit_auth_flows.includes("ALLOW_USER_SRP_AUTH"));
    const unauthorized = one("aws_api_gateway_gateway_response", (r) => r.response_type === "UNAUTHORIZED");
    assert.equal(unauthorized.status_code, "401");
    assert.equal(unauthorized.response_parameters["gatewayresponse.header.Content-Type"], "'application/problem+json'");
  });
});
