export { type GatewayConfig, GatewayEnv, loadGatewayConfig } from "./config.ts";
export { type RunningGateway, startGateway } from "./server.ts";
