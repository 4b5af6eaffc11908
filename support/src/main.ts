import { configOrExit, createLogger, runService } from "@syncwell/core";
import { loadSupportConfig } from "./config.ts";
import { startSupport } from "./server.ts";

const config = configOrExit(() => loadSupportConfig());
const logger = createLogger("support", config.LOG_LEVEL);
await runService({ name: "support", logger, port: config.SUPPORT_PORT, portVariable: "SUPPORT_PORT" }, () => startSupport(config, logger));
