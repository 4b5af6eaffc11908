import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DEV_JWT_SECRET, DEV_TOKEN_ENCRYPTION_KEY } from "@syncwell/core";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENV = { SYNCWELL_IMAGE: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/syncwell:1.0.0", ALARM_EMAIL: "oncall@example.com" };

function synth(env: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-"));
  const run = spawnSync(process.execPath, ["--import", "tsx", "stacks/src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { run, outdir };
}

type Resources = Record<string, Record<string, Record<string, any>>>;

describe("the CDKTF production stack (synthesized offline)", () => {
  let text: string;
  let r: Resources;
  const all = (type: string) => Object.values(r[type] ?? {});
  const one = (type: string, match: (x: any) => boolean = () => true) => {
    const found = all(type).filter(match);
    assert.equal(found.length, 1, `one ${type}`);
    return found[0] as Record<string, any>;
  };

  before(() => {
    const { run, outdir } = synth(ENV);
    assert.equal(run.status, 0, run.stderr);
    text = readFileSync(join(outdir, "stacks/syncwell/cdk.tf.json"), "utf8");
    r = JSON.parse(text).resource;
  });

  it("is plain Terraform JSON that names its provider (deployable without the cdktf CLI)", () => {
    const json = JSON.parse(text);
    assert.match(json.terraform.required_providers.aws.source, /^(hashicorp\/)?aws$/);
    assert.match(json.terraform.required_providers.aws.version, /^6\./);
    assert.deepEqual(
      json.terraform.backend,
      { local: { path: "terraform.tfstate" } },
      "state next to the stack, not a path of the machine that synthesized it",
    );
    assert.ok(json.provider.aws);
  });

  it("has the FIFO queue with its FIFO DLQ after 5 receives, and the webhook queue with its DLQ", () => {
    const hot = one("aws_sqs_queue", (q) => q.name === "HotPathSyncQueue.fifo");
    const dlq = one("aws_sqs_queue", (q) => q.name === "HotPathSyncDLQ.fifo");
    assert.equal(hot.fifo_queue, true);
    assert.equal(dlq.fifo_queue, true);
    const redrive = JSON.parse(hot.redrive_policy);
    assert.equal(redrive.maxReceiveCount, 5);
    assert.match(redrive.deadLetterTargetArn, /aws_sqs_queue\.hot-dlq\.arn/);
    assert.match(JSON.parse(one("aws_sqs_queue", (q) => q.name === "WebhookEventQueue").redrive_policy).deadLetterTargetArn, /webhook-dlq/);
    for (const q of all("aws_sqs_queue")) assert.match(q.kms_master_key_id, /aws_kms_key/);
  });

  it("has the table on demand, with TTL, point-in-time recovery and KMS encryption", () => {
    const table = one("aws_dynamodb_table");
    assert.equal(table.billing_mode, "PAY_PER_REQUEST");
    assert.deepEqual(table.ttl, { attribute_name: "expiresAt", enabled: true });
    assert.equal(table.point_in_time_recovery.enabled, true);
    assert.equal(table.server_side_encryption.enabled, true);
    assert.match(table.server_side_encryption.kms_key_arn, /aws_kms_key/);
    assert.deepEqual(table.global_secondary_index.map((i: any) => i.name).sort(), ["gsi1", "gsi2"]);
  });

  it("runs Redis with TLS and encryption at rest in private subnets, reachable from the tasks only", () => {
    const redis = one("aws_elasticache_replication_group");
    assert.equal(redis.transit_encryption_enabled, true);
    assert.equal(redis.at_rest_encryption_enabled, "true");
    for (const subnet of all("aws_subnet")) assert.equal(subnet.map_public_ip_on_launch, false);
    const sg = one("aws_security_group", (s) => s.name.endsWith("-redis"));
    assert.equal(sg.ingress[0].from_port, 6379);
    assert.match(sg.ingress[0].security_groups[0], /tasks-sg/);
  });

  it("runs worker, coalescer, poller and support on Fargate from one image, each with its own least-privilege role", () => {
    const services = all("aws_ecs_service");
    assert.deepEqual(services.map((s) => s.name).sort(), ["coalescer", "poller", "support", "worker"]);
    for (const s of services) assert.equal(s.launch_type, "FARGATE");
    const tasks = all("aws_ecs_task_definition");
    const images = new Set(tasks.map((t) => JSON.parse(t.container_definitions)[0].image));
    assert.deepEqual([...images], [ENV.SYNCWELL_IMAGE]);
    assert.equal(new Set(tasks.map((t) => t.task_role_arn)).size, 4, "one task role each");
    for (const p of all("aws_iam_role_policy")) {
      for (const statement of JSON.parse(p.policy).Statement) {
        for (const action of statement.Action) assert.ok(!action.includes("*"), `${p.name}: ${action}`);
        for (const resource of statement.Resource) assert.notEqual(resource, "*", p.name);
      }
    }
    const worker = JSON.parse(one("aws_iam_role_policy", (p) => p.name === "worker-least-privilege").policy);
    assert.ok(!JSON.stringify(worker).includes("dynamodb:DeleteItem"), "the worker never deletes items");
  });

  it("lets support move DLQ messages back to the main queue and read its database URL, and nothing of the partners", () => {
    const support = JSON.parse(one("aws_iam_role_policy", (p) => p.name === "support-least-privilege").policy).Statement;
    const on = (action: string) => support.filter((s: any) => s.Action.includes(action)).flatMap((s: any) => s.Resource);
    const arn = (queue: string) => `\${aws_sqs_queue.${queue}.arn}`;
    assert.deepEqual(on("sqs:DeleteMessage"), [arn("hot-dlq")]);
    assert.deepEqual(on("sqs:SendMessage"), [arn("hot")]);
    const secretsOf = (family: string) =>
      JSON.parse(one("aws_ecs_task_definition", (t) => t.family.endsWith(family)).container_definitions)[0].secrets.map((s: any) => s.name);
    assert.ok(secretsOf("-support").includes("DATABASE_URL"));
    assert.ok(!secretsOf("-support").includes("STRAVA_CLIENT_SECRET"));
    assert.ok(!secretsOf("-worker").includes("DATABASE_URL"));
  });

  it("scales the queue consumers on backlog per task", () => {
    const policies = all("aws_appautoscaling_policy");
    assert.deepEqual(policies.map((p) => p.name).sort(), [
      "syncwell-prod-coalescer-backlog-per-task",
      "syncwell-prod-worker-backlog-per-task",
    ]);
    const metrics = policies[0]?.target_tracking_scaling_policy_configuration.customized_metric_specification.metrics;
    assert.ok(metrics.some((m: any) => m.metric_stat?.metric.metric_name === "ApproximateNumberOfMessagesVisible"));
    assert.ok(metrics.some((m: any) => m.expression?.includes("visible /")));
  });

  it("keeps secrets in Secrets Manager and KMS, never in the JSON", () => {
    assert.equal(one("aws_kms_key").enable_key_rotation, true);
    one("aws_secretsmanager_secret");
    assert.equal(all("aws_secretsmanager_secret_version").length, 0);
    for (const secret of [
      "dev-strava-secret",
      "dev-garmin-secret",
      "dev-polar-secret",
      "dev-oura-secret",
      DEV_TOKEN_ENCRYPTION_KEY,
      DEV_JWT_SECRET,
    ]) {
      assert.ok(!text.includes(secret), "no secret value in the synthesized JSON");
    }
    const container = JSON.parse(all("aws_ecs_task_definition")[0]?.container_definitions)[0];
    assert.ok(container.secrets.some((s: any) => s.name === "TOKEN_ENCRYPTION_KEY" && s.valueFrom.includes("aws_secretsmanager_secret")));
  });

  it("holds the conflict threshold in AppConfig", () => {
    const content = JSON.parse(one("aws_appconfig_hosted_configuration_version").content);
    assert.equal(content.CONFLICT_OVERLAP_SECONDS, 60);
  });

  it("alarms when the DLQ has a visible message, through SNS", () => {
    const alarm = one("aws_cloudwatch_metric_alarm");
    assert.equal(alarm.metric_name, "ApproximateNumberOfMessagesVisible");
    assert.equal(alarm.comparison_operator, "GreaterThanThreshold");
    assert.equal(alarm.threshold, 0);
    assert.match(alarm.dimensions.QueueName, /hot-dlq/);
    assert.match(alarm.alarm_actions[0], /aws_sns_topic/);
  });

  it("integrates API Gateway directly with SQS and DynamoDB behind a Cognito JWT authoriser", () => {
    const authorizer = one("aws_api_gateway_authorizer");
    assert.equal(authorizer.type, "COGNITO_USER_POOLS");
    for (const method of all("aws_api_gateway_method")) assert.equal(method.authorization, "COGNITO_USER_POOLS");
    const send = one("aws_api_gateway_integration", (i) => String(i.uri).includes(":sqs:path/"));
    const template = send.request_templates["application/json"];
    assert.match(template, /MessageDeduplicationId=\$util\.urlEncode\(\$input\.params\('Idempotency-Key'\)\)/);
    assert.match(template, /MessageGroupId=\$util\.urlEncode\(\$context\.authorizer\.claims\.sub\)/);
    const status = one("aws_api_gateway_integration", (i) => String(i.uri).endsWith("dynamodb:action/GetItem"));
    assert.match(status.request_templates["application/json"], /JOB#/);
    const post = one("aws_api_gateway_method", (m) => m.http_method === "POST");
    assert.equal(post.request_parameters["method.request.header.Idempotency-Key"], true);
  });

  it("refuses to synth without a required variable, in one line", () => {
    const { run } = synth({ SYNCWELL_IMAGE: ENV.SYNCWELL_IMAGE, ALARM_EMAIL: "" });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim(), "Invalid configuration: ALARM_EMAIL is required");
  });
});
