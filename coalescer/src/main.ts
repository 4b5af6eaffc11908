import { configOrExit, createLogger, runService } from "@syncwell/core";
import { loadCoalescerConfig } from "./config.ts";
import { startCoalescer } from "./server.ts";

const config = configOrExit(() => loadCoalescerConfig());
const logger = createLogger("coalescer", config.LOG_LEVEL);
await runService({ name: "coalescer", logger, port: config.COALESCER_PORT, portVariable: "COALESCER_PORT" }, () =>
  startCoalescer(config, logger),
);
