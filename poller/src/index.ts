export { loadPollerConfig, type PollerConfig, PollerEnv } from "./config.ts";
export { createPollerMetrics, Poller } from "./Poller.ts";
export * from "./schedule.ts";
export { startPoller } from "./server.ts";
