import { configOrExit, createLogger, runService } from "@syncwell/core";
import { loadPollerConfig } from "./config.ts";
import { startPoller } from "./server.ts";

const config = configOrExit(() => loadPollerConfig());
const logger = createLogger("poller", config.LOG_LEVEL);
await runService({ name: "poller", logger, port: config.POLLER_PORT, portVariable: "POLLER_PORT" }, () => startPoller(config, logger));
