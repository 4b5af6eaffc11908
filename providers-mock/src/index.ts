export { loadProvidersMockConfig, type ProvidersMockConfig, ProvidersMockEnv } from "./config.ts";
export { createProvidersMock, type ProvidersMock } from "./createProvidersMock.ts";
export { ouraSignature } from "./providers/oura.ts";
export { type RunningProvidersMock, startProvidersMock } from "./server.ts";
