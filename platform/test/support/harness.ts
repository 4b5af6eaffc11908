import { randomBytes } from "node:crypto";
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createLogger, signJwt } from "@syncwell/core";
import { DEV_SUPPORT_JWT_SECRET, loadSupportConfig, type RunningSupport, startSupport } from "@syncwell/support";
import pg from "pg";
import { type EmbeddedStack, startEmbeddedStack } from "../helpers/embeddedStack.ts";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The support service in this process on the embedded emulators, with its own schema and names. */
export class SupportHarness {
  readonly run = randomBytes(3).toString("hex");
  readonly schema = `support_test_${this.run}`;
  stack!: EmbeddedStack;
  support!: RunningSupport;

  get sqs(): SQSClient {
    return this.stack.sqs;
  }
  get store() {
    return this.stack.store;
  }
  get queues() {
    return this.stack.queues;
  }

  async start(env: Record<string, string> = {}): Promise<void> {
    this.stack = await startEmbeddedStack(`support-${this.run}-`);
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    await this.restart(env);
  }

  /** (Re)starts the support service on the same stores: state must survive it. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.support?.close();
    const config = loadSupportConfig({
      SYNCWELL_MODE: "development",
      AWS_ENDPOINT_URL_SQS: this.stack.aws.sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: this.stack.aws.dynamoDbEndpoint,
      SYNCWELL_RESOURCE_PREFIX: `support-${this.run}-`,
      REDIS_KEY_PREFIX: `support-${this.run}:`,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      DATABASE_URL,
      SUPPORT_DB_SCHEMA: this.schema,
      SUPPORT_PORT: "0",
      TROUBLESHOOTER_LLM: "scripted",
      DLQ_WATCH_INTERVAL_SECONDS: "3600",
      ...env,
    });
    this.support = await startSupport(config, createLogger("support-test", "silent"));
  }

  async stop(): Promise<void> {
    await this.support?.close();
    await this.stack?.stop();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${this.schema}" cascade`);
    await client.end();
  }

  /** Calls the support API as an agent (or with the given token). */
  async call(method: string, path: string, body?: unknown, token = signJwt(DEV_SUPPORT_JWT_SECRET, "agent-alice", 600)) {
    const response = await fetch(`${this.support.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  }

  /** Dead-letters a job as the worker does: the job message as body, the reason as attributes. */
  async deadLetter(job: { jobId: string; userId: string; syncConfigId: string }, category: string, message: string): Promise<void> {
    const body = JSON.stringify({ ...job, trigger: "manual", requestedAt: new Date().toISOString() });
    const attribute = (value: string) => ({ DataType: "String", StringValue: value });
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queues.hotPathDlqUrl,
        MessageBody: body,
        MessageGroupId: job.jobId,
        MessageDeduplicationId: `${job.jobId}:dlq`,
        MessageAttributes: {
          errorCategory: attribute(category),
          errorMessage: attribute(message),
          userId: attribute(job.userId),
          syncConfigId: attribute(job.syncConfigId),
          jobId: attribute(job.jobId),
          receiveCount: attribute("5"),
        },
      }),
    );
  }

  /** Takes every message off the main queue (the worker's side of a re-drive). */
  async drainMainQueue(): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queues.hotPathQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 60,
        }),
      );
      if (Messages.length === 0) return bodies;
      for (const m of Messages) {
        bodies.push(m.Body ?? "");
        await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queues.hotPathQueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  }
}
