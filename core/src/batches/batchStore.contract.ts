import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { BatchStore } from "./BatchStore.ts";

/**
 * The {@link BatchStore} port's behaviour, written once and run against every adapter: the
 * in-memory fake (batches/InMemoryBatchStore.spec.ts) and S3 on fauxqs
 * (platform/test/batchStore.contract.spec.ts).
 */
export function batchStoreContract(name: string, start: () => Promise<{ store: BatchStore; stop(): Promise<void> }>): void {
  describe(`BatchStore contract: ${name}`, () => {
    let store: BatchStore;
    let stop: () => Promise<void> = async () => {};
    before(async () => {
      ({ store, stop } = await start());
    });
    after(() => stop());
    const key = () => `device-uploads/u-${randomBytes(4).toString("hex")}/c-1/${randomBytes(32).toString("hex")}.json`;

    it("reads back what was stored under a key, byte for byte (UTF-8 included)", async () => {
      const k = key();
      const body = JSON.stringify({ records: [{ id: "A1", name: "Läufchen 🏃" }] });
      await store.put(k, body);
      assert.equal(await store.get(k), body);
    });

    it("answers undefined for a key never stored", async () => {
      assert.equal(await store.get(key()), undefined);
    });

    it("stores the same key again as a replacement, not a second object", async () => {
      const k = key();
      await store.put(k, '{"v":1}');
      await store.put(k, '{"v":2}');
      assert.equal(await store.get(k), '{"v":2}');
    });

    it("keeps keys apart: one user's batch is not another's", async () => {
      const [a, b] = [key(), key()];
      await Promise.all([store.put(a, '"a"'), store.put(b, '"b"')]);
      assert.deepEqual([await store.get(a), await store.get(b)], ['"a"', '"b"']);
    });
  });
}
