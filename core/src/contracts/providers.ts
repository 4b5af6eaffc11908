import { z } from "zod";

/**
 * Partner platforms with an API and OAuth: each has an adapter speaking its API and an emulator in
 * providers-mock.
 */
export const PARTNERS = ["strava", "garmin", "polar", "oura", "withings"] as const;
export type Partner = (typeof PARTNERS)[number];

/**
 * Device-native sources (SPEC §18): no partner API and no OAuth. The mobile app reads the phone's
 * health store and uploads what it read (`POST /v1/device-uploads`); the worker reads the uploaded
 * batch. A source only.
 */
export const DEVICE_SOURCES = ["apple_health"] as const;
export type DeviceSource = (typeof DEVICE_SOURCES)[number];

/** Every provider a connection can be at: the partners and the device-native sources. */
export const PROVIDERS = [...PARTNERS, ...DEVICE_SOURCES] as const;
export const ProviderSchema = z.enum(PROVIDERS);
export type Provider = z.infer<typeof ProviderSchema>;

/** True for a device-native source (no OAuth, data comes by upload). */
export function isDeviceSource(provider: string): provider is DeviceSource {
  return (DEVICE_SOURCES as readonly string[]).includes(provider);
}

/** Partner operations, as counted by providers-mock's stats and the partner metrics. */
export const OPERATIONS = ["oauth_token", "list_metadata", "get_payload", "create", "update", "preflight"] as const;
export const OperationSchema = z.enum(OPERATIONS);
export type Operation = z.infer<typeof OperationSchema>;

/** Partners without webhooks: their configs are polled (SPEC §5 "Adaptive polling"). */
export const POLLED_PROVIDERS: readonly Provider[] = ["polar"];
