import { S3Client } from "@aws-sdk/client-s3";
import { countAwsCalls } from "../metrics/awsCalls.ts";

/** Where the S3 client points; leave `endpoint` undefined on real AWS. */
export interface S3Options {
  region: string;
  /** An emulator (fauxqs, LocalStack): requests then go path-style (`{endpoint}/{bucket}/{key}`), which needs no DNS. */
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** An S3 client whose calls are counted like every other AWS client's (metrics/awsCalls.ts). */
export function createS3Client(options: S3Options): S3Client {
  return countAwsCalls(
    new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.endpoint !== undefined,
      credentials: options.credentials,
    }),
  );
}
