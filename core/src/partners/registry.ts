import type { Provider } from "../contracts/providers.ts";
import type { Logger } from "../logging/logger.ts";
import type { DataProvider, OAuthClient } from "../ports/DataProvider.ts";
import type { AdapterOptions } from "./adapterSupport.ts";
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

/** Every partner adapter, built from per-partner options. */
export function createPartnerAdapters(
  perProvider: Record<Provider, Omit<AdapterOptions, "observe" | "now">>,
  shared: { observe?: PartnerCallObserver; now?: () => number; timeoutMs?: number; logger?: Logger } = {},
): PartnerAdapters {
  const built = Object.fromEntries(
    (Object.keys(FACTORIES) as Provider[]).map((p) => [
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
  return { dataProvider: (p) => built[p].dataProvider, oauth: (p) => built[p].oauth };
}
