import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  DIRECT_INTEGRATION_CALLS,
  PRODUCTION_ONLY_CALLS,
  type Resource,
  SERVICES,
  type ServiceName,
  UNRECORDED_GRANTS,
} from "../src/permissions.ts";
import type { RecordedCall } from "./support/awsCalls.ts";
import { type Json, ROOT, resources, stack } from "./support/synth.ts";

/**
 * Least privilege both ways (SPEC §16): every AWS call a service made during the feature run
 * (recorded by an SDK hook in every service process: stacks/test/fixtures/aws-calls.json,
 * regenerated with `node --import tsx stacks/test/support/recordAwsCalls.ts`) is allowed by that
 * service's task role on that resource, and the role allows nothing that was never called, but
 * for the listed exceptions (permissions.ts, UNRECORDED_GRANTS, each with its reason) and the calls
 * made only where production configuration switches them on (PRODUCTION_ONLY_CALLS: the feature
 * run reads the conflict threshold from the environment, production from AppConfig), each tied to
 * the file and SDK command that makes it.
 */
const RECORDED: RecordedCall[] = JSON.parse(readFileSync(new URL("./fixtures/aws-calls.json", import.meta.url), "utf8"));
/** The deployed sync tuning: `<environment ARN>/configuration/<profile id>` (stack.appconfig.spec.ts checks they are the worker's). */
const SYNC_TUNING_ARN =
  /^\$\{aws_appconfig_environment\.sync-tuning_environment_[A-Z0-9]+\.arn\}\/configuration\/\$\{aws_appconfig_configuration_profile\.sync-tuning_profile_[A-Z0-9]+\.configuration_profile_id\}$/;
/** The device-upload bucket's `device-uploads/` prefix (deviceUploads.ts): the only objects a task role reaches. */
const DEVICE_UPLOADS_ARN = /^\$\{aws_s3_bucket\.device-uploads_bucket_[A-Z0-9]+\.arn\}\/device-uploads\/\*$/;
const QUEUE_ROLES: Record<string, Resource> = { hot: "hot", "hot-dlq": "hotDlq", webhook: "webhook", "webhook-dlq": "webhookDlq" };

