import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createDynamoDbClient, createSqsClient } from "../aws/clients.ts";
import { awsCallItems, awsCallLabels } from "./awsCalls.ts";
import { createMetricsRegistry } from "./registry.ts";

/** A request handler that answers every request with `body` (JSON) and counts them, without a network. */
function stubHandler(body: object, status = 200) {
  const seen = { requests: 0 };
  return {
    seen,
    handler: {
      async handle() {
        seen.requests += 1;
        return {
          response: {
            statusCode: status,
            headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "r" },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    },
  };
}

const sample = async (registry: ReturnType<typeof createMetricsRegistry>, name: string, labels: Record<string, string>) => {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
};
const aws = { region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" } };

describe("AWS call counter", () => {
  it("names the AWS service and operation from the SDK's client and command names", () => {
    assert.deepEqual(awsCallLabels({ clientName: "DynamoDBClient", commandName: "BatchGetItemCommand" }), {
      service: "DynamoDB",
      operation: "BatchGetItem",
    });
    assert.deepEqual(awsCallLabels({}), { service: "unknown", operation: "unknown" });
  });

  it("counts a batch's entries, a receive's messages and a query's items; 1 for a single-item call", () => {
    assert.equal(awsCallItems("DeleteMessageBatch", { Entries: [{}, {}, {}] }, {}), 3);
    assert.equal(awsCallItems("ReceiveMessage", {}, { Messages: [{}, {}] }), 2);
    assert.equal(awsCallItems("ReceiveMessage", {}, {}), 0);
    assert.equal(awsCallItems("Query", {}, { Count: 7 }), 7);
    assert.equal(awsCallItems("BatchGetItem", { RequestItems: { a: { Keys: [{}, {}] }, b: { Keys: [{}] } } }, {}), 3);
    assert.equal(awsCallItems("BatchWriteItem", { RequestItems: { a: [{}, {}, {}, {}] } }, {}), 4);
    assert.equal(awsCallItems("TransactWriteItems", { TransactItems: [{}, {}] }, {}), 2);
    assert.equal(awsCallItems("PutItem", { TableName: "t" }, {}), 1);
  });

  it("every client the factories make counts each request into every service registry, the document client's too", async () => {
    const registry = createMetricsRegistry("test");
    const md5 = createHash("md5").update("{}").digest("hex");
    const sqsStub = stubHandler({ Messages: [{ MessageId: "1", ReceiptHandle: "h", Body: "{}", MD5OfBody: md5 }] });
    const sqs = createSqsClient({ ...aws, sqsEndpoint: "http://127.0.0.1:1" });
    sqs.config.requestHandler = sqsStub.handler as never;
    const labels = { service: "SQS", operation: "ReceiveMessage" };
    const before = await sample(registry, "syncwell_aws_requests_total", labels);
    const itemsBefore = await sample(registry, "syncwell_aws_request_items_total", labels);
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: "http://127.0.0.1:1/000000000000/q", MaxNumberOfMessages: 10 }));
    assert.equal((await sample(registry, "syncwell_aws_requests_total", labels)) - before, sqsStub.seen.requests);
    assert.equal((await sample(registry, "syncwell_aws_request_items_total", labels)) - itemsBefore, 1);
    assert.ok((await sample(registry, "syncwell_aws_request_bytes_total", labels)) > 0);

    const dynamoStub = stubHandler({ UnprocessedItems: {} });
    const dynamoDb = createDynamoDbClient({ ...aws, dynamoDbEndpoint: "http://127.0.0.1:1" });
    dynamoDb.config.requestHandler = dynamoStub.handler as never;
    const batch = { service: "DynamoDB", operation: "BatchWriteItem" };
    const batchBefore = await sample(registry, "syncwell_aws_requests_total", batch);
    const batchItemsBefore = await sample(registry, "syncwell_aws_request_items_total", batch);
    await createDocumentClient(dynamoDb).send(
      new BatchWriteCommand({ RequestItems: { t: [{ PutRequest: { Item: { pk: "a" } } }, { PutRequest: { Item: { pk: "b" } } }] } }),
    );
    assert.equal((await sample(registry, "syncwell_aws_requests_total", batch)) - batchBefore, 1);
    assert.equal((await sample(registry, "syncwell_aws_request_items_total", batch)) - batchItemsBefore, 2);
  });

  it("a retried request counts once per attempt", async () => {
    const registry = createMetricsRegistry("test");
    const stub = stubHandler({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "boom" }, 500);
    const dynamoDb = createDynamoDbClient({ ...aws, dynamoDbEndpoint: "http://127.0.0.1:1" });
    dynamoDb.config.requestHandler = stub.handler as never;
    const labels = { service: "DynamoDB", operation: "GetItem" };
    const before = await sample(registry, "syncwell_aws_requests_total", labels);
    await assert.rejects(dynamoDb.send(new GetItemCommand({ TableName: "t", Key: { pk: { S: "a" } } })));
    assert.ok(stub.seen.requests > 1, "the SDK retried");
    assert.equal((await sample(registry, "syncwell_aws_requests_total", labels)) - before, stub.seen.requests);
  });
});
