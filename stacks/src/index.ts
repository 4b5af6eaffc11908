export { loadStackConfig, type StackConfig, StackEnv } from "./config.ts";
export { SyncWellStack } from "./SyncWellStack.ts";
