/** Names of the platform's AWS resources; one place, so code, bootstrap and stacks agree. */
export interface ResourceNames {
  hotPathQueue: string;
  hotPathDlq: string;
  webhookQueue: string;
  webhookDlq: string;
  table: string;
}

/** The production names; tests pass a prefix to get their own isolated set. */
export function resourceNames(prefix = ""): ResourceNames {
  return {
    hotPathQueue: `${prefix}HotPathSyncQueue.fifo`,
    hotPathDlq: `${prefix}HotPathSyncDLQ.fifo`,
    webhookQueue: `${prefix}WebhookEventQueue`,
    webhookDlq: `${prefix}WebhookEventDLQ`,
    table: `${prefix}SyncWellMetadata`,
  };
}

/** Failures after which SQS moves a message to the DLQ (SPEC §4). */
export const MAX_RECEIVE_COUNT = 5;
