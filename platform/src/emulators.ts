/// <reference path="./dynalite.d.ts" />
import type { AddressInfo } from "node:net";
import dynalite from "dynalite";
import { startFauxqs } from "fauxqs";

export interface EmbeddedAws {
  sqsEndpoint: string;
  dynamoDbEndpoint: string;
  stop(): Promise<void>;
}

/** fauxqs (SQS) and dynalite (DynamoDB) in this process, on free loopback ports. */
export async function startEmbeddedAws(): Promise<EmbeddedAws> {
  const sqs = await startFauxqs({ port: 0, logger: false, host: "localhost" });
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamo.once("error", reject);
    dynamo.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    sqsEndpoint: `http://127.0.0.1:${sqs.port}`,
    dynamoDbEndpoint: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    async stop() {
      await sqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}
