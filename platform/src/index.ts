export { loadPlatformConfig, type PlatformConfig, PlatformEnv } from "./config.ts";
export { PlatformError } from "./localServers.ts";
export { type RunningPlatform, startPlatform } from "./platform.ts";
