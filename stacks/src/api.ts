import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer/index.js";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment/index.js";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration/index.js";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response/index.js";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method/index.js";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response/index.js";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator/index.js";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource/index.js";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api/index.js";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage/index.js";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Fn } from "cdktf";
import { Construct } from "constructs";

export interface SyncApiProps {
  prefix: string;
  region: string;
  accountId: string;
  queue: { name: string; arn: string };
  table: { name: string; arn: string };
  kmsKeyArn: string;
}

/**
 * API Gateway with direct service integrations (no Lambda): the mobile sync is a SendMessage to
 * the FIFO queue, the job status a DynamoDB GetItem — both behind a Cognito JWT authoriser.
 */
export class SyncApi extends Construct {
  readonly api: ApiGatewayRestApi;

  constructor(scope: Construct, id: string, props: SyncApiProps) {
    super(scope, id);
    const pool = new CognitoUserPool(this, "users", {
      name: `${props.prefix}-users`,
      mfaConfiguration: "OPTIONAL",
      softwareTokenMfaConfiguration: { enabled: true },
    });
    this.api = new ApiGatewayRestApi(this, "api", { name: `${props.prefix}-api`, endpointConfiguration: { types: ["REGIONAL"] } });
    const restApiId = this.api.id;
    const authorizer = new ApiGatewayAuthorizer(this, "jwt", {
      name: "cognito-jwt",
      restApiId,
      type: "COGNITO_USER_POOLS",
      providerArns: [pool.arn],
      identitySource: "method.request.header.Authorization",
    });
    const role = new IamRole(this, "integration-role", {
      name: `${props.prefix}-api-integrations`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicy(this, "integration-policy", {
      name: "send-and-read-status",
      role: role.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [props.queue.arn] },
          { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: [props.table.arn] },
          { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [props.kmsKeyArn] },
        ],
      }),
    });
    const validator = new ApiGatewayRequestValidator(this, "validate-params", {
      restApiId,
      name: "parameters",
      validateRequestParameters: true,
    });

    const path = (parent: string, part: string, name: string) =>
      new ApiGatewayResource(this, name, { restApiId, parentId: parent, pathPart: part });
    const v1 = path(this.api.rootResourceId, "v1", "v1");
    const configs = path(v1.id, "sync-configs", "sync-configs");
    const config = path(configs.id, "{id}", "sync-config");
    const sync = path(config.id, "sync", "sync");
    const jobs = path(v1.id, "sync-jobs", "sync-jobs");
    const job = path(jobs.id, "{jobId}", "sync-job");

    // POST /v1/sync-configs/{id}/sync → SQS SendMessage (MessageGroupId = the JWT subject).
    const post = new ApiGatewayMethod(this, "sync-post", {
      restApiId,
      resourceId: sync.id,
      httpMethod: "POST",
      authorization: "COGNITO_USER_POOLS",
      authorizerId: authorizer.id,
      requestValidatorId: validator.id,
      requestParameters: { "method.request.header.Idempotency-Key": true, "method.request.path.id": true },
    });
    const body = [
      '{"jobId":"$context.requestId"',
      '"userId":"$context.authorizer.claims.sub"',
      `"syncConfigId":"$util.escapeJavaScript($input.params('id'))"`,
      '"trigger":"manual"',
      '"requestedAt":"$context.requestTimeEpoch"',
      `"idempotencyKey":"$util.escapeJavaScript($input.params('Idempotency-Key'))"}`,
    ].join(",");
    const sendIntegration = new ApiGatewayIntegration(this, "sync-sqs", {
      restApiId,
      resourceId: sync.id,
      httpMethod: post.httpMethod,
      type: "AWS",
      integrationHttpMethod: "POST",
      uri: `arn:aws:apigateway:${props.region}:sqs:path/${props.accountId}/${props.queue.name}`,
      credentials: role.arn,
      passthroughBehavior: "NEVER",
      requestParameters: { "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'" },
      requestTemplates: {
        "application/json": [
          "Action=SendMessage",
          "MessageGroupId=$util.urlEncode($context.authorizer.claims.sub)",
          "MessageDeduplicationId=$util.urlEncode($input.params('Idempotency-Key'))",
          `MessageBody=$util.urlEncode(${body})`,
        ].join("&"),
      },
    });
    new ApiGatewayMethodResponse(this, "sync-202", { restApiId, resourceId: sync.id, httpMethod: post.httpMethod, statusCode: "202" });
    new ApiGatewayIntegrationResponse(this, "sync-202-mapping", {
      restApiId,
      resourceId: sync.id,
      httpMethod: post.httpMethod,
      statusCode: "202",
      selectionPattern: "2\\d{2}",
      responseTemplates: { "application/json": '{"jobId":"$context.requestId"}' },
      dependsOn: [sendIntegration],
    });

    // GET /v1/sync-jobs/{jobId} → DynamoDB GetItem; another user's job answers 404.
    const get = new ApiGatewayMethod(this, "job-get", {
      restApiId,
      resourceId: job.id,
      httpMethod: "GET",
      authorization: "COGNITO_USER_POOLS",
      authorizerId: authorizer.id,
      requestParameters: { "method.request.path.jobId": true },
    });
    const getIntegration = new ApiGatewayIntegration(this, "job-dynamodb", {
      restApiId,
      resourceId: job.id,
      httpMethod: get.httpMethod,
      type: "AWS",
      integrationHttpMethod: "POST",
      uri: `arn:aws:apigateway:${props.region}:dynamodb:action/GetItem`,
      credentials: role.arn,
      passthroughBehavior: "NEVER",
      requestTemplates: {
        "application/json": JSON.stringify({
          TableName: props.table.name,
          Key: { pk: { S: "JOB#$util.escapeJavaScript($input.params('jobId'))" }, sk: { S: "JOB" } },
          ConsistentRead: true,
        }),
      },
    });
    new ApiGatewayMethodResponse(this, "job-200", { restApiId, resourceId: job.id, httpMethod: get.httpMethod, statusCode: "200" });
    new ApiGatewayIntegrationResponse(this, "job-200-mapping", {
      restApiId,
      resourceId: job.id,
      httpMethod: get.httpMethod,
      statusCode: "200",
      responseTemplates: {
        "application/json": [
          "#set($item = $input.path('$.Item'))",
          "#if($item == '' || $item.userId.S != $context.authorizer.claims.sub)",
          "#set($context.responseOverride.status = 404)",
          '{"type":"about:blank","title":"Not Found","status":404,"detail":"no such job"}',
          "#else",
          '{"jobId":"$item.jobId.S","status":"$item.status.S","attempts":$item.attempts.N}',
          "#end",
        ].join("\n"),
      },
      dependsOn: [getIntegration],
    });

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId,
      triggers: { redeployment: Fn.sha1(Fn.jsonencode([post.id, sendIntegration.id, get.id, getIntegration.id])) },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [sendIntegration, getIntegration],
    });
    new ApiGatewayStage(this, "stage", { restApiId, deploymentId: deployment.id, stageName: "v1" });
  }
}
