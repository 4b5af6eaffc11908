export { type CoalescerConfig, CoalescerEnv, loadCoalescerConfig } from "./config.ts";
export { startCoalescer } from "./server.ts";
