import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { AppconfigApplication } from "@cdktf/provider-aws/lib/appconfig-application/index.js";
import { AppconfigConfigurationProfile } from "@cdktf/provider-aws/lib/appconfig-configuration-profile/index.js";
import { AppconfigEnvironment } from "@cdktf/provider-aws/lib/appconfig-environment/index.js";
import { AppconfigHostedConfigurationVersion } from "@cdktf/provider-aws/lib/appconfig-hosted-configuration-version/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table/index.js";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group/index.js";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { Subnet } from "@cdktf/provider-aws/lib/subnet/index.js";
import { Vpc } from "@cdktf/provider-aws/lib/vpc/index.js";
import { MAX_RECEIVE_COUNT, resourceNames } from "@syncwell/core";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { SyncApi } from "./api.ts";
import type { StackConfig } from "./config.ts";

const policy = (statements: { Action: string[]; Resource: string[] }[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) });
const assume = (service: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

/** Secret keys the tasks read from Secrets Manager (values are set out of band, never in code). */
const SECRET_KEYS = ["TOKEN_ENCRYPTION_KEY", "STRAVA_CLIENT_SECRET", "GARMIN_CLIENT_SECRET", "POLAR_CLIENT_SECRET", "OURA_CLIENT_SECRET"];

/** The production SyncWell deployment (SPEC §10). */
export class SyncWellStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    const prefix = `syncwell-${config.SYNCWELL_ENVIRONMENT}`;
    const names = resourceNames();
    if (config.TF_STATE_BUCKET) {
      new S3Backend(this, {
        bucket: config.TF_STATE_BUCKET,
        key: `syncwell/${config.SYNCWELL_ENVIRONMENT}.tfstate`,
        region: config.AWS_REGION,
        encrypt: true,
      });
    } else {
      new LocalBackend(this, { path: "terraform.tfstate" });
    }
    new AwsProvider(this, "aws", {
      region: config.AWS_REGION,
      defaultTags: [{ tags: { project: "syncwell", environment: config.SYNCWELL_ENVIRONMENT } }],
    });
    const account = new DataAwsCallerIdentity(this, "account");

    // ── keys, queues, table ────────────────────────────────────────────────────
    const key = new KmsKey(this, "key", {
      description: `${prefix}: tokens, queues, table, secrets`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    const hotDlq = new SqsQueue(this, "hot-dlq", {
      name: names.hotPathDlq,
      fifoQueue: true,
      messageRetentionSeconds: 14 * 86400,
      kmsMasterKeyId: key.arn,
    });
    const hot = new SqsQueue(this, "hot", {
      name: names.hotPathQueue,
      fifoQueue: true,
      contentBasedDeduplication: false,
      visibilityTimeoutSeconds: 60,
      kmsMasterKeyId: key.arn,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: hotDlq.arn, maxReceiveCount: MAX_RECEIVE_COUNT }),
    });
    const webhookDlq = new SqsQueue(this, "webhook-dlq", {
      name: names.webhookDlq,
      messageRetentionSeconds: 14 * 86400,
      kmsMasterKeyId: key.arn,
    });
    const webhook = new SqsQueue(this, "webhook", {
      name: names.webhookQueue,
      visibilityTimeoutSeconds: 30,
      kmsMasterKeyId: key.arn,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: webhookDlq.arn, maxReceiveCount: MAX_RECEIVE_COUNT }),
    });
    const index = (name: string) => ({ name, hashKey: `${name}pk`, rangeKey: `${name}sk`, projectionType: "ALL" });
    const table = new DynamodbTable(this, "table", {
      name: names.table,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      rangeKey: "sk",
      attribute: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"].map((name) => ({ name, type: "S" })),
      globalSecondaryIndex: [index("gsi1"), index("gsi2")],
      ttl: { attributeName: "expiresAt", enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      deletionProtectionEnabled: true,
    });

    // ── network and Redis ──────────────────────────────────────────────────────
    const vpc = new Vpc(this, "vpc", { cidrBlock: config.VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true });
    const octets = config.VPC_CIDR.split(".");
    const privateSubnets = ["a", "b"].map(
      (az, i) =>
        new Subnet(this, `private-${az}`, {
          vpcId: vpc.id,
          cidrBlock: `${octets[0]}.${octets[1]}.${10 + i}.0/24`,
          availabilityZone: `${config.AWS_REGION}${az}`,
          mapPublicIpOnLaunch: false,
        }),
    );
    const tasksSg = new SecurityGroup(this, "tasks-sg", {
      name: `${prefix}-tasks`,
      vpcId: vpc.id,
      egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"], description: "partners and AWS APIs" }],
    });
    const redisSg = new SecurityGroup(this, "redis-sg", {
      name: `${prefix}-redis`,
      vpcId: vpc.id,
      ingress: [{ fromPort: 6379, toPort: 6379, protocol: "tcp", securityGroups: [tasksSg.id], description: "tasks only" }],
    });
    const redisSubnets = new ElasticacheSubnetGroup(this, "redis-subnets", {
      name: `${prefix}-redis`,
      subnetIds: privateSubnets.map((s) => s.id),
    });
    const redis = new ElasticacheReplicationGroup(this, "redis", {
      replicationGroupId: `${prefix}-redis`,
      description: "sync confidence, locks, rate limits, coalescing windows",
      engine: "redis",
      engineVersion: "7.1",
      nodeType: "cache.t4g.small",
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: "true",
      kmsKeyId: key.arn,
      port: 6379,
      subnetGroupName: redisSubnets.name,
      securityGroupIds: [redisSg.id],
    });

    // ── secrets and run-time configuration ────────────────────────────────────
    const secrets = new SecretsmanagerSecret(this, "partner-secrets", {
      name: `${prefix}/partners`,
      description: `JSON with ${SECRET_KEYS.join(", ")}; values are set out of band`,
      kmsKeyId: key.arn,
    });
    const appconfig = new AppconfigApplication(this, "appconfig", { name: prefix });
    const appconfigEnv = new AppconfigEnvironment(this, "appconfig-env", {
      applicationId: appconfig.id,
      name: config.SYNCWELL_ENVIRONMENT,
    });
    const profile = new AppconfigConfigurationProfile(this, "sync-tuning", {
      applicationId: appconfig.id,
      name: "sync-tuning",
      locationUri: "hosted",
      type: "AWS.Freeform",
    });
    new AppconfigHostedConfigurationVersion(this, "sync-tuning-v1", {
      applicationId: appconfig.id,
      configurationProfileId: profile.configurationProfileId,
      contentType: "application/json",
      content: JSON.stringify({ CONFLICT_OVERLAP_SECONDS: 60, SYNC_CONFIDENCE_THRESHOLD: 10 }),
    });

    // ── ECS: one image, one least-privilege role per task ─────────────────────
    const cluster = new EcsCluster(this, "cluster", { name: prefix, setting: [{ name: "containerInsights", value: "enabled" }] });
    const executionRole = new IamRole(this, "execution-role", {
      name: `${prefix}-task-execution`,
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
        { Action: ["secretsmanager:GetSecretValue"], Resource: [secrets.arn] },
        { Action: ["kms:Decrypt"], Resource: [key.arn] },
      ]),
    });
    const tableResources = [table.arn, `${table.arn}/index/*`];
    const appconfigRead = {
      Action: ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"],
      Resource: [
        `arn:aws:appconfig:${config.AWS_REGION}:${account.accountId}:application/${appconfig.id}/environment/${appconfigEnv.environmentId}/configuration/${profile.configurationProfileId}`,
      ],
    };
    const kmsUse = { Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [key.arn] };
    const services: {
      name: string;
      entry: string;
      port: number;
      cpu: string;
      memory: string;
      min: number;
      max: number;
      scaleOn?: SqsQueue;
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
        scaleOn: hot,
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
            Resource: [hot.arn, hotDlq.arn],
          },
          { Action: ["sqs:GetQueueUrl", "sqs:GetQueueAttributes"], Resource: [webhook.arn, webhookDlq.arn] },
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
        scaleOn: webhook,
        statements: [
          {
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:SendMessage", "sqs:GetQueueUrl"],
            Resource: [webhook.arn],
          },
          { Action: ["sqs:SendMessage", "sqs:GetQueueUrl"], Resource: [hot.arn] },
          { Action: ["sqs:GetQueueUrl"], Resource: [hotDlq.arn, webhookDlq.arn] },
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
          { Action: ["sqs:SendMessage", "sqs:GetQueueUrl"], Resource: [hot.arn] },
          { Action: ["sqs:GetQueueUrl"], Resource: [hotDlq.arn, webhook.arn, webhookDlq.arn] },
          {
            Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"],
            Resource: tableResources,
          },
          kmsUse,
        ],
      },
    ];
    for (const s of services) {
      const taskRole = new IamRole(this, `${s.name}-role`, {
        name: `${prefix}-${s.name}`,
        assumeRolePolicy: assume("ecs-tasks.amazonaws.com"),
      });
      new IamRolePolicy(this, `${s.name}-policy`, { name: `${s.name}-least-privilege`, role: taskRole.id, policy: policy(s.statements) });
      const logs = new CloudwatchLogGroup(this, `${s.name}-logs`, {
        name: `/syncwell/${config.SYNCWELL_ENVIRONMENT}/${s.name}`,
        retentionInDays: 30,
        kmsKeyId: key.arn,
      });
      const task = new EcsTaskDefinition(this, `${s.name}-task`, {
        family: `${prefix}-${s.name}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: s.cpu,
        memory: s.memory,
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: JSON.stringify([
          {
            name: s.name,
            image: config.SYNCWELL_IMAGE,
            command: [s.entry],
            essential: true,
            portMappings: [{ containerPort: s.port }],
            environment: [
              { name: "AWS_REGION", value: config.AWS_REGION },
              { name: "REDIS_URL", value: `rediss://${redis.primaryEndpointAddress}:6379` },
              { name: `${s.name.toUpperCase()}_PORT`, value: String(s.port) },
              { name: "LOG_LEVEL", value: "info" },
            ],
            secrets: SECRET_KEYS.map((k) => ({ name: k, valueFrom: `${secrets.arn}:${k}::` })),
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
              options: { "awslogs-group": logs.name, "awslogs-region": config.AWS_REGION, "awslogs-stream-prefix": s.name },
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
        networkConfiguration: { subnets: privateSubnets.map((n) => n.id), securityGroups: [tasksSg.id], assignPublicIp: false },
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
          name: `${prefix}-${s.name}-backlog-per-task`,
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

    // ── the DLQ alarm ──────────────────────────────────────────────────────────
    const topic = new SnsTopic(this, "alarms", { name: `${prefix}-alarms`, kmsMasterKeyId: key.arn });
    new SnsTopicSubscription(this, "alarm-email", { topicArn: topic.arn, protocol: "email", endpoint: config.ALARM_EMAIL });
    new CloudwatchMetricAlarm(this, "dlq-alarm", {
      alarmName: `${prefix}-hot-path-dlq-not-empty`,
      alarmDescription: "Sync jobs dead-lettered: follow the DLQ playbook (npm run support -- dlq list)",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: hotDlq.name },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    });

    const api = new SyncApi(this, "sync-api", {
      prefix,
      region: config.AWS_REGION,
      accountId: account.accountId,
      queue: { name: hot.name, arn: hot.arn },
      table: { name: table.name, arn: table.arn },
      kmsKeyArn: key.arn,
    });
    new TerraformOutput(this, "api_id", { value: api.api.id });
    new TerraformOutput(this, "hot_path_queue_url", { value: hot.url });
  }
}
