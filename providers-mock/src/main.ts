import { configOrExit, createLogger, runService } from "@syncwell/core";
import { loadProvidersMockConfig } from "./config.ts";
import { startProvidersMock } from "./server.ts";

const config = configOrExit(() => loadProvidersMockConfig());
const logger = createLogger("providers-mock", config.LOG_LEVEL);
await runService({ name: "providers-mock", logger, port: config.PROVIDERS_MOCK_PORT, portVariable: "PROVIDERS_MOCK_PORT" }, () =>
  startProvidersMock(config, logger),
);
