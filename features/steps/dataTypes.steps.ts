import assert from "node:assert/strict";
import { Then, When } from "@cucumber/cucumber";
import type { SyncWellWorld } from "../support/world.ts";

const connection = (world: SyncWellWorld, name: string) => world.user(name.toLowerCase()).connectionId;

When(
  "the user creates a {string} sync config from {word} to {word}",
  async function (this: SyncWellWorld, dataType: string, source: string, destination: string) {
    await this.api("/v1/sync-configs", {
      json: { sourceConnectionId: connection(this, source), destinationConnectionId: connection(this, destination), dataType },
    });
  },
);

When(
  "the user creates a {string} sync config from {word} to {word} filtered on {string}",
  async function (this: SyncWellWorld, dataType: string, source: string, destination: string, filter: string) {
    const filters: Record<string, unknown> = { activityTypes: ["run"], excludeNameContains: ["nap"], minDurationSeconds: 600 };
    await this.api("/v1/sync-configs", {
      json: {
        sourceConnectionId: connection(this, source),
        destinationConnectionId: connection(this, destination),
        dataType,
        filters: { [filter]: filters[filter] },
      },
    });
  },
);

Then("the answer is 201 with the config's type {string}", function (this: SyncWellWorld, dataType: string) {
  assert.equal(this.lastReply.status, 201, this.lastReply.text);
  assert.equal(this.lastReply.body.dataType, dataType);
  // The After hook deletes it: a config left behind (a polled Polar one) would keep reading its partner in later scenarios.
  this.syncConfigId = this.lastReply.body.syncConfigId;
});
