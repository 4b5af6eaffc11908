import { After } from "@cucumber/cucumber";
import { request } from "./http.ts";
import type { SyncWellWorld } from "./world.ts";

/** Faults and changed rate limits never leak from one scenario into the next. */
After(async function (this: SyncWellWorld) {
  await request(this.partner("/_admin/faults"), { method: "DELETE" });
  await request(this.partner("/_admin/rate-limits"), { method: "DELETE" });
});
