import { createHash } from "node:crypto";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer/index.js";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment/index.js";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response/index.js";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration/index.js";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response/index.js";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method/index.js";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response/index.js";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings/index.js";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource/index.js";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api/index.js";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage/index.js";
import { ApiGatewayVpcLink } from "@cdktf/provider-aws/lib/api-gateway-vpc-link/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Identity } from "./identity.ts";
import type { Templates } from "./mappingTemplates.ts";
import { DIRECT_INTEGRATION_CALLS } from "./permissions.ts";

export interface SyncApiProps {
  prefix: string;
  region: string;
  accountId: string;
  environment: string;
  queue: { name: string; arn: string };
  table: { name: string; arn: string };
  kmsKeyArn: string;
  identity: Identity;
  /** The internal NLB in front of the gateway-shim and support services, and its ports. */
  loadBalancer: { arn: string; dnsName: string };
  ports: { gateway: number; support: number };
  /** The mapping templates (gateway-shim/mapping), deployed as they are. */
  templates: Templates;
}

type Auth = "users" | "agents" | "none";

/** Header overrides the response templates make; method responses declare them. */
const TEMPLATE_HEADERS = ["Content-Type", "Location", "Retry-After"];
const problem = (status: number, title: string, detail: string) =>
  `{"type":"about:blank","title":"${title}","status":${status},"detail":${detail}}`;

/**
 * The public REST API. Two routes are direct service integrations with the mapping templates the
 * local gateway executes too: `POST /v1/sync-configs/{id}/sync` → SQS SendMessage and
 * `GET /v1/sync-jobs/{jobId}` → DynamoDB GetItem. Everything else the app calls (connections,
 * sync configs, the troubleshooter) and the partners' webhooks are proxied through a VPC link to
 * the gateway-shim and support services. Users authenticate with the users' pool; the support
 * API (`/v1/support/…`) takes agents' tokens only. Every method, integration, integration
 * response and method response is tied together with depends_on, and the deployment's trigger
 * hashes the whole definition, templates included, so any change redeploys the stage.
 */
