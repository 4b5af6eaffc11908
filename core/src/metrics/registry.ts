import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { registerAwsCallMetrics } from "./awsCalls.ts";

export { Counter, Gauge, Histogram, Registry };

/** A registry per service with the default process metrics under the `syncwell_` prefix and the AWS call counters. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: "syncwell_" });
  registerAwsCallMetrics(registry);
  return registry;
}

/** `syncwell_jobs_enqueued_total{trigger}`: jobs a service sent to HotPathSyncQueue (gateway: manual, poller: poll). */
export function jobsEnqueuedCounter(registry: Registry): Counter<"trigger"> {
  return new Counter({
    name: "syncwell_jobs_enqueued_total",
    help: "Jobs sent to HotPathSyncQueue by trigger",
    labelNames: ["trigger"],
    registers: [registry],
  });
}
