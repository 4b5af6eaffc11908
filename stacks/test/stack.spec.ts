import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEV_JWT_SECRET, DEV_TOKEN_ENCRYPTION_KEY } from "@syncwell/core";
import { ENV, type Json, resources, stack, synthCli, synthInProcess } from "./support/synth.ts";

describe("the CDKTF production stack (synthesized offline)", () => {
  const json = stack();
  const { all, one } = resources(json);
  const text = JSON.stringify(json);

  it("is plain Terraform JSON that names its provider, written by npm run synth (deployable without the cdktf CLI)", () => {
    const { run, text: cli } = synthCli(ENV);
    assert.equal(run.status, 0, run.stderr);
    const written = JSON.parse(cli);
    assert.match(written.terraform.required_providers.aws.source, /^(hashicorp\/)?aws$/);
    assert.match(written.terraform.required_providers.aws.version, /^6\./);
    assert.deepEqual(
      written.terraform.backend,
      { local: { path: "terraform.tfstate" } },
      "state next to the stack, not a path of the machine that synthesized it",
    );
    assert.ok(written.provider.aws);
  });

  it("refuses to synth without a required variable, in one line", () => {
    const { run } = synthCli({ ...ENV, ALARM_EMAIL: "" });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim(), "Invalid configuration: ALARM_EMAIL is required");
  });

  it("refuses development partner client ids and non-https partner roots", () => {
    assert.throws(() => synthInProcess({ env: { STRAVA_CLIENT_ID: "syncwell-strava" } }), /STRAVA_CLIENT_ID.*development client id/);
    assert.throws(() => synthInProcess({ env: { PARTNER_API_BASE_URL: "http://127.0.0.1:9090" } }), /PARTNER_API_BASE_URL/);
  });

  it("has the FIFO queue with its FIFO DLQ after 5 receives, and the webhook queue with its DLQ", () => {
    const hot = one("aws_sqs_queue", (q) => q.name === "syncwell-prod-HotPathSyncQueue.fifo");
    const dlq = one("aws_sqs_queue", (q) => q.name === "syncwell-prod-HotPathSyncDLQ.fifo");
    assert.equal(hot.fifo_queue, true);
    assert.equal(dlq.fifo_queue, true);
    const redrive = JSON.parse(hot.redrive_policy);
    assert.equal(redrive.maxReceiveCount, 5);
    assert.match(redrive.deadLetterTargetArn, /aws_sqs_queue\.hot-dlq\.arn/);
    const webhook = one("aws_sqs_queue", (q) => q.name === "syncwell-prod-WebhookEventQueue");
    assert.match(JSON.parse(webhook.redrive_policy).deadLetterTargetArn, /webhook-dlq/);
    for (const q of all("aws_sqs_queue")) assert.match(q.kms_master_key_id, /aws_kms_key/);
  });

  it("has the table on demand, with TTL, point-in-time recovery and KMS encryption", () => {
    const table = one("aws_dynamodb_table");
    assert.equal(table.name, "syncwell-prod-SyncWellMetadata");
    assert.equal(table.billing_mode, "PAY_PER_REQUEST");
    assert.deepEqual(table.ttl, { attribute_name: "expiresAt", enabled: true });
    assert.equal(table.point_in_time_recovery.enabled, true);
    assert.equal(table.server_side_encryption.enabled, true);
    assert.match(table.server_side_encryption.kms_key_arn, /aws_kms_key/);
    assert.deepEqual(table.global_secondary_index.map((i: Json) => i.name).sort(), ["gsi1", "gsi2"]);
  });

  it("names every named resource with the environment, so two environments never collide", () => {
    const other = JSON.stringify(synthInProcess({ env: { SYNCWELL_ENVIRONMENT: "staging" } }).resource);
    const nameFields = ["name", "family", "replication_group_id", "alarm_name"];
    // Named inside something that carries the environment (the agents' user pool).
    const scoped = new Set(["aws_cognito_user_group"]);
    const names = (resourcesJson: Json) =>
      Object.entries(resourcesJson as Record<string, Record<string, Json>>)
        .filter(([type]) => !scoped.has(type))
        .flatMap(([type, byName]) =>
          Object.values(byName).flatMap((res) =>
            nameFields.filter((f) => typeof res[f] === "string" && !res[f].includes("${")).map((f) => `${type}.${f}=${res[f]}`),
          ),
        );
    const prod = names(json.resource);
    assert.ok(prod.length > 40, `${prod.length} names`);
    for (const name of prod) assert.match(name, /prod/, `${name} carries the environment`);
    const staging = new Set(names(JSON.parse(other)));
    for (const name of prod) assert.ok(!staging.has(name), `${name} is the same in staging`);
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

  it("runs the control API, worker, coalescer, poller and support on Fargate from one image, each with its own role", () => {
    const services = all("aws_ecs_service");
    assert.deepEqual(
      services.map((s) => s.name).sort(),
      ["coalescer", "gateway", "poller", "support", "worker"].map((s) => `syncwell-prod-${s}`),
    );
    for (const s of services) {
      assert.equal(s.launch_type, "FARGATE");
      assert.equal(s.network_configuration.assign_public_ip, false);
    }
    const tasks = all("aws_ecs_task_definition");
    const images = new Set(tasks.map((t) => JSON.parse(t.container_definitions)[0].image));
    assert.deepEqual([...images], [ENV.SYNCWELL_IMAGE]);
    assert.equal(new Set(tasks.map((t) => t.task_role_arn)).size, 5, "one task role each");
    for (const p of all("aws_iam_role_policy")) {
      for (const statement of JSON.parse(p.policy).Statement) {
        for (const action of statement.Action) assert.ok(!action.includes("*"), `${p.name}: ${action}`);
        for (const resource of statement.Resource) assert.notEqual(resource, "*", p.name);
      }
    }
  });

  it("puts the control API and support behind the internal load balancer that API Gateway's VPC link targets", () => {
    const lb = one("aws_lb");
    assert.equal(lb.internal, true);
    assert.equal(lb.load_balancer_type, "network");
    assert.match(one("aws_api_gateway_vpc_link").target_arns[0], /aws_lb\.services_nlb/);
    const behind = all("aws_ecs_service")
      .filter((s) => s.load_balancer)
      .map((s) => s.name)
      .sort();
    assert.deepEqual(behind, ["syncwell-prod-gateway", "syncwell-prod-support"]);
    for (const tg of all("aws_lb_target_group")) assert.equal(tg.health_check.path, "/health");
  });

  it("scales the queue consumers on backlog per task and the other services on CPU", () => {
    const policies = all("aws_appautoscaling_policy");
    assert.deepEqual(policies.map((p) => p.name).sort(), [
      "syncwell-prod-coalescer-backlog-per-task",
      "syncwell-prod-gateway-cpu",
      "syncwell-prod-poller-cpu",
      "syncwell-prod-support-cpu",
      "syncwell-prod-worker-backlog-per-task",
    ]);
    const backlog = policies.find((p) => p.name.endsWith("worker-backlog-per-task"));
    const metrics = backlog.target_tracking_scaling_policy_configuration.customized_metric_specification.metrics;
    assert.ok(metrics.some((m: Json) => m.metric_stat?.metric.metric_name === "ApproximateNumberOfMessagesVisible"));
    assert.ok(metrics.some((m: Json) => m.expression?.includes("visible /")));
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
      "dev-strava-verify-token",
      "dev-oura-verification-token",
      DEV_TOKEN_ENCRYPTION_KEY,
      DEV_JWT_SECRET,
    ]) {
      assert.ok(!text.includes(secret), "no secret value in the synthesized JSON");
    }
    const container = JSON.parse(all("aws_ecs_task_definition")[0]?.container_definitions)[0];
    assert.ok(container.secrets.some((s: Json) => s.name === "TOKEN_ENCRYPTION_KEY" && s.valueFrom.includes("aws_secretsmanager_secret")));
  });

  it("alarms when the DLQ has a visible message, through SNS", () => {
    const alarm = one("aws_cloudwatch_metric_alarm");
    assert.equal(alarm.metric_name, "ApproximateNumberOfMessagesVisible");
    assert.equal(alarm.comparison_operator, "GreaterThanThreshold");
    assert.equal(alarm.threshold, 0);
    assert.match(alarm.dimensions.QueueName, /hot-dlq/);
    assert.match(alarm.alarm_actions[0], /aws_sns_topic/);
  });

  it("outputs what a person needs after terraform apply: the API URL, the user pool and the app client", () => {
    for (const name of ["api_url", "region", "user_pool_id", "app_client_id", "agents_user_pool_id", "support_cli_client_id"])
      assert.ok(json.output[name]?.value, name);
    assert.match(json.output.api_url.value, /aws_api_gateway_stage\..*\.invoke_url/);
    assert.match(json.output.app_client_id.value, /aws_cognito_user_pool_client\..*users-client.*\.id/);
  });
});
