import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createLogger, createRedis } from "@syncwell/core";
import { RedisConfidenceCache } from "../../worker/src/confidence/ConfidenceCache.ts";

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
