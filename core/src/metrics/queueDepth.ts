import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { Gauge, type Registry } from "prom-client";

/**
 * `syncwell_queue_messages{queue,state}`: each queue's depth (visible, in flight, delayed), read
 * from SQS when Prometheus scrapes. Queue names only, never message content.
 */
export function registerQueueDepth(registry: Registry, sqs: SQSClient, queues: Record<string, string>): void {
  new Gauge({
    name: "syncwell_queue_messages",
    help: "Approximate number of messages per queue and state",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      await Promise.all(
        Object.entries(queues).map(async ([queue, url]) => {
          try {
            const { Attributes = {} } = await sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: url,
                AttributeNames: [
                  "ApproximateNumberOfMessages",
                  "ApproximateNumberOfMessagesNotVisible",
                  "ApproximateNumberOfMessagesDelayed",
                ],
              }),
            );
            this.set({ queue, state: "visible" }, Number(Attributes.ApproximateNumberOfMessages ?? 0));
            this.set({ queue, state: "in_flight" }, Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0));
            this.set({ queue, state: "delayed" }, Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0));
          } catch {
            // An unreachable queue leaves its last values; the scrape itself must not fail.
          }
        }),
      );
    },
  });
}
