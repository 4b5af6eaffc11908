import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GatewayHarness } from "./gatewayHarness.ts";

/** `syncPrivate` and `filters` on sync configs (SPEC §13, §15): stored, shown, changed, and bad ones refused naming the field. */
describe("sync configs: syncPrivate and filters", () => {
  const gw = new GatewayHarness();
  before(() => gw.start());
  after(() => gw.stop());

  const create = async (user: Awaited<ReturnType<GatewayHarness["newUser"]>>, extra: Record<string, unknown>) =>
    gw.call(user.userId, "POST", "/v1/sync-configs", {
      json: { sourceConnectionId: user.strava, destinationConnectionId: user.garmin, dataType: "workouts", ...extra },
    });

  it("creates a config with filters and syncPrivate, stores them and shows them on GET", async () => {
    const user = await gw.newUser();
    const filters = { activityTypes: ["run", "ride"], excludeNameContains: ["zwift"], minDurationSeconds: 300 };
    const created = await create(user, { syncPrivate: true, filters });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.syncPrivate, true);
    assert.deepEqual(created.body.filters, filters);
    const stored = await gw.stack.store.getConfig(user.userId, created.body.syncConfigId);
    assert.equal(stored?.syncPrivate, true, "the store keeps syncPrivate");
    assert.deepEqual(stored?.filters, filters, "the store keeps the filters");
    const read = await gw.call(user.userId, "GET", `/v1/sync-configs/${created.body.syncConfigId}`);
    assert.equal(read.body.syncPrivate, true);
    assert.deepEqual(read.body.filters, filters);
  });

  it("defaults to private records not synced and no filters", async () => {
    const user = await gw.newUser();
    const created = await create(user, {});
    assert.equal(created.status, 201);
    assert.equal(created.body.syncPrivate, false);
    assert.deepEqual(created.body.filters, {});
    assert.equal((await gw.stack.store.getConfig(user.userId, created.body.syncConfigId))?.syncPrivate, false);
  });

  it("changes syncPrivate and replaces the filters with PATCH; {} clears them", async () => {
    const user = await gw.newUser();
    const path = `/v1/sync-configs/${user.configId}`;
    const patched = await gw.call(user.userId, "PATCH", path, { json: { syncPrivate: true, filters: { activityTypes: ["walk"] } } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.syncPrivate, true);
    assert.deepEqual(patched.body.filters, { activityTypes: ["walk"] });
    const stored = await gw.stack.store.getConfig(user.userId, user.configId);
    assert.deepEqual(stored?.filters, { activityTypes: ["walk"] });
    assert.equal(stored?.syncPrivate, true);
    const again = await gw.call(user.userId, "PATCH", path, { json: { filters: { minDurationSeconds: 60 } } });
    assert.deepEqual(again.body.filters, { minDurationSeconds: 60 }, "replaced whole, not merged");
    assert.equal(again.body.syncPrivate, true, "untouched");
    const cleared = await gw.call(user.userId, "PATCH", path, { json: { filters: {} } });
    assert.deepEqual(cleared.body.filters, {});
    assert.deepEqual((await gw.call(user.userId, "GET", path)).body.filters, {});
  });

  for (const method of ["POST", "PATCH"] as const) {
    it(`${method}: an unknown filter, an unknown type or a value out of range is a 422 problem naming the field`, async () => {
      const user = await gw.newUser();
      for (const [filters, field] of [
        [{ colour: "red" }, "filters.colour"],
        [{ activityTypes: ["run", "yoga"] }, "filters.activityTypes[1]"],
        [{ activityTypes: [] }, "filters.activityTypes"],
        [{ excludeNameContains: ["zwift", ""] }, "filters.excludeNameContains[1]"],
        [{ minDurationSeconds: -5 }, "filters.minDurationSeconds"],
        [{ minDurationSeconds: 1.5 }, "filters.minDurationSeconds"],
        ["run", "filters"],
      ] as const) {
        const reply =
          method === "POST"
            ? await create(user, { filters })
            : await gw.call(user.userId, "PATCH", `/v1/sync-configs/${user.configId}`, { json: { filters } });
        assert.equal(reply.status, 422, `${field}: ${JSON.stringify(reply.body)}`);
        assert.match(reply.type, /application\/problem\+json/);
        assert.equal(reply.body.status, 422);
        assert.equal(reply.body.field, field);
        assert.ok(String(reply.body.detail).startsWith(`${field}: `), reply.body.detail);
      }
      const stored = await gw.stack.store.getConfig(user.userId, user.configId);
      assert.equal(stored?.filters, undefined, "nothing was changed");
      assert.equal(stored?.version, 1);
    });
  }

  it("keeps 400 for a body that is malformed outside the filters (a string for syncPrivate, an unknown top-level field)", async () => {
    const user = await gw.newUser();
    for (const extra of [{ syncPrivate: "yes" }, { filter: { activityTypes: ["run"] } }]) {
      const reply = await create(user, extra);
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
    }
    const patched = await gw.call(user.userId, "PATCH", `/v1/sync-configs/${user.configId}`, { json: { syncPrivate: 1 } });
    assert.equal(patched.status, 400);
    assert.equal(patched.body.field, "syncPrivate");
  });

  it("answers 404 to another user's PATCH, whatever its filters", async () => {
    const [owner, other] = [await gw.newUser(), await gw.newUser()];
    const reply = await gw.call(other.userId, "PATCH", `/v1/sync-configs/${owner.configId}`, { json: { syncPrivate: true } });
    assert.equal(reply.status, 404);
    assert.equal((await gw.stack.store.getConfig(owner.userId, owner.configId))?.syncPrivate, undefined);
  });
});
