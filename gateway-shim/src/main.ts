import { configOrExit, createLogger, runService } from "@syncwell/core";
import { loadGatewayConfig } from "./config.ts";
import { startGateway } from "./server.ts";

const config = configOrExit(() => loadGatewayConfig());
const logger = createLogger("gateway-shim", config.LOG_LEVEL);
await runService({ name: "gateway-shim", logger, port: config.GATEWAY_PORT, portVariable: "GATEWAY_PORT" }, () =>
  startGateway(config, logger),
);
