import { After, Before } from "@cucumber/cucumber";
import { request } from "./http.ts";
import type { SyncWellWorld } from "./world.ts";

/** Partners deliver webhooks only in scenarios that ask for them, so no webhook job skews another scenario's costs. */
Before(async function (this: SyncWellWorld) {
  for (const provider of ["strava", "garmin", "oura", "withings"])
    await request(this.partner("/_admin/webhooks"), { json: { provider, enabled: false } });
});

/** Faults and changed rate limits never leak from one scenario into the next. */
After(async function (this: SyncWellWorld) {
  // A finished scenario's config stops being polled or synced.
  if (this.syncConfigId) await request(this.gateway(`/v1/sync-configs/${this.syncConfigId}`), { method: "DELETE", token: this.token });
  await request(this.partner("/_admin/faults"), { method: "DELETE" });
  await request(this.partner("/_admin/rate-limits"), { method: "DELETE" });
});
