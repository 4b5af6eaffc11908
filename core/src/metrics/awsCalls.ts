import { Counter, type Registry } from "prom-client";

const LABELS = ["service", "operation"] as const;

/**
 * The process's AWS SDK counters, one set per process: every client the factories in
 * `aws/clients.ts` create counts into them, and every registry `createMetricsRegistry` makes
 * exports them. Here `service` is the AWS service ("SQS", "DynamoDB", "S3"); it takes the place
 * of the registry's default `service` label, and Prometheus' `job` label names the SyncWell
 * service that made the call.
 */
const counter = (name: string, help: string) => ({
  name,
  counter: new Counter({ name, help, labelNames: LABELS, registers: [] }),
});
const requests = counter("syncwell_aws_requests_total", "AWS SDK requests sent (retries included) by AWS service and operation");
const items = counter(
  "syncwell_aws_request_items_total",
  "Entries, items or keys AWS requests carried (messages received for ReceiveMessage, items returned for Query)",
);
const bytes = counter("syncwell_aws_request_bytes_total", "Request body bytes sent to AWS by AWS service and operation");

/** Adds the AWS call counters to a service's registry (`createMetricsRegistry` does it for every service). */
export function registerAwsCallMetrics(registry: Registry): void {
  for (const { name, counter } of [requests, items, bytes]) if (!registry.getSingleMetric(name)) registry.registerMetric(counter);
}

/** `{ service: "SQS", operation: "ReceiveMessage" }` from the SDK's handler context. */
export function awsCallLabels(context: { clientName?: string; commandName?: string }): { service: string; operation: string } {
  return {
    service: String(context.clientName ?? "unknown").replace(/Client$/, ""),
    operation: String(context.commandName ?? "unknown").replace(/Command$/, ""),
  };
}

const lengthOf = (value: unknown) => (Array.isArray(value) ? value.length : 0);

/**
 * How many entries one request carried: a batch's entries, keys or items, the messages a receive
 * returned, the items a query or scan returned; 1 for everything else. The bench divides it by the
 * calls to replay the same batch sizes.
 */
export function awsCallItems(operation: string, input: unknown, output: unknown): number {
  const i = (input ?? {}) as Record<string, unknown>;
  const o = (output ?? {}) as Record<string, unknown>;
  switch (operation) {
    case "ReceiveMessage":
      return lengthOf(o.Messages);
    case "Query":
    case "Scan":
      return typeof o.Count === "number" ? o.Count : 0;
    case "BatchGetItem":
      return Object.values((i.RequestItems ?? {}) as Record<string, { Keys?: unknown }>).reduce((n, t) => n + lengthOf(t.Keys), 0);
    case "BatchWriteItem":
      return Object.values((i.RequestItems ?? {}) as Record<string, unknown>).reduce((n: number, t) => n + lengthOf(t), 0);
    case "TransactWriteItems":
    case "TransactGetItems":
      return lengthOf(i.TransactItems);
    default:
      return "Entries" in i ? lengthOf(i.Entries) : 1;
  }
}

const bodyBytes = (body: unknown): number => {
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
};

/** What the counting middleware needs of an SDK v3 client (SQSClient, DynamoDBClient, S3Client …). */
interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object; request?: unknown }) => Promise<{ output: unknown }>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: object; request?: unknown }) => Promise<{ output: unknown }>,
      options: { step: "deserialize"; priority: "high"; name: string; override: boolean },
    ): void;
  };
}

/**
 * Counts every request an AWS SDK v3 client sends into `syncwell_aws_requests_total{service,operation}`
 * (and its items and bytes). It sits first in the deserialize step: inside the retry loop, so a
 * retried call counts once per attempt, as AWS bills it, and around the deserializer, so it sees the output. A DynamoDB document client shares its client's
 * stack, so counting the client counts both. Adding it twice replaces it (no double count).
 */
export function countAwsCalls<C extends object>(client: C): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const labels = awsCallLabels(context);
      requests.counter.inc(labels);
      const sent = bodyBytes((args.request as { body?: unknown } | undefined)?.body);
      if (sent > 0) bytes.counter.inc(labels, sent);
      const result = await next(args);
      items.counter.inc(labels, awsCallItems(labels.operation, args.input, result.output));
      return result;
    },
    { step: "deserialize", priority: "high", name: "syncwellAwsCallCounter", override: true },
  );
  return client;
}
