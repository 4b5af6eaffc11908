import { AppconfigApplication } from "@cdktf/provider-aws/lib/appconfig-application/index.js";
import { AppconfigConfigurationProfile } from "@cdktf/provider-aws/lib/appconfig-configuration-profile/index.js";
import { AppconfigEnvironment } from "@cdktf/provider-aws/lib/appconfig-environment/index.js";
import { AppconfigHostedConfigurationVersion } from "@cdktf/provider-aws/lib/appconfig-hosted-configuration-version/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table/index.js";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group/index.js";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group/index.js";
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
import { SyncServices } from "./services.ts";

const _policy = (statements: { Action: string[]; Resource: string[] }[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) });
const _assume = (service: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });

/** Secret keys the tasks read from Secrets Manager (values are set out of band, never in code). */
/** Keys of the one secret; each task gets only the keys it names (services.ts). */
const SECRET_KEYS = ["TOKEN_ENCRYPTION_KEY", "STRAVA_CLIENT_SECRET", "GARMIN_CLIENT_SECRET", "POLAR_CLIENT_SECRET", "OURA_CLIENT_SECRET"];
const SUPPORT_SECRET_KEYS = ["DATABASE_URL", "SUPPORT_JWT_SECRET", "GATEWAY_JWT_SECRET"];

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
      description: `JSON with ${[...SECRET_KEYS, ...SUPPORT_SECRET_KEYS].join(", ")}; values are set out of band`,
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

    new SyncServices(this, "services", {
      prefix,
      region: config.AWS_REGION,
      environment: config.SYNCWELL_ENVIRONMENT,
      image: config.SYNCWELL_IMAGE,
      accountId: account.accountId,
      key,
      queues: { hot, hotDlq, webhook, webhookDlq },
      table,
      redisHost: redis.primaryEndpointAddress,
      subnetIds: privateSubnets.map((n) => n.id),
      securityGroupId: tasksSg.id,
      secrets,
      secretKeys: SECRET_KEYS,
      appconfig: { applicationId: appconfig.id, environmentId: appconfigEnv.environmentId, profileId: profile.configurationProfileId },
    });

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
