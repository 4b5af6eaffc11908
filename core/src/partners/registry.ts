import type { BatchStore } from "../batches/BatchStore.ts";
import type { Partner, Provider } from "../contracts/providers.ts";
import type { Logger } from "../logging/logger.ts";
import type { DataProvider, OAuthClient } from "../ports/DataProvider.ts";
import type { AdapterOptions } from "./adapterSupport.ts";
import { createAppleHealthAdapter } from "./appleHealth.ts";
import { createGarminAdapter } from "./garmin.ts";
import { createOuraAdapter } from "./oura.ts";
import type { PartnerCallObserver } from "./PartnerHttp.ts";
import { createPolarAdapter } from "./polar.ts";
import { createStravaAdapter } from "./strava.ts";

export interface PartnerAdapters {
  dataProvider(provider: Provider): DataProvider;
  oauth(provider: Provider): OAuthClient;
}

const FACTORIES = { strava: createStravaAdapter, garmin: createGarminAdapter, polar: createPolarAdapter, oura: createOuraAdapter } as const;

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
  ) as Record<Provider, { dataProvider: DataProvider; oauth: OAuthClient }>;
  built.apple_health = createAppleHealthAdapter({ batches: shared.batches ?? NO_BATCH_STORE });
  return { dataProvider: (p) => built[p].dataProvider, oauth: (p) => built[p].oauth };
}
