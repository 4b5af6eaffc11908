// Preloaded into every SyncWell service process (`node --import <this file>`, passed down through
// NODE_OPTIONS) by recordAwsCalls.ts: records each AWS SDK call a service makes — service,
// operation, resource — to the file named by SYNCWELL_AWS_CALL_LOG, one JSON object a line, each
// distinct call once. The IAM test (iam.spec.ts) holds every task role to these calls.
import { appendFileSync } from "node:fs";
import { Client } from "@smithy/core/client";

const log = process.env.SYNCWELL_AWS_CALL_LOG;
// The service is the workspace whose main.ts this process runs (platform/src/services.ts starts them so).
const service = /(gateway-shim|worker|coalescer|poller|support)\/src\/main\.ts$/.exec(process.argv[1] ?? "")?.[1];

/** The queue, table (and index) or bucket object a call addresses. */
function resourcesOf(input) {
  if (!input || typeof input !== "object") return ["*"];
  if (typeof input.QueueUrl === "string") return [input.QueueUrl.split("/").pop()];
  if (typeof input.QueueName === "string") return [input.QueueName];
  // S3: the bucket and key (the IAM resource of an object call).
  if (typeof input.Bucket === "string") return [typeof input.Key === "string" ? `${input.Bucket}/${input.Key}` : input.Bucket];
  if (typeof input.TableName === "string") return [input.IndexName ? `${input.TableName}/index/${input.IndexName}` : input.TableName];
  if (input.RequestItems) return Object.keys(input.RequestItems);
  if (Array.isArray(input.TransactItems))
    return input.TransactItems.flatMap((item) => Object.values(item).map((op) => op.TableName)).filter(Boolean);
  return ["*"];
}

if (log && service) {
  const seen = new Set();
  const stacks = new WeakSet();
  const send = Client.prototype.send;
  Client.prototype.send = function recordingSend(command, ...rest) {
    if (!stacks.has(this.middlewareStack)) {
      stacks.add(this.middlewareStack);
      this.middlewareStack.add(
        (next, context) => async (args) => {
          const client = String(context.clientName ?? "").replace(/Client$/, "");
          const operation = String(context.commandName ?? "").replace(/Command$/, "");
          for (const resource of resourcesOf(args.input)) {
            const line = JSON.stringify({ service, client, operation, resource });
            if (!seen.has(line)) {
              seen.add(line);
              appendFileSync(log, `${line}\n`);
            }
          }
          return next(args);
        },
        { step: "initialize", name: "syncwellAwsCallRecorder", override: true },
      );
    }
    return send.call(this, command, ...rest);
  };
}
