export * from "./config.ts";
export * from "./playbook.ts";
export { type RunningSupport, startSupport } from "./server.ts";
export { readSyncLog, type SyncLogLine, type SyncLogQuery, syncLogTool } from "./troubleshooter/syncLogTool.ts";
