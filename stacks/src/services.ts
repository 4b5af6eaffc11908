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
import { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener/index.js";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import type { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { DEVICE_UPLOAD_PREFIX } from "@syncwell/core";
import { Construct } from "constructs";
import { type Grant, type Resource, type ServiceName, TASK_GRANTS } from "./permissions.ts";

const policy = (statements: { Action: string[]; Resource: string[] }[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) });
const assume = (service: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

/** What a service needs to know about where it runs, as plain environment variables. */
export interface ServiceEnvironment {
  common: Record<string, string>;
  partners: Record<string, string>;
  /** Where the worker reads the sync tuning (AppConfig: syncTuning.ts). */
  worker: Record<string, string>;
  gateway: Record<string, string>;
  support: Record<string, string>;
}

export interface SyncServicesProps {
  prefix: string;
  region: string;
  environment: string;
  image: string;
  key: KmsKey;
  queues: Record<"hot" | "hotDlq" | "webhook" | "webhookDlq", SqsQueue>;
  table: DynamodbTable;
  /** The device-upload bucket (deviceUploads.ts); grants reach its `device-uploads/` prefix only. */
  deviceUploadBucketArn: string;
  vpcId: string;
  privateSubnetIds: string[];
  securityGroupId: string;
  secrets: SecretsmanagerSecret;
  /** The deployed AppConfig configuration the worker reads (SyncTuning.configurationArn). */
  syncTuningArn: string;
  env: ServiceEnvironment;
}

/** The secret keys each kind of task reads (values live in Secrets Manager, set out of band). */
export const PARTNER_SECRET_KEYS = [
  "STRAVA_CLIENT_SECRET",
  "GARMIN_CLIENT_SECRET",
  "POLAR_CLIENT_SECRET",
  "OURA_CLIENT_SECRET",
  "WITHINGS_CLIENT_SECRET",
];
export const WEBHOOK_SECRET_KEYS = ["STRAVA_VERIFY_TOKEN", "OURA_VERIFICATION_TOKEN"];
export const ALL_SECRET_KEYS = ["TOKEN_ENCRYPTION_KEY", ...PARTNER_SECRET_KEYS, ...WEBHOOK_SECRET_KEYS, "DATABASE_URL"];

interface ServiceSpec {
  name: ServiceName;
  /** The workspace whose src/main.ts the container runs. */
  workspace: string;
  port: number;
  cpu: string;
  memory: string;
  min: number;
  max: number;
  scaleOn?: SqsQueue;
  environment: Record<string, string>;
  secrets: string[];
  /** Behind the internal NLB (API Gateway's VPC link). */
  public?: boolean;
}

/**
 * The Fargate services — the control API and webhooks (gateway-shim), worker, coalescer, poller
 * and support — from one image, each with its own least-privilege role (permissions.ts), its own
 * environment and only the secret keys its config schema reads. The gateway and support sit
 * behind one internal network load balancer that API Gateway reaches through a VPC link.
 */
export class SyncServices extends Construct {
  readonly loadBalancer: Lb;
  /** The NLB's listener port of each service it fronts. */
  readonly ports: { gateway: number; support: number };

  constructor(scope: Construct, id: string, p: SyncServicesProps) {
    super(scope, id);
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
      name: `${p.prefix}-read-secrets`,
      role: executionRole.id,
      policy: policy([
        { Action: ["secretsmanager:GetSecretValue"], Resource: [p.secrets.arn] },
        { Action: ["kms:Decrypt"], Resource: [p.key.arn] },
      ]),
    });

    this.ports = { gateway: 8080, support: 8084 };
    this.loadBalancer = new Lb(this, "nlb", {
      name: `${p.prefix}-nlb`.slice(0, 32),
      internal: true,
      loadBalancerType: "network",
      subnets: p.privateSubnetIds,
      enableCrossZoneLoadBalancing: true,
    });

    const services: ServiceSpec[] = [
      {
        name: "gateway",
        workspace: "gateway-shim",
        port: this.ports.gateway,
        cpu: "512",
        memory: "1024",
        min: 2,
        max: 10,
        environment: { ...p.env.common, ...p.env.partners, ...p.env.gateway, GATEWAY_PORT: "8080", GATEWAY_HOST: "0.0.0.0" },
        secrets: ["TOKEN_ENCRYPTION_KEY", ...PARTNER_SECRET_KEYS, ...WEBHOOK_SECRET_KEYS],
        public: true,
      },
      {
        name: "worker",
        workspace: "worker",
        port: 8081,
        cpu: "512",
        memory: "1024",
        min: 1,
        max: 20,
        scaleOn: p.queues.hot,
        environment: { ...p.env.common, ...p.env.partners, ...p.env.worker, WORKER_PORT: "8081", WORKER_HOST: "0.0.0.0" },
        secrets: ["TOKEN_ENCRYPTION_KEY", ...PARTNER_SECRET_KEYS],
      },
      {
        name: "coalescer",
        workspace: "coalescer",
        port: 8082,
        cpu: "256",
        memory: "512",
        min: 1,
        max: 5,
        scaleOn: p.queues.webhook,
        // Partner clients: a deauthorisation is confirmed with the partner before a connection is revoked.
        environment: { ...p.env.common, ...p.env.partners, COALESCER_PORT: "8082", COALESCER_HOST: "0.0.0.0" },
        secrets: ["TOKEN_ENCRYPTION_KEY", ...PARTNER_SECRET_KEYS],
      },
      {
        name: "poller",
        workspace: "poller",
        port: 8083,
        cpu: "256",
        memory: "512",
        min: 1,
        max: 3,
        environment: { ...p.env.common, ...p.env.partners, POLLER_PORT: "8083", POLLER_HOST: "0.0.0.0" },
        secrets: ["TOKEN_ENCRYPTION_KEY", ...PARTNER_SECRET_KEYS],
      },
      {
        // The DLQ playbook (agents) and the troubleshooter (users); its PostgreSQL is DATABASE_URL.
        name: "support",
        workspace: "support",
        port: this.ports.support,
        cpu: "256",
        memory: "1024",
        min: 1,
        max: 2,
        environment: { ...p.env.common, ...p.env.support, SUPPORT_PORT: "8084", SUPPORT_HOST: "0.0.0.0" },
        secrets: ["TOKEN_ENCRYPTION_KEY", "DATABASE_URL"],
        public: true,
      },
    ];

    const arnOf = (resource: Resource): string => {
      if (resource === "table") return p.table.arn;
      if (resource === "syncTuning") return p.syncTuningArn;
      if (resource === "deviceUploads") return `${p.deviceUploadBucketArn}/${DEVICE_UPLOAD_PREFIX}*`;
      if (resource === "gsi1" || resource === "gsi2") return `${p.table.arn}/index/${resource}`;
      return p.queues[resource].arn;
    };
    const statementsOf = (grants: Grant[]) => {
      const statements = grants.map((g) => ({ Action: g.actions, Resource: g.on.map(arnOf) }));
      // SQS and the device-upload bucket encrypt with the key: writers make data keys, readers decrypt them.
      const actions = grants.flatMap((g) => g.actions);
      const writes = actions.some((a) => a === "sqs:SendMessage" || a === "s3:PutObject");
      const kms = [
        ...(writes ? ["kms:GenerateDataKey"] : []),
        ...(writes || actions.some((a) => a === "sqs:ReceiveMessage" || a === "s3:GetObject") ? ["kms:Decrypt"] : []),
      ];
      return kms.length > 0 ? [...statements, { Action: kms, Resource: [p.key.arn] }] : statements;
    };

    for (const s of services) {
      const taskRole = new IamRole(this, `${s.name}-role`, {
        name: `${p.prefix}-${s.name}`,
        assumeRolePolicy: assume("ecs-tasks.amazonaws.com"),
      });
      new IamRolePolicy(this, `${s.name}-policy`, {
        name: `${p.prefix}-${s.name}-least-privilege`,
        role: taskRole.id,
        policy: policy(statementsOf(TASK_GRANTS[s.name])),
      });
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
            command: [`${s.workspace}/src/main.ts`],
            essential: true,
            portMappings: [{ containerPort: s.port }],
            environment: Object.entries(s.environment).map(([name, value]) => ({ name, value })),
            secrets: s.secrets.map((k) => ({ name: k, valueFrom: `${p.secrets.arn}:${k}::` })),
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
      let loadBalancer: { targetGroupArn: string; containerName: string; containerPort: number }[] | undefined;
      let listener: LbListener | undefined;
      if (s.public) {
        const targets = new LbTargetGroup(this, `${s.name}-targets`, {
          name: `${p.prefix}-${s.name}`.slice(0, 32),
          port: s.port,
          protocol: "TCP",
          targetType: "ip",
          vpcId: p.vpcId,
          healthCheck: {
            protocol: "HTTP",
            path: "/health",
            port: "traffic-port",
            healthyThreshold: 2,
            unhealthyThreshold: 2,
            interval: 10,
          },
          deregistrationDelay: "30",
        });
        listener = new LbListener(this, `${s.name}-listener`, {
          loadBalancerArn: this.loadBalancer.arn,
          port: s.port,
          protocol: "TCP",
          defaultAction: [{ type: "forward", targetGroupArn: targets.arn }],
        });
        loadBalancer = [{ targetGroupArn: targets.arn, containerName: s.name, containerPort: s.port }];
      }
      const service = new EcsService(this, `${s.name}-service`, {
        name: `${p.prefix}-${s.name}`,
        cluster: cluster.id,
        taskDefinition: task.arn,
        desiredCount: s.min,
        launchType: "FARGATE",
        networkConfiguration: { subnets: p.privateSubnetIds, securityGroups: [p.securityGroupId], assignPublicIp: false },
        lifecycle: { ignoreChanges: ["desired_count"] },
        ...(loadBalancer ? { loadBalancer, healthCheckGracePeriodSeconds: 60, dependsOn: listener ? [listener] : [] } : {}),
      });
      const target = new AppautoscalingTarget(this, `${s.name}-scaling`, {
        serviceNamespace: "ecs",
        resourceId: `service/${cluster.name}/${service.name}`,
        scalableDimension: "ecs:service:DesiredCount",
        minCapacity: s.min,
        maxCapacity: s.max,
      });
      if (s.scaleOn) this.#scaleOnBacklog(p.prefix, s.name, target, s.scaleOn, cluster.name, service.name);
      else if (s.max > s.min) {
        new AppautoscalingPolicy(this, `${s.name}-cpu`, {
          name: `${p.prefix}-${s.name}-cpu`,
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: 60,
            predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          },
        });
      }
    }
  }

  /** Backlog per task: visible messages / running tasks, kept near 10. */
  #scaleOnBacklog(prefix: string, name: string, target: AppautoscalingTarget, queue: SqsQueue, clusterName: string, serviceName: string) {
    new AppautoscalingPolicy(this, `${name}-backlog`, {
      name: `${prefix}-${name}-backlog-per-task`,
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
                  dimensions: [{ name: "QueueName", value: queue.name }],
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
                    { name: "ClusterName", value: clusterName },
                    { name: "ServiceName", value: serviceName },
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
