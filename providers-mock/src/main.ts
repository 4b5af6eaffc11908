import { configOrExit, createLogger } from "@syncwell/core";
import { loadProvidersMockConfig } from "./config.ts";
import { startProvidersMock } from "./server.ts";

const config = configOrExit(() => loadProvidersMockConfig());
const logger = createLogger("providers-mock", config.LOG_LEVEL);
try {
  const running = await startProvidersMock(config, logger);
  logger.info({ url: running.url }, "providers-mock listening");
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
} catch (error) {
  const code = (error as { code?: string }).code;
  process.stderr.write(
    code === "EADDRINUSE"
      ? `providers-mock: port ${config.PROVIDERS_MOCK_PORT} is already in use (set PROVIDERS_MOCK_PORT)\n`
      : `providers-mock: cannot start: ${(error as Error).message}\n`,
  );
  process.exit(1);
}
