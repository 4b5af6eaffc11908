export { loadWorkerConfig, type WorkerConfig, WorkerEnv } from "./config.ts";
export { type RunningWorker, startWorker } from "./createWorker.ts";
export { SyncSettingsDocument } from "./settings/SettingsSource.ts";
