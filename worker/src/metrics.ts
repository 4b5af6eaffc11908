import { Counter, createMetricsRegistry, Gauge, Histogram, type PartnerCallObserver, type Registry } from "@syncwell/core";

/** The worker's metrics (SPEC §9); labels never carry user ids. */
export function createWorkerMetrics(registry: Registry = createMetricsRegistry("worker")) {
  const partnerRequests = new Counter({
    name: "syncwell_partner_requests_total",
    help: "Partner API calls by provider, operation and HTTP status (0 = network error)",
    labelNames: ["provider", "operation", "status"],
    registers: [registry],
  });
  const partnerDuration = new Histogram({
    name: "syncwell_partner_request_duration_seconds",
    help: "Partner API call duration",
    labelNames: ["provider", "operation"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const partnerRateLimit = new Gauge({
    name: "syncwell_partner_rate_limit_usage_ratio",
    help: "Fullest rate-limit window of a partner (usage/limit) as it last reported it",
    labelNames: ["provider"],
    registers: [registry],
  });
  const observePartnerCall: PartnerCallObserver = ({ provider, operation, status, seconds, rateLimitUsage }) => {
    partnerRequests.inc({ provider, operation, status: String(status) });
    partnerDuration.observe({ provider, operation }, seconds);
    if (rateLimitUsage !== undefined) partnerRateLimit.set({ provider }, rateLimitUsage);
  };
  return {
    registry,
    observePartnerCall,
    jobsProcessed: new Counter({
      name: "syncwell_jobs_processed_total",
      help: "Jobs processed by outcome",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "syncwell_job_duration_seconds",
      help: "Duration of one job attempt",
      labelNames: ["outcome"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    destinationFetchesSkipped: new Counter({
      name: "syncwell_destination_fetches_skipped_total",
      help: "Destination metadata fetches skipped, by reason",
      labelNames: ["reason"],
      registers: [registry],
    }),
    recordsWritten: new Counter({
      name: "syncwell_records_written_total",
      help: "Records written to destinations",
      labelNames: ["destination", "data_type"],
      registers: [registry],
    }),
    queueWait: new Histogram({
      name: "syncwell_job_queue_wait_seconds",
      help: "Time a job message waited in HotPathSyncQueue before this receive",
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers: [registry],
    }),
    tokenRefreshes: new Counter({
      name: "syncwell_token_refreshes_total",
      help: "OAuth token refreshes by provider and result",
      labelNames: ["provider", "result"],
      registers: [registry],
    }),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