describe("task roles allow exactly the AWS calls their service makes", () => {
  const { one } = resources(stack());
  /** The (action, resource role) pairs a service's role grants, and its KMS actions. */
  const granted = (service: ServiceName) => {
    const statements = JSON.parse(
      one("aws_iam_role_policy", (p) => p.name === `syncwell-prod-${service}-least-privilege`).policy,
    ).Statement;
    const pairs = new Set<string>();
    const kms = new Set<string>();
    for (const s of statements as Json[]) {
      for (const arn of s.Resource as string[]) {
        const queue = /^\$\{aws_sqs_queue\.([a-z-]+)\.arn\}$/.exec(arn)?.[1];
        const index = /^\$\{aws_dynamodb_table\.table\.arn\}\/index\/(gsi\d)$/.exec(arn)?.[1];
        const role: string | undefined = queue
          ? QUEUE_ROLES[queue]
          : index
            ? index
            : arn === `\${aws_dynamodb_table.table.arn}`
              ? "table"
              : /^\$\{aws_kms_key\.key\.arn\}$/.test(arn)
                ? "key"
                : SYNC_TUNING_ARN.test(arn)
                  ? "syncTuning"
                  : DEVICE_UPLOADS_ARN.test(arn)
                    ? "deviceUploads"
                    : undefined;
        assert.ok(role, `${service}: a grant on ${arn}, which is none of the platform's queues, table or key`);
        for (const action of s.Action as string[]) (role === "key" ? kms : pairs).add(role === "key" ? action : `${action} ${role}`);
      }
    }
    return { pairs, kms };
  };
  const recorded = (service: ServiceName) => RECORDED.filter((c) => c.service === service);

  it("has a recording for every service, naming only the platform's queues and table", () => {
    for (const service of SERVICES) assert.ok(recorded(service).length > 0, `no recorded call of ${service}: regenerate the fixture`);
    for (const call of RECORDED)
      assert.match(call.resource, /^(hot|hotDlq|webhook|webhookDlq|table|gsi1|gsi2|deviceUploads)$/, JSON.stringify(call));
  });

  for (const service of SERVICES) {
    it(`lets the ${service} make every call it was recorded making, and nothing else`, () => {
      const { pairs, kms } = granted(service);
      const calls = new Set(recorded(service).map((c) => `${c.action} ${c.resource}`));
      // The local gateway makes the direct integrations' calls itself; production's API Gateway role owes them.
      const integration = new Set(service === "gateway" ? DIRECT_INTEGRATION_CALLS.map((c) => `${c.action} ${c.on}`) : []);
      for (const call of calls)
        assert.ok(pairs.has(call) || integration.has(call), `${service} called ${call}: its role does not allow it`);
      const exceptions = new Set(UNRECORDED_GRANTS.filter((g) => g.service === service).map((g) => `${g.action} ${g.on}`));
      const productionOnly = new Set(PRODUCTION_ONLY_CALLS.filter((c) => c.service === service).map((c) => `${c.action} ${c.on}`));
      for (const pair of pairs)
        assert.ok(
          calls.has(pair) || exceptions.has(pair) || productionOnly.has(pair),
          `${service}'s role allows ${pair}, which it never called (nor is it a listed exception or production-only call)`,
        );
      for (const exception of exceptions) assert.ok(!calls.has(exception), `${exception} is recorded now: drop the exception`);
      for (const call of productionOnly) {
        assert.ok(!calls.has(call), `${call} is recorded now: it is no longer production-only, drop it from PRODUCTION_ONLY_CALLS`);
        assert.ok(pairs.has(call), `${service} makes ${call} in production: its role must allow it`);
      }
      // SQS and the device-upload bucket encrypt with the key: writers make data keys, readers decrypt; nothing else uses it.
      const actions = [...pairs].map((p) => p.split(" ")[0]);
      const expected = new Set([
        ...(actions.includes("sqs:SendMessage") || actions.includes("s3:PutObject") ? ["kms:GenerateDataKey", "kms:Decrypt"] : []),
        ...(actions.includes("sqs:ReceiveMessage") || actions.includes("s3:GetObject") ? ["kms:Decrypt"] : []),
      ]);
      assert.deepEqual([...kms].sort(), [...expected].sort(), `${service}'s KMS actions`);
    });
  }

  it("keeps the worker off the DLQ's messages and lets support send to the DLQ it annotates", () => {
    const worker = granted("worker").pairs;
    assert.ok(!worker.has("sqs:ReceiveMessage hotDlq"));
    assert.ok(granted("support").pairs.has("sqs:SendMessage hotDlq"));
    assert.ok(granted("support").pairs.has("sqs:DeleteMessage hotDlq"));
  });

  it("lets the worker alone read the sync tuning from AppConfig: exactly the session and the poll, on that configuration", () => {
    for (const service of SERVICES) {
      const appconfig = [...granted(service).pairs].filter((p) => p.startsWith("appconfig:")).sort();
      assert.deepEqual(
        appconfig,
        service === "worker" ? ["appconfig:GetLatestConfiguration syncTuning", "appconfig:StartConfigurationSession syncTuning"] : [],
        service,
      );
    }
  });

  it("ties every production-only call to the code that makes it: the IAM action is the SDK command that file sends", () => {
    assert.ok(PRODUCTION_ONLY_CALLS.length > 0);
    for (const call of PRODUCTION_ONLY_CALLS) {
      const source = readFileSync(new URL(call.madeBy.file, `file://${ROOT}`), "utf8");
      assert.match(source, new RegExp(`new ${call.madeBy.command}\\(`), `${call.madeBy.file} sends ${call.madeBy.command}`);
      assert.equal(
        call.action.split(":")[1],
        call.madeBy.command.replace(/Command$/, ""),
        `${call.action} is what ${call.madeBy.command} needs`,
      );
      assert.ok(call.when.length > 0);
    }
  });

  it("gives each task only the secret keys its service reads: the webhook tokens to the gateway alone, the database to support alone", () => {
    const secretsOf = (service: string) =>
      JSON.parse(one("aws_ecs_task_definition", (t) => t.family === `syncwell-prod-${service}`).container_definitions)[0].secrets.map(
        (s: Json) => s.name,
      );
    assert.deepEqual(secretsOf("support").sort(), ["DATABASE_URL", "TOKEN_ENCRYPTION_KEY"], "support calls no partner");
    // The coalescer confirms deauthorisations with the partner (its config reads the partner clients).
    for (const service of ["worker", "poller", "gateway", "coalescer"])
      assert.ok(secretsOf(service).includes("STRAVA_CLIENT_SECRET"), service);
    for (const service of ["worker", "poller", "coalescer"]) {
      assert.ok(!secretsOf(service).includes("DATABASE_URL"), service);
      assert.ok(!secretsOf(service).includes("STRAVA_VERIFY_TOKEN"), `${service}: webhook tokens are the gateway's alone`);
    }
  });

  it("lets API Gateway's integration role make the direct integrations' calls, nothing more, and the gateway's task role not enqueue a sync", () => {
    const statements = JSON.parse(one("aws_iam_role_policy", (p) => p.name === "syncwell-prod-api-integrations").policy).Statement;
    const arnRole = (arn: string) =>
      arn === `\${aws_sqs_queue.hot.arn}`
        ? "hot"
        : arn === `\${aws_dynamodb_table.table.arn}`
          ? "table"
          : arn === `\${aws_kms_key.key.arn}`
            ? "key"
            : arn;
    const grants = statements
      .flatMap((s: Json) => s.Action.flatMap((a: string) => s.Resource.map((r: string) => `${a} ${arnRole(r)}`)))
      .sort();
    assert.deepEqual(
      grants,
      [...DIRECT_INTEGRATION_CALLS.map((c) => `${c.action} ${c.on}`), "kms:Decrypt key", "kms:GenerateDataKey key"].sort(),
    );
    const recordedByGateway = new Set(recorded("gateway").map((c) => `${c.action} ${c.resource}`));
    for (const call of DIRECT_INTEGRATION_CALLS)
      assert.ok(recordedByGateway.has(`${call.action} ${call.on}`), `the local gateway made ${call.action}`);
    // A mobile sync is enqueued by the template alone; the gateway service sends only a resync
    // (POST …/records/{id}/resync), whose ownership check (the config's ledger) the edge cannot make.
    assert.ok(granted("gateway").pairs.has("sqs:SendMessage hot"), "the gateway service sends resync jobs");
  });
});
