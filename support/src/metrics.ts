import { Counter, createMetricsRegistry, Gauge, type Registry } from "@syncwell/core";

/** The support service's metrics; labels carry categories and outcomes, never users. */
export function createSupportMetrics(registry: Registry = createMetricsRegistry("support")) {
  return {
    registry,
    requests: new Counter({
      name: "syncwell_support_requests_total",
      help: "Support API requests by route and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    ticketsOpened: new Counter({
      name: "syncwell_support_tickets_opened_total",
      help: "Tickets opened, by playbook category and origin (dlq, troubleshooter)",
      labelNames: ["category", "origin"],
      registers: [registry],
    }),
    ticketsOpen: (count: () => Promise<Array<{ category: string; count: number }>>) =>
      new Gauge({
        name: "syncwell_support_tickets_open",
        help: "Open tickets by playbook category",
        labelNames: ["category"],
        registers: [registry],
        async collect() {
          this.reset();
          for (const { category, count: n } of await count().catch(() => [])) this.set({ category }, n);
        },
      }),
    dlqScans: new Counter({
      name: "syncwell_support_dlq_scans_total",
      help: "DLQ scans of the ticket watcher, by result (ok, failed)",
      labelNames: ["result"],
      registers: [registry],
    }),
    redrives: new Counter({
      name: "syncwell_support_redrives_total",
      help: "DLQ messages re-driven to HotPathSyncQueue, by result (redriven, already_redriven)",
      labelNames: ["result"],
      registers: [registry],
    }),
    conversations: new Counter({
      name: "syncwell_troubleshooter_conversations_total",
      help: "Troubleshooter conversations that ended, by outcome (resolved, escalated)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
  };
}
export type SupportMetrics = ReturnType<typeof createSupportMetrics>;
