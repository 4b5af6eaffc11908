import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { BatchStore } from "./BatchStore.ts";

/** Options of {@link S3BatchStore}. */
export interface S3BatchStoreOptions {
  /** The bucket (production: the stack's device-upload bucket, KMS-encrypted by default, uploads expire). */
  bucket: string;
}

/**
 * The batch store on S3 (fauxqs locally, LocalStack in compose). Objects are written without
 * encryption parameters: the bucket's default encryption (the stack's KMS key) applies, so the
 * same calls work on the emulators. Keys are the caller's: `device-uploads/{userId}/…`.
 */
export class S3BatchStore implements BatchStore {
  constructor(
    private readonly deps: { s3: S3Client },
    private readonly options: S3BatchStoreOptions,
  ) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket))
      throw new Error(`bucket must be an S3 bucket name (3–63 lower-case letters, digits, dots and hyphens), not "${options.bucket}"`);
  }

  async put(key: string, body: string): Promise<void> {
    await this.deps.s3.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: "application/json" }));
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const { Body } = await this.deps.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return Body ? await Body.transformToString("utf8") : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
      throw error;
    }
  }
}
