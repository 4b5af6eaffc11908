import type { BatchStore } from "../batches/BatchStore.ts";
import type { DataType } from "../contracts/healthData.ts";
import type { Partner, Provider } from "../contracts/providers.ts";
import type { Logger } from "../logging/logger.ts";
import type { DataProvider, OAuthClient } from "../ports/DataProvider.ts";
import type { AdapterOptions, BuiltPartner } from "./adapterSupport.ts";
import { createAppleHealthAdapter } from "./appleHealth.ts";
import { createGarminAdapter } from "./garmin.ts";
import { createOuraAdapter } from "./oura.ts";
import type { PartnerCallObserver } from "./PartnerHttp.ts";
import { createPolarAdapter } from "./polar.ts";
import { createStravaAdapter } from "./strava.ts";
import { createWithingsAdapter } from "./withings.ts";

export interface PartnerAdapters {
  /** The provider's adapter for one data type (workouts unless asked); a type it does not serve throws. */
  dataProvider(provider: Provider, dataType?: DataType): DataProvider;
  oauth(provider: Provider): OAuthClient;
}

export type { BuiltPartner } from "./adapterSupport.ts";

const FACTORIES = {
  strava: createStravaAdapter,
  garmin: createGarminAdapter,
  polar: createPolarAdapter,
  oura: createOuraAdapter,
  withings: createWithingsAdapter,
} as const;

/** Where a service that reads no device uploads ends up if a job asks it to: a configuration bug, said so. */
const NO_BATCH_STORE: BatchStore = {
  put: () => Promise.reject(new Error("this service has no batch store (DEVICE_UPLOAD_BUCKET) wired")),
  get: () => Promise.reject(new Error("this service has no batch store (DEVICE_UPLOAD_BUCKET) wired")),
};

/**
 * Every provider's adapter: the partners' from per-partner options, the device-native sources' from
 * the batch store their uploads are in (`shared.batches`; only the worker reads it).
 */
export function createPartnerAdapters(
  perProvider: Record<Partner, Omit<AdapterOptions, "observe" | "now">>,
  shared: { observe?: PartnerCallObserver; now?: () => number; timeoutMs?: number; logger?: Logger; batches?: BatchStore } = {},
): PartnerAdapters {
  const built = Object.fromEntries(
    (Object.keys(FACTORIES) as Partner[]).map((p) => [
      p,
      FACTORIES[p]({
        timeoutMs: shared.timeoutMs,
        ...perProvider[p],
        observe: shared.observe,
        now: shared.now,
        ...(shared.logger ? { logger: shared.logger.child({ partner: p }) } : {}),
      } as AdapterOptions),
    ]),
  ) as Record<Provider, BuiltPartner>;
  built.apple_health = createAppleHealthAdapter({ batches: shared.batches ?? NO_BATCH_STORE });
  return {
    dataProvider: (p, dataType = "workouts") => {
      const adapter = dataType === "workouts" ? built[p].dataProvider : built[p].records?.[dataType];
      // Config creation refuses a pair a provider cannot serve (SUPPORTED_TYPES): reaching this is a bug.
      if (!adapter) throw new Error(`${p} has no adapter for ${dataType}`);
      return adapter;
    },
    oauth: (p) => built[p].oauth,
  };
}
