export * from "./config.ts";
export * from "./playbook.ts";
export { type RunningSupport, startSupport } from "./server.ts";
