import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { SettingsSource } from "./SettingsSource.ts";

/** Makes a source whose conflict threshold in force is `seconds`; `cleanup` releases what it started. */
export type MakeSettingsSource = (seconds: number) => Promise<{ source: SettingsSource; cleanup?: () => Promise<void> }>;

/** What every SettingsSource does, run against each adapter (settingsSource.contract.spec.ts). */
export function settingsSourceContract(name: string, make: MakeSettingsSource): void {
  describe(`SettingsSource contract: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const cleanup of cleanups) await cleanup();
    });
    const made = async (seconds: number) => {
      const { source, cleanup } = await make(seconds);
      if (cleanup) cleanups.push(cleanup);
      cleanups.push(async () => source.close());
      return source;
    };

    it("answers the threshold in force at once, as often as a job asks", async () => {
      const source = await made(75);
      for (let i = 0; i < 3; i++) assert.equal(source.conflictOverlapSeconds(), 75);
    });

    it("answers zero, a legal threshold (every overlap conflicts)", async () => {
      assert.equal((await made(0)).conflictOverlapSeconds(), 0);
    });

    it("closes twice without an error and keeps answering the last value afterwards", async () => {
      const source = await made(30);
      source.close();
      source.close();
      assert.equal(source.conflictOverlapSeconds(), 30);
    });
  });
}
