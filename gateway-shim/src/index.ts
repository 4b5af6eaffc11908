export { type GatewayConfig, GatewayEnv, loadGatewayConfig } from "./config.ts";
export { createGateway } from "./createGateway.ts";
export { createGatewayMetrics } from "./metrics.ts";
export { type RunningGateway, startGateway } from "./server.ts";
