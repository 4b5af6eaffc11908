import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Json, resources, stack } from "./support/synth.ts";

/** SPEC §16 "It applies": the tasks can reach what they call, and everything using the key may. */
describe("network and keys of the production stack", () => {
  const { all, entries, one, deref } = resources(stack());
  const ref = (type: string, name: string) => new RegExp(`^\\$\\{${type}\\.${name}\\.id\\}$`);
  const nameOf = (reference: string) => deref(reference).name;
  /** The route table associated with a subnet (by the subnet's resource name). */
  const routeTableOf = (subnet: string): [string, Json] => {
    const association = all("aws_route_table_association").filter((a) => ref("aws_subnet", subnet).test(a.subnet_id));
    assert.equal(association.length, 1, `subnet ${subnet} has one route table association`);
    const table = nameOf(association[0].route_table_id);
    return [table, resources(stack()).r.aws_route_table?.[table]];
  };
  const taskSubnets = [...new Set(all("aws_ecs_service").flatMap((s) => s.network_configuration.subnets as string[]))].map(nameOf);

  it("runs the tasks in private subnets whose default route is a NAT gateway in a public subnet that routes to the internet gateway", () => {
    assert.equal(taskSubnets.length, 2, "two zones");
    for (const subnet of taskSubnets) {
      const [, table] = routeTableOf(subnet);
      const route = table.route.find((r: Json) => r.cidr_block === "0.0.0.0/0");
      assert.ok(route?.nat_gateway_id, `${subnet}: a default route through NAT (ECR, Secrets Manager, Logs, SQS, partners)`);
      const nat = deref(route.nat_gateway_id).value;
      assert.match(nat.allocation_id, /aws_eip\./);
      const natSubnet = nameOf(nat.subnet_id);
      assert.ok(!taskSubnets.includes(natSubnet), "the NAT gateway sits in a public subnet");
      const [, publicTable] = routeTableOf(natSubnet);
      const out = publicTable.route.find((r: Json) => r.cidr_block === "0.0.0.0/0");
      assert.match(out?.gateway_id ?? "", /aws_internet_gateway\./, `${natSubnet} routes to the internet gateway`);
      assert.equal(deref(one("aws_internet_gateway").vpc_id).type, "aws_vpc", "the internet gateway is attached to the VPC");
    }
    const zones = taskSubnets.map((s) => resources(stack()).r.aws_subnet?.[s].availability_zone);
    assert.equal(new Set(zones).size, 2, "one private subnet per zone");
  });

  it("reaches DynamoDB and S3 (ECR's layers) from every task subnet through gateway endpoints", () => {
    for (const service of ["dynamodb", "s3"]) {
      const endpoint = one("aws_vpc_endpoint", (e) => e.service_name.endsWith(`.${service}`));
      assert.equal(endpoint.vpc_endpoint_type, "Gateway");
      for (const subnet of taskSubnets) {
        const [table] = routeTableOf(subnet);
        assert.ok(
          endpoint.route_table_ids.some((id: string) => nameOf(id) === table),
          `${service} endpoint on ${subnet}'s routes`,
        );
      }
    }
  });

  it("lets the load balancer, and only it, reach the tasks' HTTP ports", () => {
    const sg = one("aws_security_group", (s) => s.name === "syncwell-prod-tasks");
    assert.deepEqual(sg.ingress.map((i: Json) => i.from_port).sort(), [8080, 8084]);
    for (const rule of sg.ingress) assert.deepEqual(rule.cidr_blocks, ["10.40.0.0/16"], "from inside the VPC only");
    const lb = one("aws_lb");
    assert.deepEqual(lb.subnets.map(nameOf).sort(), [...taskSubnets].sort());
  });

  describe("the KMS key policy", () => {
    const key = one("aws_kms_key");
    const policy = JSON.parse(key.policy);
    const statementsFor = (service: string) =>
      policy.Statement.filter((s: Json) => s.Effect === "Allow" && [s.Principal?.Service].flat().includes(service));
    /** An IAM ArnLike pattern as a regular expression. */
    const arnLike = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);

    it("delegates the account's own use to IAM (the task, execution and integration roles name the key)", () => {
      const root = policy.Statement.find((s: Json) => /:root$/.test(s.Principal?.AWS ?? ""));
      assert.equal(root.Action, "kms:*");
    });

    it("lets CloudWatch Logs encrypt exactly this environment's log groups (encryption context)", () => {
      const [logs] = statementsFor("logs.eu-west-1.amazonaws.com");
      assert.ok(logs, "a statement for CloudWatch Logs");
      assert.ok(logs.Action.includes("kms:GenerateDataKey*") && logs.Action.includes("kms:Decrypt*"));
      const pattern = logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"];
      const groups = all("aws_cloudwatch_log_group").filter((g) => /aws_kms_key\.key/.test(g.kms_key_id ?? ""));
      assert.equal(groups.length, 5);
      for (const group of groups) {
        const arn = `arn:aws:logs:eu-west-1:\${data.aws_caller_identity.account.account_id}:log-group:${group.name}`;
        assert.match(arn, arnLike(pattern), `${group.name} is covered`);
      }
      assert.doesNotMatch("arn:aws:logs:eu-west-1:1:log-group:/other/app", arnLike(pattern.replace(/\$\{[^}]+\}/, "1")));
    });

    it("lets CloudWatch alarms publish to the encrypted alarm topic, and SNS use the key", () => {
      const topic = entries("aws_sns_topic").find(([, t]) => /aws_kms_key\.key/.test(t.kms_master_key_id));
      assert.ok(topic, "the alarm topic is encrypted with the key");
      const alarms = all("aws_cloudwatch_metric_alarm").filter((a) => a.alarm_actions.some((x: string) => x.includes(`.${topic[0]}.`)));
      assert.ok(alarms.length > 0, "an alarm publishes to it");
      for (const service of ["cloudwatch.amazonaws.com", "sns.amazonaws.com"]) {
        const actions = statementsFor(service).flatMap((s: Json) => s.Action);
        assert.ok(actions.includes("kms:Decrypt") && actions.includes("kms:GenerateDataKey*"), service);
      }
    });

    it("covers every resource encrypted with the key by a statement or an IAM grant of its users", () => {
      const encrypted = all("aws_sqs_queue").filter((q) => /aws_kms_key\.key/.test(q.kms_master_key_id));
      assert.equal(encrypted.length, 4);
      const roleKms = (name: string) =>
        JSON.parse(one("aws_iam_role_policy", (p) => p.name === name).policy)
          .Statement.filter((s: Json) => s.Resource.includes(`\${aws_kms_key.key.arn}`))
          .flatMap((s: Json) => s.Action);
      assert.ok(roleKms("syncwell-prod-read-secrets").includes("kms:Decrypt"), "the execution role decrypts the secret");
      assert.ok(roleKms("syncwell-prod-api-integrations").includes("kms:GenerateDataKey"), "API Gateway sends to the encrypted queue");
    });
  });
});
