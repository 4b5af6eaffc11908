import { configOrExit, createLogger } from "@syncwell/core";
import { loadWorkerConfig } from "./config.ts";
import { startWorker } from "./createWorker.ts";

const config = configOrExit(() => loadWorkerConfig());
const logger = createLogger("worker", config.LOG_LEVEL);
try {
  const worker = await startWorker(config, logger);
  logger.info({ url: worker.url, concurrency: config.WORKER_CONCURRENCY }, "worker consuming HotPathSyncQueue");
  const stop = async (signal: string) => {
    logger.info({ signal }, "stopping: no new jobs, finishing running ones");
    await worker.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
} catch (error) {
  const code = (error as { code?: string }).code;
  process.stderr.write(
    code === "EADDRINUSE"
      ? `worker: port ${config.WORKER_PORT} is already in use (set WORKER_PORT)\n`
      : `worker: cannot start: ${(error as Error).message}\n`,
  );
  process.exit(1);
}
