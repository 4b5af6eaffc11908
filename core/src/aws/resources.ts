/** Names of the platform's AWS resources; one place, so code, bootstrap and stacks agree. */
export interface ResourceNames {
  hotPathQueue: string;
  hotPathDlq: string;
  webhookQueue: string;
  webhookDlq: string;
  table: string;
  /** The S3 bucket of device uploads (SPEC §18); services get it as DEVICE_UPLOAD_BUCKET. */
  deviceUploadBucket: string;
}

/** The production names; tests pass a prefix to get their own isolated set. */
export function resourceNames(prefix = ""): ResourceNames {
  return {
    hotPathQueue: `${prefix}HotPathSyncQueue.fifo`,
    hotPathDlq: `${prefix}HotPathSyncDLQ.fifo`,
    webhookQueue: `${prefix}WebhookEventQueue`,
    webhookDlq: `${prefix}WebhookEventDLQ`,
    table: `${prefix}SyncWellMetadata`,
    deviceUploadBucket: deviceUploadBucketName(prefix),
  };
}

/**
 * The device-upload bucket for a prefix: S3 names are lower case, digits, dots and hyphens, 3–63
 * characters, so the prefix is folded into that (`Test_1-` → `test-1-syncwell-device-uploads`).
 * The stack adds the account id (bucket names are global); DEVICE_UPLOAD_BUCKET carries it.
 */
export function deviceUploadBucketName(prefix = ""): string {
  const folded = prefix.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return `${folded}syncwell-device-uploads`.slice(-63).replace(/^[^a-z0-9]+/, "");
}

/** Failures after which SQS moves a message to the DLQ (SPEC §4). */
export const MAX_RECEIVE_COUNT = 5;

/** Days an uploaded batch is kept before the bucket's lifecycle rule deletes it (its jobs ran long before). */
export const DEVICE_UPLOAD_RETENTION_DAYS = 7;
