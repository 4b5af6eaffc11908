import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { bootstrapPlatform, MAX_RECEIVE_COUNT, resourceNames } from "@syncwell/core";
import { type EmbeddedAws, startEmbeddedAws } from "../src/emulators.ts";
import { emulatorClients } from "./helpers/embeddedStack.ts";

describe("platform bootstrap on the embedded emulators", () => {
  let aws: EmbeddedAws;
  let clients: ReturnType<typeof emulatorClients>;
  const names = resourceNames(`bootstrap-${randomBytes(3).toString("hex")}-`);

  before(async () => {
    aws = await startEmbeddedAws();
    clients = emulatorClients(aws);
  });
  after(async () => {
    clients.sqs.destroy();
    clients.dynamoDb.destroy();
    await aws.stop();
  });

  it("creates FIFO queues with a FIFO DLQ after 5 receives, the webhook queue with its DLQ, and the table with its indexes; twice is harmless", async () => {
    const first = await bootstrapPlatform(clients, names);
    const second = await bootstrapPlatform(clients, names);
    assert.deepEqual(second, first);

    const attrs = async (url: string) =>
      (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes ?? {};
    const hot = await attrs(first.hotPathQueueUrl);
    const hotDlq = await attrs(first.hotPathDlqUrl);
    assert.equal(hot.FifoQueue, "true");
    assert.equal(hotDlq.FifoQueue, "true");
    assert.deepEqual(JSON.parse(hot.RedrivePolicy ?? "{}"), { deadLetterTargetArn: hotDlq.QueueArn, maxReceiveCount: MAX_RECEIVE_COUNT });
    const webhook = await attrs(first.webhookQueueUrl);
    assert.equal(webhook.FifoQueue, undefined);
    assert.equal(JSON.parse(webhook.RedrivePolicy ?? "{}").deadLetterTargetArn, (await attrs(first.webhookDlqUrl)).QueueArn);

    const { Table } = await clients.dynamoDb.send(new DescribeTableCommand({ TableName: names.table }));
    assert.deepEqual(
      Table?.KeySchema?.map((k) => k.AttributeName),
      ["pk", "sk"],
    );
    assert.deepEqual(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort(), ["gsi1", "gsi2"]);
  });

  it("moves a message that fails 5 receives to the DLQ", async () => {
    const queues = await bootstrapPlatform(clients, names);
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.hotPathQueueUrl,
        MessageBody: '{"poison":true}',
        MessageGroupId: "u1",
        MessageDeduplicationId: "poison-1",
      }),
    );
    for (let receive = 1; receive <= MAX_RECEIVE_COUNT; receive++) {
      const { Messages } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues.hotPathQueueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      assert.equal(Messages?.length, 1, `receive ${receive}`);
    }
    const { Messages: more } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.hotPathQueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(more, undefined);
    const { Messages: dead } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.hotPathDlqUrl, WaitTimeSeconds: 1 }));
    assert.equal(dead?.[0]?.Body, '{"poison":true}');
  });
});
