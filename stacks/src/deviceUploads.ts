import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { DEVICE_UPLOAD_PREFIX, DEVICE_UPLOAD_RETENTION_DAYS } from "@syncwell/core";
import { Construct } from "constructs";

/**
 * The bucket of device uploads (SPEC §18's claim-check: `POST /v1/device-uploads` stores a batch,
 * the job carries its key, the worker reads it). Named with the environment and the account (bucket
 * names are global); encrypted with the stack's KMS key by default (bucket keys on, so a batch costs
 * one KMS call, not one per object), every upload expired after DEVICE_UPLOAD_RETENTION_DAYS (its jobs
 * ran long before), no public access of any kind, no ACLs, TLS only. Services get its name as
 * DEVICE_UPLOAD_BUCKET; the task roles reach only the `device-uploads/` prefix (permissions.ts).
 */
export class DeviceUploads extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, p: { prefix: string; accountId: string; key: KmsKey }) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", { bucket: `${p.prefix}-device-uploads-${p.accountId}`, forceDestroy: false });
    new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: p.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-device-uploads",
          status: "Enabled",
          filter: [{ prefix: DEVICE_UPLOAD_PREFIX }],
          expiration: [{ days: DEVICE_UPLOAD_RETENTION_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    new S3BucketPolicy(this, "tls-only", {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });
  }
}
