export * from "./activity.ts";
export * from "./deviceUpload.ts";
export * from "./domain.ts";
export * from "./healthData.ts";
export * from "./jobMessage.ts";
export * from "./providers.ts";
export * from "./webhookEvent.ts";
