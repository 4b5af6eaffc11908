import { z } from "zod";

/** Partners the engine speaks to. */
export const PROVIDERS = ["strava", "garmin", "polar", "oura"] as const;
export const ProviderSchema = z.enum(PROVIDERS);
export type Provider = z.infer<typeof ProviderSchema>;

/** Partner operations, as counted by providers-mock's stats and the partner metrics. */
export const OPERATIONS = ["oauth_token", "list_metadata", "get_payload", "create", "update", "preflight"] as const;
export const OperationSchema = z.enum(OPERATIONS);
export type Operation = z.infer<typeof OperationSchema>;

/** Partners without webhooks: their configs are polled (SPEC §5 "Adaptive polling"). */
export const POLLED_PROVIDERS: readonly Provider[] = ["polar"];
