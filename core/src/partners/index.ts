export type { AdapterOptions } from "./adapterSupport.ts";
export * from "./classify.ts";
export { createGarminAdapter } from "./garmin.ts";
export { type HeldRecord, InMemoryPartner } from "./InMemoryPartner.ts";
export { createOuraAdapter } from "./oura.ts";
export * from "./PartnerHttp.ts";
export { createPolarAdapter } from "./polar.ts";
export * from "./registry.ts";
export { createStravaAdapter } from "./strava.ts";
