import { Counter, createMetricsRegistry, Histogram, jobsEnqueuedCounter, type PartnerCallObserver } from "@syncwell/core";

/** The gateway's metrics (SPEC §9); routes are patterns, never ids. */
export function createGatewayMetrics() {
  const registry = createMetricsRegistry("gateway");
  const partnerRequests = new Counter({
    name: "syncwell_partner_requests_total",
    help: "Partner API calls by provider, operation and HTTP status (0 = network error)",
    labelNames: ["provider", "operation", "status"],
    registers: [registry],
  });
  const observePartnerCall: PartnerCallObserver = ({ provider, operation, status }) =>
    partnerRequests.inc({ provider, operation, status: String(status) });
  return {
    registry,
    observePartnerCall,
    requests: new Counter({
      name: "syncwell_gateway_requests_total",
      help: "Gateway requests by route and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: "syncwell_gateway_request_duration_seconds",
      help: "Gateway request duration",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: "syncwell_webhook_events_received_total",
      help: "Partner webhook calls by provider and result (accepted, unverified, stale, replayed, malformed, unknown_provider)",
      labelNames: ["provider", "result"],
      registers: [registry],
    }),
    jobsEnqueued: jobsEnqueuedCounter(registry),
  };
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
