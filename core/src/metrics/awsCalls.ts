import type { SQSClient } from "@aws-sdk/client-sqs";
import { Counter, type Registry } from "prom-client";

/**
 * `syncwell_sqs_requests_total{operation}`: every SQS API call this client makes (the bench
 * divides it by messages processed). The queue-depth scrape's own GetQueueAttributes calls count too.
 */
export function countSqsCalls(registry: Registry, sqs: SQSClient): void {
  const counter = new Counter({
    name: "syncwell_sqs_requests_total",
    help: "SQS API calls by operation",
    labelNames: ["operation"],
    registers: [registry],
  });
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      counter.inc({ operation: String(context.commandName ?? "unknown").replace(/Command$/, "") });
      return next(args);
    },
    { step: "initialize", name: "syncwellSqsCallCounter" },
  );
}
