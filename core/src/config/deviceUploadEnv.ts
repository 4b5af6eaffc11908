import { z } from "zod";
import { resourceNames } from "../aws/resources.ts";
import { createS3Client } from "../aws/s3.ts";
import type { BatchStore } from "../batches/BatchStore.ts";
import { S3BatchStore } from "../batches/S3BatchStore.ts";
import { env } from "./loadConfig.ts";
import { localDefault } from "./mode.ts";

/**
 * Where device uploads are kept (SPEC §18): read by the gateway (which stores them) and the worker
 * (which reads them). Production names the stack's bucket; development uses the bootstrap's.
 */
export const deviceUploadEnv = {
  AWS_ENDPOINT_URL_S3: env.url().optional().describe("S3 endpoint (overrides AWS_ENDPOINT_URL; fauxqs or LocalStack locally)"),
  DEVICE_UPLOAD_BUCKET: localDefault(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3–63 lower-case letters, digits, dots and hyphens)")
      .describe("S3 bucket of device uploads (POST /v1/device-uploads stores, the worker reads; the stack's bucket in production)"),
    resourceNames().deviceUploadBucket,
  ),
};

/** The batch store a service's configuration names (S3, on the emulator where an endpoint is set). */
export function batchStoreFrom(c: {
  AWS_REGION: string;
  AWS_ENDPOINT_URL?: string | undefined;
  AWS_ENDPOINT_URL_S3?: string | undefined;
  DEVICE_UPLOAD_BUCKET: string;
}): { batches: BatchStore; close(): void } {
  const s3 = createS3Client({ region: c.AWS_REGION, endpoint: c.AWS_ENDPOINT_URL_S3 ?? c.AWS_ENDPOINT_URL });
  return { batches: new S3BatchStore({ s3 }, { bucket: c.DEVICE_UPLOAD_BUCKET }), close: () => s3.destroy() };
}
