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
import { MAX_RECEIVE_COUNT, resourceNames } from "@syncwell/core";
import { Lazy, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { SyncApi } from "./api.ts";
import type { StackConfig } from "./config.ts";
import { DeviceUploads } from "./deviceUploads.ts";
import { Identity } from "./identity.ts";
import { keyPolicy } from "./keyPolicy.ts";
import { readTemplates, type Templates } from "./mappingTemplates.ts";
import { Network } from "./network.ts";
import { ALL_SECRET_KEYS, SyncServices } from "./services.ts";
import { SyncTuning } from "./syncTuning.ts";

/** The production SyncWell deployment (SPEC §10, §16). */
export class SyncWellStack extends TerraformStack {
  readonly api: SyncApi;

  constructor(scope: Construct, id: string, config: StackConfig, options: { templates?: Templates } = {}) {
    super(scope, id);
    const prefix = `syncwell-${config.SYNCWELL_ENVIRONMENT}`;
    // Every name carries the environment: two environments in one account never collide.
    const names = resourceNames(`${prefix}-`);
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
      description: `${prefix}: queues, table, secrets, Redis, logs, alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy({
        accountId: account.accountId,
        region: config.AWS_REGION,
        logGroupArnPattern: `arn:aws:logs:${config.AWS_REGION}:${account.accountId}:log-group:/syncwell/${config.SYNCWELL_ENVIRONMENT}/*`,
      }),
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

    // The claim-check store of device uploads (SPEC §18).
    const deviceUploads = new DeviceUploads(this, "device-uploads", { prefix, accountId: account.accountId, key });

    // ── network and Redis ──────────────────────────────────────────────────────
    const network = new Network(this, "network", {
      prefix,
      region: config.AWS_REGION,
      cidr: config.VPC_CIDR,
      servicePorts: [8080, 8084],
    });
    const privateSubnets = network.privateSubnets;
    const tasksSg = network.tasksSg;
    const redisSg = new SecurityGroup(this, "redis-sg", {
      name: `${prefix}-redis`,
      vpcId: network.vpc.id,
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
      description: `JSON with ${ALL_SECRET_KEYS.join(", ")}; values are set out of band`,
      kmsKeyId: key.arn,
    });
    // The conflict threshold's home in production (SPEC §16): the worker reads it per job.
    const tuning = new SyncTuning(this, "sync-tuning", { prefix, environment: config.SYNCWELL_ENVIRONMENT });

    const identity = new Identity(this, "identity", { prefix, region: config.AWS_REGION, agentGroup: config.SUPPORT_AGENT_GROUP });
    const services = new SyncServices(this, "services", {
      prefix,
      region: config.AWS_REGION,
      environment: config.SYNCWELL_ENVIRONMENT,
      image: config.SYNCWELL_IMAGE,
      key,
      queues: { hot, hotDlq, webhook, webhookDlq },
      table,
      deviceUploadBucketArn: deviceUploads.bucket.arn,
      vpcId: network.vpc.id,
      privateSubnetIds: privateSubnets.map((n) => n.id),
      securityGroupId: tasksSg.id,
      secrets,
      syncTuningArn: tuning.configurationArn,
      env: {
        common: {
          SYNCWELL_MODE: "production",
          AWS_REGION: config.AWS_REGION,
          SYNCWELL_RESOURCE_PREFIX: `${prefix}-`,
          REDIS_URL: `rediss://${redis.primaryEndpointAddress}:6379`,
          LOG_LEVEL: "info",
        },
        partners: {
          PARTNER_API_BASE_URL: config.PARTNER_API_BASE_URL,
          STRAVA_CLIENT_ID: config.STRAVA_CLIENT_ID,
          GARMIN_CLIENT_ID: config.GARMIN_CLIENT_ID,
          POLAR_CLIENT_ID: config.POLAR_CLIENT_ID,
          OURA_CLIENT_ID: config.OURA_CLIENT_ID,
          WITHINGS_CLIENT_ID: config.WITHINGS_CLIENT_ID,
        },
        worker: { ...tuning.workerEnv, DEVICE_UPLOAD_BUCKET: deviceUploads.bucket.bucket },
        gateway: {
          // The API's stage URL, where partners reach /webhooks/{provider}: Withings is told it on connect.
          // Lazy, as the API is built after the services (it fronts their load balancer).
          GATEWAY_PUBLIC_URL: Lazy.stringValue({ produce: () => this.api.stage.invokeUrl }),
          AUTH_ISSUER: identity.users.issuer,
          AUTH_AUDIENCE: identity.users.client.id,
          STRAVA_SUBSCRIPTION_ID: String(config.STRAVA_SUBSCRIPTION_ID),
          DEVICE_UPLOAD_BUCKET: deviceUploads.bucket.bucket,
        },
        support: {
          AUTH_ISSUER: identity.users.issuer,
          AUTH_AUDIENCE: identity.users.client.id,
          SUPPORT_AUTH_ISSUER: identity.agents.issuer,
          SUPPORT_AUTH_AUDIENCE: identity.agents.client.id,
          SUPPORT_AUTH_GROUP: config.SUPPORT_AGENT_GROUP,
          TROUBLESHOOTER_LLM: "ollama",
          OLLAMA_BASE_URL: config.OLLAMA_BASE_URL,
        },
      },
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

    this.api = new SyncApi(this, "sync-api", {
      prefix,
      region: config.AWS_REGION,
      accountId: account.accountId,
      environment: config.SYNCWELL_ENVIRONMENT,
      queue: { name: hot.name, arn: hot.arn },
      table: { name: table.name, arn: table.arn },
      kmsKeyArn: key.arn,
      identity,
      loadBalancer: { arn: services.loadBalancer.arn, dnsName: services.loadBalancer.dnsName },
      ports: services.ports,
      templates: options.templates ?? readTemplates(),
    });
    // What a person needs after `terraform apply` (README, "How to deploy").
    new TerraformOutput(this, "api_url", { value: this.api.stage.invokeUrl });
    new TerraformOutput(this, "region", { value: config.AWS_REGION });
    new TerraformOutput(this, "user_pool_id", { value: identity.users.pool.id });
    new TerraformOutput(this, "app_client_id", { value: identity.users.client.id });
    new TerraformOutput(this, "agents_user_pool_id", { value: identity.agents.pool.id });
    new TerraformOutput(this, "support_cli_client_id", { value: identity.agents.client.id });
    new TerraformOutput(this, "secret_arn", { value: secrets.arn });
    new TerraformOutput(this, "hot_path_queue_url", { value: hot.url });
  }
}
