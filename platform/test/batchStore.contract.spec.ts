import { randomBytes } from "node:crypto";
import { createBucket, createS3Client, S3BatchStore } from "@syncwell/core";
import { batchStoreContract } from "../../core/src/batches/batchStore.contract.ts";
import { startEmbeddedAws } from "../src/emulators.ts";

// The same contract as the in-memory fake's, against S3 as fauxqs serves it (the emulator `npm start` runs).
batchStoreContract("S3 on fauxqs", async () => {
  const aws = await startEmbeddedAws();
  const s3 = createS3Client({
    region: "us-east-1",
    endpoint: aws.s3Endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const bucket = `contract-${randomBytes(4).toString("hex")}`;
  await createBucket(s3, bucket);
  await createBucket(s3, bucket); // bootstrap runs on every start: a second create is a no-op
  return {
    store: new S3BatchStore({ s3 }, { bucket }),
    async stop() {
      s3.destroy();
      await aws.stop();
    },
  };
});
