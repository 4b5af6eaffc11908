import type { CreatedRecord, PartnerRecord, Provider } from "./types.ts";

/** The deterministic external id SyncWell writes with (SPEC §4 step 9): `syncwell-<sourceProvider>-<sourceId>`. */
const EXTERNAL_ID = /^syncwell-(strava|garmin|polar|oura)-(.+)$/;

/** The source a written record names in its external id, or undefined for a record SyncWell did not write. */
export function writtenFrom(record: { externalId?: string | undefined }): { provider: Provider; id: string } | undefined {
  const match = record.externalId ? EXTERNAL_ID.exec(record.externalId) : null;
  return match ? { provider: match[1] as Provider, id: match[2] as string } : undefined;
}

export type AnyRecord = PartnerRecord | CreatedRecord;

/** Every record of the scenario by provider and id: what the partners hold now, else what was created. */
export class RecordIndex {
  readonly #byKey = new Map<string, AnyRecord>();

  constructor(final: Readonly<Partial<Record<Provider, readonly PartnerRecord[]>>>, created: readonly CreatedRecord[]) {
    for (const c of created) this.#byKey.set(`${c.provider}:${c.id}`, c);
    for (const [provider, records] of Object.entries(final)) for (const r of records ?? []) this.#byKey.set(`${provider}:${r.id}`, r);
  }

  get(provider: Provider, id: string): AnyRecord | undefined {
    return this.#byKey.get(`${provider}:${id}`);
  }

  /**
   * Where a record came from: the chain of partners it was copied through (the holder first) and
   * the `provider:id` of the first record in that chain SyncWell did not write (its origin).
   */
  provenance(holder: Provider, record: AnyRecord): { path: Provider[]; origin: string } {
    const path: Provider[] = [holder];
    let current: AnyRecord = record;
    let key = `${holder}:${record.id}`;
    for (let hop = 0; hop < 8; hop++) {
      const from = "externalId" in current ? writtenFrom(current) : undefined;
      if (!from) break;
      path.push(from.provider);
      key = `${from.provider}:${from.id}`;
      const next = this.get(from.provider, from.id);
      if (!next) break;
      current = next;
    }
    return { path, origin: key };
  }
}
