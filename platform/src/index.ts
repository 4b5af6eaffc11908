export { isolatedPlatformConfig, loadPlatformConfig, type PlatformConfig, PlatformEnv, platformConfigWith } from "./config.ts";
export { PlatformError } from "./localServers.ts";
export { type RunningPlatform, startPlatform } from "./platform.ts";
export { freePort } from "./ports.ts";
export { type ServiceProcess, spawnService, waitHealthy } from "./services.ts";
