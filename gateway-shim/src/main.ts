import { configOrExit, createLogger } from "@syncwell/core";
import { loadGatewayConfig } from "./config.ts";
import { startGateway } from "./server.ts";

const config = configOrExit(() => loadGatewayConfig());
const logger = createLogger("gateway-shim", config.LOG_LEVEL);
try {
  const gateway = await startGateway(config, logger);
  logger.info({ url: gateway.url }, "gateway listening");
  const stop = async () => {
    await gateway.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
} catch (error) {
  const code = (error as { code?: string }).code;
  process.stderr.write(
    code === "EADDRINUSE"
      ? `gateway-shim: port ${config.GATEWAY_PORT} is already in use (set GATEWAY_PORT)\n`
      : `gateway-shim: cannot start: ${(error as Error).message}\n`,
  );
  process.exit(1);
}