export class SyncApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  /** Everything that defines the API, in plain values: what the deployment trigger hashes. */
  readonly definition: unknown[] = [];

  constructor(scope: Construct, id: string, p: SyncApiProps) {
    super(scope, id);
    this.api = new ApiGatewayRestApi(this, "api", {
      name: `${p.prefix}-api`,
      endpointConfiguration: { types: ["REGIONAL"] },
      disableExecuteApiEndpoint: false,
    });
    const restApiId = this.api.id;
    const parts: ITerraformDependable[] = [];
    const ids: string[] = [];
    const authorizers = {
      users: new ApiGatewayAuthorizer(this, "users-authorizer", {
        name: `${p.prefix}-users`,
        restApiId,
        type: "COGNITO_USER_POOLS",
        providerArns: [p.identity.users.pool.arn],
        identitySource: "method.request.header.Authorization",
      }),
      agents: new ApiGatewayAuthorizer(this, "agents-authorizer", {
        name: `${p.prefix}-agents`,
        restApiId,
        type: "COGNITO_USER_POOLS",
        providerArns: [p.identity.agents.pool.arn],
        identitySource: "method.request.header.Authorization",
      }),
    };
    const role = new IamRole(this, "integration-role", {
      name: `${p.prefix}-api-integrations`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicy(this, "integration-policy", {
      name: `${p.prefix}-api-integrations`,
      role: role.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          ...DIRECT_INTEGRATION_CALLS.map((call) => ({
            Effect: "Allow",
            Action: [call.action],
            Resource: [call.on === "hot" ? p.queue.arn : p.table.arn],
          })),
          // The queue is encrypted with the key: a sender makes data keys.
          { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [p.kmsKeyArn] },
        ],
      }),
    });
    const vpcLink = new ApiGatewayVpcLink(this, "vpc-link", { name: `${p.prefix}-services`, targetArns: [p.loadBalancer.arn] });

    const resources = new Map<string, ApiGatewayResource>();
    const resource = (path: string): { id: string } => {
      if (path === "") return { id: this.api.rootResourceId };
      const known = resources.get(path);
      if (known) return known;
      const at = path.lastIndexOf("/");
      const parent = resource(path.slice(0, at));
      const key = path.slice(1).replace(/[{}+]/g, "").replace(/\//g, "-") || "root";
      const created = new ApiGatewayResource(this, `path-${key}`, { restApiId, parentId: parent.id, pathPart: path.slice(at + 1) });
      resources.set(path, created);
      this.definition.push({ resource: path });
      ids.push(created.id);
      return created;
    };
    const method = (path: string, httpMethod: string, auth: Auth, requestParameters: Record<string, boolean>) => {
      const key = `${httpMethod.toLowerCase()}-${path.slice(1).replace(/[{}+]/g, "").replace(/\//g, "-")}`;
      const config = {
        authorization: auth === "none" ? "NONE" : "COGNITO_USER_POOLS",
        requestParameters,
      };
      const created = new ApiGatewayMethod(this, `method-${key}`, {
        restApiId,
        resourceId: resource(path).id,
        httpMethod,
        ...config,
        ...(auth === "none" ? {} : { authorizerId: authorizers[auth].id }),
      });
      this.definition.push({ method: `${httpMethod} ${path}`, auth, ...config });
      parts.push(created);
      ids.push(created.id);
      return { key, method: created, resourceId: resource(path).id };
    };

    // ── the app's and the partners' routes, proxied to the services ───────────────────────────
    const proxy = (path: string, service: "gateway" | "support", auth: Auth) => {
      const params = [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1] as string);
      const m = method(path, "ANY", auth, Object.fromEntries(params.map((n) => [`method.request.path.${n}`, true])));
      const uri = `http://${p.loadBalancer.dnsName}:${p.ports[service]}${path.replace(/\{(\w+)\+\}/g, "{$1}")}`;
      const config = {
        type: "HTTP_PROXY",
        integrationHttpMethod: "ANY",
        connectionType: "VPC_LINK",
        requestParameters: Object.fromEntries(params.map((n) => [`integration.request.path.${n}`, `method.request.path.${n}`])),
        timeoutMilliseconds: 29_000,
      };
      const integration = new ApiGatewayIntegration(this, `integration-${m.key}`, {
        restApiId,
        resourceId: m.resourceId,
        httpMethod: m.method.httpMethod,
        connectionId: vpcLink.id,
        uri,
        ...config,
        dependsOn: [m.method],
      });
      this.definition.push({ integration: `ANY ${path}`, service, path, ...config });
      parts.push(integration);
      ids.push(integration.id);
    };
    proxy("/v1/connections", "gateway", "users");
    proxy("/v1/connections/{proxy+}", "gateway", "users");
    proxy("/v1/sync-configs", "gateway", "users");
    proxy("/v1/sync-configs/{id}", "gateway", "users");
    proxy("/v1/sync-configs/{id}/{proxy+}", "gateway", "users");
    proxy("/v1/device-uploads", "gateway", "users");
    proxy("/webhooks/{provider}", "gateway", "none");
    proxy("/v1/troubleshooter", "support", "users");
    proxy("/v1/troubleshooter/{proxy+}", "support", "users");
    proxy("/v1/support/{proxy+}", "support", "agents");

    // ── the two direct service integrations, with the shared templates ────────────────────────
    const direct = (
      path: string,
      httpMethod: string,
      requestParameters: Record<string, boolean>,
      integration: { uri: string; requestTemplate: string; headers?: Record<string, string> },
      success: { status: string; template: string },
      /** Every status the response templates can set through `$context.responseOverride.status`. */
      overrides: string[],
    ) => {
      const m = method(path, httpMethod, "users", requestParameters);
      const config = {
        type: "AWS",
        integrationHttpMethod: "POST",
        uri: integration.uri,
        passthroughBehavior: "NEVER",
        requestParameters: integration.headers ?? {},
        requestTemplates: { "application/json": integration.requestTemplate },
      };
      const created = new ApiGatewayIntegration(this, `integration-${m.key}`, {
        restApiId,
        resourceId: m.resourceId,
        httpMethod: m.method.httpMethod,
        credentials: role.arn,
        ...config,
        dependsOn: [m.method],
      });
      this.definition.push({ integration: `${httpMethod} ${path}`, ...config });
      parts.push(created);
      ids.push(created.id);
      const statuses = [...new Set([success.status, "503", ...overrides])];
      const methodResponses = new Map(
        statuses.map((statusCode) => {
          const responseParameters = Object.fromEntries(TEMPLATE_HEADERS.map((h) => [`method.response.header.${h}`, false]));
          const response = new ApiGatewayMethodResponse(this, `response-${m.key}-${statusCode}`, {
            restApiId,
            resourceId: m.resourceId,
            httpMethod: m.method.httpMethod,
            statusCode,
            responseParameters,
            dependsOn: [m.method],
          });
          this.definition.push({ methodResponse: `${httpMethod} ${path} ${statusCode}`, responseParameters });
          parts.push(response);
          return [statusCode, response] as const;
        }),
      );
      const answer = (statusCode: string, template: string, selectionPattern?: string) => {
        const methodResponse = methodResponses.get(statusCode) as ApiGatewayMethodResponse;
        const config = {
          statusCode,
          responseTemplates: { "application/json": template },
          ...(selectionPattern ? { selectionPattern } : {}),
        };
        const response = new ApiGatewayIntegrationResponse(this, `mapping-${m.key}-${statusCode}`, {
          restApiId,
          resourceId: m.resourceId,
          httpMethod: m.method.httpMethod,
          ...config,
          dependsOn: [created, methodResponse],
        });
        this.definition.push({ integrationResponse: `${httpMethod} ${path}`, ...config });
        parts.push(response);
      };
      answer(success.status, success.template);
      // Anything SQS or DynamoDB refuses or fails (throttling, KMS, an outage): 503, retry later.
      answer("503", p.templates["unavailable-response"], "[45]\\d{2}");
    };
    const overrides = (template: string) => [...template.matchAll(/responseOverride\.status\s*=\s*(\d{3})/g)].map((m) => m[1] as string);

    direct(
      "/v1/sync-configs/{id}/sync",
      "POST",
      { "method.request.path.id": true },
      {
        uri: `arn:aws:apigateway:${p.region}:sqs:path/${p.accountId}/${p.queue.name}`,
        requestTemplate: p.templates["sync-request"],
        headers: { "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'" },
      },
      { status: "202", template: p.templates["sync-response"] },
      overrides(p.templates["sync-response"]),
    );
    direct(
      "/v1/sync-jobs/{jobId}",
      "GET",
      { "method.request.path.jobId": true },
      { uri: `arn:aws:apigateway:${p.region}:dynamodb:action/GetItem`, requestTemplate: p.templates["job-request"] },
      { status: "200", template: p.templates["job-response"] },
      overrides(p.templates["job-response"]),
    );

    // ── API Gateway's own answers as problem JSON ─────────────────────────────────────────────
    const gatewayResponses: [string, number, string][] = [
      ["UNAUTHORIZED", 401, "Unauthorized"],
      ["ACCESS_DENIED", 403, "Forbidden"],
      ["MISSING_AUTHENTICATION_TOKEN", 404, "Not Found"],
      ["BAD_REQUEST_PARAMETERS", 400, "Bad Request"],
      ["BAD_REQUEST_BODY", 400, "Bad Request"],
      ["UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type"],
      ["THROTTLED", 429, "Too Many Requests"],
      ["DEFAULT_5XX", 503, "Service Unavailable"],
    ];
    for (const [responseType, status, title] of gatewayResponses) {
      const config = {
        responseType,
        statusCode: String(status),
        responseParameters: { "gatewayresponse.header.Content-Type": "'application/problem+json'" },
        responseTemplates: { "application/json": problem(status, title, "$context.error.messageString") },
      };
      const response = new ApiGatewayGatewayResponse(this, `gateway-${responseType.toLowerCase()}`, { restApiId, ...config });
      this.definition.push({ gatewayResponse: config });
      parts.push(response);
    }

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId,
      description: `${p.prefix}: the definition with hash in triggers`,
      triggers: {
        // References are tokens that differ between synths; the ids below stand for them.
        definition: createHash("sha256")
          .update(JSON.stringify(this.definition).replace(/\$\{TfToken\[[^\]]+\]\}/g, "<reference>"))
          .digest("hex"),
        resources: Fn.sha1(Fn.jsonencode(ids)),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: parts,
    });
    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId,
      deploymentId: deployment.id,
      stageName: p.environment,
      variables: { tableName: p.table.name },
    });
    new ApiGatewayMethodSettings(this, "throttling", {
      restApiId,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: { throttlingRateLimit: 200, throttlingBurstLimit: 400, metricsEnabled: true },
    });
  }
}
