import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createLogger, createRedis, InMemoryPartner } from "@syncwell/core";
import { RedisConfidenceCache } from "../../worker/src/confidence/ConfidenceCache.ts";
import { GARMIN, HotPath, STRAVA } from "../../worker/src/sync/testkit.ts";

describe("a Redis outage never fails a job", () => {
  // A real client pointed at a port where nothing listens: what a worker sees while Redis restarts.
  const redis = createRedis("redis://127.0.0.1:1");
  redis.on("error", () => {});
  after(() => redis.disconnect());

  it("reads as 'no confidence' and skips the counter updates", async () => {
    const cache = new RedisConfidenceCache({ redis, logger: createLogger("outage-test", "silent") });
    assert.equal(await cache.get("u", "garmin"), undefined);
    await cache.increment("u", "garmin");
    await cache.reset("u", "garmin");
  });

  it("a job whose destination reads and writes the counters runs to success while Redis is down", async () => {
    const cache = new RedisConfidenceCache({ redis, logger: createLogger("outage-test", "silent") });
    const hot = new HotPath({}, cache);
    const strava = hot.connect(new InMemoryPartner("strava", STRAVA));
    const garmin = hot.connect(new InMemoryPartner("garmin", { ...GARMIN, reportsConflicts: true }));
    const config = hot.config("strava", "garmin", "dest_wins");
    for (let i = 0; i < 12; i++) {
      strava.add({ startTime: hot.at(i * 60), endTime: hot.at(i * 60 + 45), type: "run", name: `run ${i}` });
      assert.deepEqual(await hot.run(config), { kind: "succeeded", recordsWritten: 1 });
    }
    assert.equal(garmin.records.length, 12);
    assert.equal(garmin.calls.list_overlapping, 12, "no confidence without Redis: the destination is read before every write");
  });
});

describe("the confidence counters in a live Redis", () => {
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: `test-${process.pid}-` });
  after(async () => {
    await redis.del("sync:confidence:u:garmin");
    redis.disconnect();
  });

  it("counts consecutive empty fetches under the spec's key and resets to 0", async () => {
    const cache = new RedisConfidenceCache({ redis, logger: createLogger("redis-test", "silent") });
    await cache.reset("u", "garmin");
    await cache.increment("u", "garmin");
    await cache.increment("u", "garmin");
    assert.equal(await cache.get("u", "garmin"), 2);
    assert.equal(await redis.get("sync:confidence:u:garmin"), "2");
    await cache.reset("u", "garmin");
    assert.equal(await cache.get("u", "garmin"), 0);
  });
});
