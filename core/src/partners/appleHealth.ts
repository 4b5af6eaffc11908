import type { BatchStore } from "../batches/BatchStore.ts";
import type { ActivityMetadata, ActivityPayload } from "../contracts/activity.ts";
import {
  DEVICE_KIND_TYPES,
  DEVICE_RECORD_KINDS,
  DeviceBatchSchema,
  type DeviceRecord,
  type DeviceRecordKind,
  deviceUserPrefix,
} from "../contracts/deviceUpload.ts";
import { valuesOf } from "../contracts/healthData.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import type { DataProvider, OAuthClient, ProviderCredentials } from "../ports/DataProvider.ts";
import { type BuiltPartner, notADestination, SOURCE_ONLY } from "./adapterSupport.ts";

const PROVIDER = "apple_health" as const;

/**
 * What an `apple_health` connection holds (gateway-shim's connections route): no partner account
 * and no token — the mobile app is the only way its data arrives. `providerUserId` is the SyncWell
 * user id itself (the phone's owner), so a batch key is checked against it; the tokens are empty
 * and never expire, so nothing refreshes or revokes them.
 */
export const DEVICE_CONNECTION_TOKENS = { accessToken: "", refreshToken: "", tokenExpiresAt: "9999-12-31T23:59:59.000Z" } as const;

const failure = (message: string, operation: "list_metadata" | "get_payload") =>
  new PartnerError("permanent", message, { provider: PROVIDER, operation });

/**
 * The device-native source of SPEC §18: HealthKit records the mobile app uploaded
 * (`POST /v1/device-uploads`). A job carries its batch's key (claim-check); the listing is the
 * batch's records, whatever the watermark (the ledger tells what was synced before, so a batch
 * uploaded again writes nothing twice), and each record's `sourceRef` is the batch, where the
 * payloads are read from. Never polled (`hasNewData` is false) and never a destination. One
 * adapter per data type: each reads the batch's records of its kind (workouts, sleep sessions,
 * days' totals, body measurements).
 *
 * A record's privacy is what the app says, false when it says nothing: HealthKit has no sharing
 * setting, and the user chose to sync their own workouts by uploading them to a sync config.
 */
export function createAppleHealthAdapter(deps: { batches: BatchStore }): BuiltPartner {
  const read = async (credentials: ProviderCredentials, key: string, operation: "list_metadata" | "get_payload") => {
    // A key is only ever this user's: the gateway stores under the user's prefix, and a job cannot name another's.
    if (!key.startsWith(deviceUserPrefix(credentials.providerUserId))) throw failure("the batch is not this user's upload", operation);
    const text = await deps.batches.get(key);
    if (text === undefined) throw failure("the uploaded batch is gone (uploads expire; upload it again)", operation);
    const parsed = DeviceBatchSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw failure("the uploaded batch is not a device batch", operation);
    return parsed.data.records;
  };
  const toMetadata = (r: DeviceRecord, batchKey: string): ActivityMetadata => ({
    id: r.id,
    startTime: r.startTime,
    endTime: r.endTime,
    type: r.type,
    name: r.name,
    updatedAt: r.updatedAt ?? r.endTime,
    sourceRef: batchKey,
    private: r.private ?? false,
    ...(r.utcOffsetSeconds === undefined ? {} : { utcOffsetSeconds: r.utcOffsetSeconds }),
    ...(valuesOf(r) === undefined ? {} : { values: valuesOf(r) }),
  });

  const forKind = (kind: DeviceRecordKind): DataProvider => ({
    provider: PROVIDER,
    // HealthKit samples are immutable: updatedAt is the workout's end unless the app gives one.
    capabilities: SOURCE_ONLY,
    async fetchMetadata(credentials, _since, context) {
      // A job without a batch (a manual sync of the config) has nothing to read: the data is on the phone.
      if (!context?.batchKey) return { records: [] };
      const batchKey = context.batchKey;
      const records = (await read(credentials, batchKey, "list_metadata")).filter((r) => r.kind === kind);
      return { records: records.map((r) => toMetadata(r, batchKey)) };
    },
    async fetchPayloads(credentials, records) {
      const batches = new Map<string, Map<string, DeviceRecord>>();
      for (const key of new Set(records.map((r) => r.sourceRef ?? ""))) {
        if (!key) throw failure("a record without its batch", "get_payload");
        batches.set(key, new Map((await read(credentials, key, "get_payload")).map((r) => [r.id, r])));
      }
      return records.map((meta): ActivityPayload => {
        const record = batches.get(meta.sourceRef ?? "")?.get(meta.id);
        if (!record) throw failure(`record ${meta.id} is not in its batch`, "get_payload");
        const { sourceRef: _ref, ...rest } = toMetadata(record, meta.sourceRef ?? "");
        const block = DEVICE_KIND_TYPES[record.kind].block;
        return { ...rest, samples: record.samples, ...(block ? { [block]: record[block] } : {}) };
      });
    },
    async fetchOverlapping() {
      return notADestination(PROVIDER);
    },
    async pushData() {
      return notADestination(PROVIDER);
    },
    async hasNewData() {
      return false;
    },
  });

  const oauth: OAuthClient = {
    async exchangeCode() {
      throw new PartnerError("permanent", "apple_health has no OAuth: connect it without an authorization code", {
        provider: PROVIDER,
        operation: "oauth_token",
      });
    },
    // Never due (the tokens never expire); answers the same empty tokens if it ever were.
    async refresh() {
      return {
        accessToken: DEVICE_CONNECTION_TOKENS.accessToken,
        refreshToken: DEVICE_CONNECTION_TOKENS.refreshToken,
        expiresAt: DEVICE_CONNECTION_TOKENS.tokenExpiresAt,
      };
    },
    // No partner can withdraw access: the connection works until the user disconnects it here.
    async verifyAccess() {
      return "authorized";
    },
  };
  const [workout, ...others] = DEVICE_RECORD_KINDS.map((kind) => [DEVICE_KIND_TYPES[kind].dataType, forKind(kind)] as const);
  return { dataProvider: (workout as readonly [string, DataProvider])[1], oauth, records: Object.fromEntries(others) };
}
