import type { Resource, ServiceName } from "../../src/permissions.ts";

/** One distinct AWS call a service made: `sqs:SendMessage` on `hot`. */
export interface RecordedCall {
  service: ServiceName;
  action: string;
  resource: Resource;
}

/** What awsCallRecorder.mjs writes, one a line. */
interface RawCall {
  service: string;
  client: string;
  operation: string;
  resource: string;
}

const SERVICE: Record<string, ServiceName> = {
  "gateway-shim": "gateway",
  worker: "worker",
  coalescer: "coalescer",
  poller: "poller",
  support: "support",
};

/** A queue, table or device-upload object name, whatever the prefix of the run (test runs prefix their names), by its role. */
export function roleOf(name: string): Resource | undefined {
  const roles: [RegExp, Resource][] = [
    [/HotPathSyncQueue\.fifo$/, "hot"],
    [/HotPathSyncDLQ\.fifo$/, "hotDlq"],
    [/WebhookEventQueue$/, "webhook"],
    [/WebhookEventDLQ$/, "webhookDlq"],
    [/SyncWellMetadata\/index\/gsi1$/, "gsi1"],
    [/SyncWellMetadata\/index\/gsi2$/, "gsi2"],
    [/SyncWellMetadata$/, "table"],
    // An object under device-uploads/ in the device-upload bucket, whatever the run's prefix.
    [/syncwell-device-uploads[^/]*\/device-uploads\/.+$/, "deviceUploads"],
  ];
  return roles.find(([pattern]) => pattern.test(name))?.[1];
}

/** Distinct calls with IAM action names and resource roles, sorted; calls on anything else are kept as they are (the test fails on them). */
export function toRecordedCalls(raw: RawCall[]): RecordedCall[] {
  const seen = new Map<string, RecordedCall>();
  for (const call of raw) {
    const service = SERVICE[call.service];
    if (!service) continue;
    const action = `${call.client.toLowerCase()}:${call.operation}`;
    const resource = (roleOf(call.resource) ?? call.resource) as Resource;
    seen.set(`${service} ${action} ${resource}`, { service, action, resource });
  }
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, call]) => call);
}
