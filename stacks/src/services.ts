import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table/index.js";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import type { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { Construct } from "constructs";

const policy = (statements: { Action: string[]; Resource: string[] }[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) });
const assume = (service: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

export interface SyncServicesProps {
  prefix: string;
  region: string;
  environment: string;
  image: string;
  accountId: string;
  key: KmsKey;
  queues: { hot: SqsQueue; hotDlq: SqsQueue; webhook: SqsQueue; webhookDlq: SqsQueue };
  table: DynamodbTable;
  redisHost: string;
  subnetIds: string[];
  securityGroupId: string;
  secrets: SecretsmanagerSecret;
  secretKeys: string[];
  appconfig: { applicationId: string; environmentId: string; profileId: string };
}

/** The Fargate services: one image, one least-privilege role per task, backlog autoscaling for the queue consumers. */
export class SyncServices extends Construct {
  constructor(scope: Construct, id: string, p: SyncServicesProps) {
    super(scope, id);
    // ── ECS: one image, one least-privilege role per task ─────────────────────
    const cluster = new EcsCluster(this, "cluster", { name: p.prefix, setting: [{ name: "containerInsights", value: "enabled" }] });
    const executionRole = new IamRole(this, "execution-role", {
      name: `${p.prefix}-task-execution`,
      assumeRolePolicy: assume("ecs-tasks.amazonaws.com"),
    });
    new IamRolePolicyAttachment(this, "execution-managed", {
      role: executionRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    });
    new IamRolePolicy(this, "execution-secrets", {
      name: "read-partner-secrets",
      role: executionRole.id,
      policy: policy([
        { Action: ["secretsmanager:GetSecretValue"], Resource: [p.secrets.arn] },
        { Action: ["kms:Decrypt"], Resource: [p.key.arn] },
      ]),
    });
    const tableResources = [p.table.arn, `${p.table.arn}/index/*`];
    const appconfigRead = {
      Action: ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"],
      Resource: [
        `arn:aws:appconfig:${p.region}:${p.accountId}:application/${p.appconfig.applicationId}/environment/${p.appconfig.environmentId}/configuration/${p.appconfig.profileId}`,
      ],
    };
    const kmsUse = { Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [p.key.arn] };
    const services: {
      name: string;
      entry: string;
      port: number;
      cpu: string;
      memory: string;
      min: number;
      max: number;
      scaleOn?: SqsQueue;
      /** Keys of the secret this task gets (default: the partner and token keys). */
      secrets?: string[];
      statements: { Action: string[]; Resource: string[] }[];
    }[] = [
      {
        name: "worker",
        entry: "worker/src/main.ts",
        port: 8081,
        cpu: "512",
        memory: "1024",
        min: 1,
        max: 20,
        scaleOn: p.queues.hot,
        statements: [
          {
            Action: [
              "sqs:ReceiveMessage",
              "sqs:DeleteMessage",
              "sqs:ChangeMessageVisibility",
              "sqs:SendMessage",
              "sqs:GetQueueUrl",
              "sqs:GetQueueAttributes",
            ],
            Resource: [p.queues.hot.arn, p.queues.hotDlq.arn],
          },
          { Action: ["sqs:GetQueueUrl", "sqs:GetQueueAttributes"], Resource: [p.queues.webhook.arn, p.queues.webhookDlq.arn] },
          {
            Action: [
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:Query",
              "dynamodb:BatchGetItem",
              "dynamodb:BatchWriteItem",
            ],
            Resource: tableResources,
          },
          kmsUse,
          appconfigRead,
        ],
      },
      {
        name: "coalescer",
        entry: "coalescer/src/main.ts",
        port: 8082,
        cpu: "256",
        memory: "512",
        min: 1,
        max: 5,
        scaleOn: p.queues.webhook,
        statements: [
          {
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:SendMessage", "sqs:GetQueueUrl"],
            Resource: [p.queues.webhook.arn],
          },
          { Action: ["sqs:SendMessage", "sqs:GetQueueUrl"], Resource: [p.queues.hot.arn] },
          { Action: ["sqs:GetQueueUrl"], Resource: [p.queues.hotDlq.arn, p.queues.webhookDlq.arn] },
          { Action: ["dynamodb:Query", "dynamodb:UpdateItem"], Resource: tableResources },
          kmsUse,
        ],
      },
      {
        name: "poller",
        entry: "poller/src/main.ts",
        port: 8083,
        cpu: "256",
        memory: "512",
        min: 1,
        max: 3,
        statements: [
          { Action: ["sqs:SendMessage", "sqs:GetQueueUrl"], Resource: [p.queues.hot.arn] },
          { Action: ["sqs:GetQueueUrl"], Resource: [p.queues.hotDlq.arn, p.queues.webhook.arn, p.queues.webhookDlq.arn] },
          {
            Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"],
            Resource: tableResources,
          },
          kmsUse,
        ],
      },
      {
        // The DLQ playbook and the troubleshooter; its PostgreSQL (tickets, audit, KB) is DATABASE_URL.
        name: "support",
        entry: "support/src/main.ts",
        port: 8084,
        cpu: "256",
        memory: "1024",
        min: 1,
        max: 2,
        secrets: ["TOKEN_ENCRYPTION_KEY", "DATABASE_URL", "SUPPORT_JWT_SECRET", "GATEWAY_JWT_SECRET"],
        statements: [
          {
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
            Resource: [p.queues.hotDlq.arn],
          },
          { Action: ["sqs:SendMessage", "sqs:GetQueueUrl"], Resource: [p.queues.hot.arn] },
          { Action: ["sqs:GetQueueUrl"], Resource: [p.queues.webhook.arn, p.queues.webhookDlq.arn] },
          { Action: ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"], Resource: tableResources },
          kmsUse,
        ],
      },
    ];
    for (const s of services) {
      const taskRole = new IamRole(this, `${s.name}-role`, {
        name: `${p.prefix}-${s.name}`,
        assumeRolePolicy: assume("ecs-tasks.amazonaws.com"),
      });
      new IamRolePolicy(this, `${s.name}-policy`, { name: `${s.name}-least-privilege`, role: taskRole.id, policy: policy(s.statements) });
      const logs = new CloudwatchLogGroup(this, `${s.name}-logs`, {
        name: `/syncwell/${p.environment}/${s.name}`,
        retentionInDays: 30,
        kmsKeyId: p.key.arn,
      });
      const task = new EcsTaskDefinition(this, `${s.name}-task`, {
        family: `${p.prefix}-${s.name}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: s.cpu,
        memory: s.memory,
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: JSON.stringify([
          {
            name: s.name,
            image: p.image,
            command: [s.entry],
            essential: true,
            portMappings: [{ containerPort: s.port }],
            environment: [
              { name: "AWS_REGION", value: p.region },
              { name: "REDIS_URL", value: `rediss://${p.redisHost}:6379` },
              { name: `${s.name.toUpperCase()}_PORT`, value: String(s.port) },
              { name: "LOG_LEVEL", value: "info" },
            ],
            secrets: (s.secrets ?? p.secretKeys).map((k) => ({ name: k, valueFrom: `${p.secrets.arn}:${k}::` })),
            healthCheck: {
              command: [
                "CMD",
                "node",
                "-e",
                `fetch('http://127.0.0.1:${s.port}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
              ],
            },
            logConfiguration: {
              logDriver: "awslogs",
              options: { "awslogs-group": logs.name, "awslogs-region": p.region, "awslogs-stream-prefix": s.name },
            },
          },
        ]),
      });
      const service = new EcsService(this, `${s.name}-service`, {
        name: s.name,
        cluster: cluster.id,
        taskDefinition: task.arn,
        desiredCount: s.min,
        launchType: "FARGATE",
        networkConfiguration: { subnets: p.subnetIds, securityGroups: [p.securityGroupId], assignPublicIp: false },
        lifecycle: { ignoreChanges: ["desired_count"] },
      });
      const target = new AppautoscalingTarget(this, `${s.name}-scaling`, {
        serviceNamespace: "ecs",
        resourceId: `service/${cluster.name}/${service.name}`,
        scalableDimension: "ecs:service:DesiredCount",
        minCapacity: s.min,
        maxCapacity: s.max,
      });
      if (s.scaleOn) {
        // Backlog per task: visible messages / running tasks, kept near 10.
        new AppautoscalingPolicy(this, `${s.name}-backlog`, {
          name: `${p.prefix}-${s.name}-backlog-per-task`,
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: 10,
            scaleInCooldown: 120,
            scaleOutCooldown: 30,
            customizedMetricSpecification: {
              metrics: [
                {
                  id: "visible",
                  returnData: false,
                  metricStat: {
                    stat: "Sum",
                    metric: {
                      namespace: "AWS/SQS",
                      metricName: "ApproximateNumberOfMessagesVisible",
                      dimensions: [{ name: "QueueName", value: s.scaleOn.name }],
                    },
                  },
                },
                {
                  id: "tasks",
                  returnData: false,
                  metricStat: {
                    stat: "Average",
                    metric: {
                      namespace: "ECS/ContainerInsights",
                      metricName: "RunningTaskCount",
                      dimensions: [
                        { name: "ClusterName", value: cluster.name },
                        { name: "ServiceName", value: service.name },
                      ],
                    },
                  },
                },
                { id: "backlog_per_task", expression: "visible / IF(tasks > 0, tasks, 1)", label: "backlog per task", returnData: true },
              ],
            },
          },
        });
      }
    }
  }
}
