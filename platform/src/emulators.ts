/// <reference path="./dynalite.d.ts" />
import type { AddressInfo } from "node:net";
import dynalite from "dynalite";
import { buildApp } from "fauxqs";

export interface EmbeddedAws {
  sqsEndpoint: string;
  /** fauxqs serves S3 on the same port as SQS (path-style requests). */
  s3Endpoint: string;
  dynamoDbEndpoint: string;
  stop(): Promise<void>;
}

/**
 * fauxqs (SQS and S3) and dynalite (DynamoDB) in this process, on free ports of `host` (loopback unless
 * the caller says otherwise). fauxqs' own `startFauxqs` always binds 0.0.0.0, so we listen ourselves.
 */
export async function startEmbeddedAws(host = "127.0.0.1"): Promise<EmbeddedAws> {
  const sqs = buildApp({ logger: false, host: "localhost" });
  await sqs.listen({ port: 0, host });
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamo.once("error", reject);
    dynamo.listen(0, host, () => resolve());
  }).catch(async (error) => {
    await sqs.close();
    throw error;
  });
  const fauxqs = `http://127.0.0.1:${(sqs.server.address() as AddressInfo).port}`;
  return {
    sqsEndpoint: fauxqs,
    s3Endpoint: fauxqs,
    dynamoDbEndpoint: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    async stop() {
      await sqs.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}
