import { configOrExit, createLogger, runService } from "@syncwell/core";
import { loadWorkerConfig } from "./config.ts";
import { startWorker } from "./createWorker.ts";

// SIGTERM stops taking jobs and lets the running ones finish before the process exits.
const config = configOrExit(() => loadWorkerConfig());
const logger = createLogger("worker", config.LOG_LEVEL);
await runService({ name: "worker", logger, port: config.WORKER_PORT, portVariable: "WORKER_PORT" }, () => startWorker(config, logger));
