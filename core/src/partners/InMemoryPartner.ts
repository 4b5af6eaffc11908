import type { ActivityMetadata, ActivityPayload } from "../contracts/activity.ts";
import type { Provider } from "../contracts/providers.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import type {
  ChangeResult,
  DataProvider,
  DestinationCapabilities,
  PushRecord,
  PushResult,
  RecordChange,
  SourceListing,
  TimeRange,
} from "../ports/DataProvider.ts";
import { overlapsRange, pushEach } from "./adapterSupport.ts";

/** A record the fake partner holds. */
export interface HeldRecord extends ActivityPayload {
  /** When the partner received it (what a listing filters on). */
  uploadedAt: string;
}

/**
 * The {@link DataProvider} fake for unit tests: one user's records in memory, with the partners'
 * rules that decide correctness — identical uploads are duplicates, different overlapping ones
 * are accepted; a listing reads what was uploaded since the watermark minus `lookbackSeconds`;
 * a destructive source (Polar-like) offers what was never committed; a push budget that runs
 * out answers 429 part-way. Every call is counted by operation.
 */
export class InMemoryPartner implements DataProvider {
  readonly records: HeldRecord[] = [];
  readonly calls: Record<string, number> = {};
  /** Pushes left before the partner answers 429 (undefined: unlimited). */
  pushesLeft: number | undefined;
  #seq = 0;
  readonly #committed = new Set<string>();

  constructor(
    readonly provider: Provider,
    readonly capabilities: DestinationCapabilities,
    private readonly options: {
      lookbackSeconds?: number;
      /** What a listing filters on: the upload (Garmin) or the start time (Strava). @defaultValue "upload" */
      listBy?: "upload" | "startTime";
      destructiveReads?: boolean;
      /** Whether listings leave out the external id records were written with. */
      dropsExternalIds?: boolean;
      fetchRecords?: boolean;
      /** Whether its answers report the rate-limit window's calls left (Strava does). */
      reportsBudget?: boolean;
      now?: () => number;
    } = {},
  ) {
    if (options.fetchRecords === false) this.fetchRecords = undefined;
  }

  readonly #faults: { operation: string; error: PartnerError }[] = [];

  /** The next call of `operation` fails with `error` (as the real partner would answer). */
  failNext(operation: string, error: PartnerError): void {
    this.#faults.push({ operation, error });
  }

  #count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    const fault = this.#faults.findIndex((f) => f.operation === operation);
    if (fault >= 0) throw this.#faults.splice(fault, 1)[0]?.error;
  }

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The user records something at the partner. */
  add(record: Omit<HeldRecord, "id" | "uploadedAt" | "updatedAt" | "samples"> & Partial<HeldRecord>): HeldRecord {
    const uploadedAt = record.uploadedAt ?? new Date(this.#now()).toISOString();
    const held: HeldRecord = {
      samples: [],
      private: false,
      updatedAt: uploadedAt,
      ...record,
      uploadedAt,
      id: record.id ?? `${this.provider}-${++this.#seq}`,
    };
    this.records.push(held);
    return held;
  }

  /** The user edits a record at the partner: its modification time moves (and a listing returns it again). */
  edit(id: string, patch: Partial<Pick<HeldRecord, "name" | "type" | "private" | "startTime" | "endTime">>): HeldRecord {
    const held = this.records.find((r) => r.id === id);
    if (!held) throw new Error(`no record ${id}`);
    const now = new Date(this.#now()).toISOString();
    Object.assign(held, patch, { updatedAt: now, uploadedAt: now });
    return held;
  }

  /** The user deletes a record at the partner. */
  remove(id: string): void {
    const index = this.records.findIndex((r) => r.id === id);
    if (index >= 0) this.records.splice(index, 1);
  }

  #metadata(r: HeldRecord): ActivityMetadata {
    const { samples: _s, uploadedAt: _u, externalId, ...metadata } = r;
    return externalId && !this.options.dropsExternalIds ? { ...metadata, externalId } : metadata;
  }

  async fetchMetadata(_c: unknown, since: string | undefined): Promise<SourceListing> {
    this.#count("list_metadata");
    if (this.options.destructiveReads) {
      const offered = this.records.filter((r) => !this.#committed.has(r.id));
      return {
        records: offered.map((r) => this.#metadata(r)),
        commit: async () => {
          this.#count("commit");
          for (const r of offered) this.#committed.add(r.id);
        },
      };
    }
    const from = since ? Date.parse(since) - (this.options.lookbackSeconds ?? 0) * 1000 : 0;
    const field = this.options.listBy === "startTime" ? "startTime" : "uploadedAt";
    return { records: this.records.filter((r) => Date.parse(r[field]) >= from).map((r) => this.#metadata(r)) };
  }

  fetchRecords?: (c: unknown, ids: readonly string[]) => Promise<ActivityMetadata[]> = async (_c, ids) => {
    this.#count("get_record");
    return this.records.filter((r) => ids.includes(r.id)).map((r) => this.#metadata(r));
  };

  async fetchOverlapping(_c: unknown, range: TimeRange): Promise<ActivityMetadata[]> {
    this.#count("list_overlapping");
    return this.records.filter((r) => overlapsRange(r, range.from, range.to)).map((r) => this.#metadata(r));
  }

  async fetchPayloads(_c: unknown, records: readonly ActivityMetadata[]): Promise<ActivityPayload[]> {
    this.#count("get_payload");
    return records.map((m) => {
      const found = this.records.find((r) => r.id === m.id);
      if (!found)
        throw new PartnerError("permanent", `no record ${m.id}`, { provider: this.provider, operation: "get_payload", status: 404 });
      const { uploadedAt: _u, ...payload } = found;
      return payload;
    });
  }

  pushData(_c: unknown, records: readonly PushRecord[]): Promise<PushResult[]> {
    return pushEach(records, async (record) => {
      this.#count("create");
      if (this.pushesLeft !== undefined) {
        if (this.pushesLeft <= 0)
          throw new PartnerError("rate_limited", "rate limit exceeded", {
            provider: this.provider,
            operation: "create",
            status: 429,
            retryAfterSeconds: 60,
          });
        this.pushesLeft -= 1;
      }
      const p = record.payload;
      if (record.replacesId && !this.capabilities.canDelete) throw new Error(`${this.provider} cannot delete`);
      const same = (r: HeldRecord) =>
        r.externalId === record.externalId || (r.startTime === p.startTime && r.endTime === p.endTime && r.type === p.type);
      // As Garmin: what the record replaces goes after its upload, unless it is the record's own copy
      // (an edit written anew, same external id), which would refuse the upload as a duplicate.
      if (record.replacesId && this.records.find(same)?.id === record.replacesId) this.remove(record.replacesId);
      const identical = this.records.find(same);
      if (identical) return { externalId: record.externalId, status: "duplicate", destinationId: identical.id };
      const { id: _sourceId, ...copy } = p;
      const held = this.add({ ...copy, externalId: record.externalId });
      if (record.replacesId) this.remove(record.replacesId);
      return { externalId: record.externalId, status: "written", destinationId: held.id };
    });
  }

  applyChanges = async (_c: unknown, changes: readonly RecordChange[]): Promise<ChangeResult[]> =>
    changes.map((change) => {
      this.#count(change.kind);
      const held = this.records.find((r) => r.id === change.destinationId);
      if (!held) return { destinationId: change.destinationId, status: "gone" };
      if (change.kind === "delete") {
        if (!this.capabilities.canDelete) throw new Error(`${this.provider} cannot delete`);
        this.remove(held.id);
      } else {
        if (!change.fields.every((f) => this.capabilities.updatable.includes(f)))
          throw new Error(`${this.provider} cannot update ${change.fields}`);
        const { name, type, private: isPrivate, startTime, endTime } = change.record;
        Object.assign(held, {
          ...(change.fields.includes("name") ? { name } : {}),
          ...(change.fields.includes("type") ? { type } : {}),
          ...(change.fields.includes("private") ? { private: isPrivate ?? true } : {}),
          ...(change.fields.includes("times") ? { startTime, endTime } : {}),
          updatedAt: new Date(this.#now()).toISOString(),
        });
      }
      return { destinationId: change.destinationId, status: "done" };
    });

  /** The window's calls left, where the partner reports them (`reportsBudget`), as its headers would. */
  pushBudget = (): { remainingCalls: number; callsPerRecord: number } | undefined =>
    this.options.reportsBudget && this.pushesLeft !== undefined ? { remainingCalls: this.pushesLeft, callsPerRecord: 1 } : undefined;

  async hasNewData(): Promise<boolean> {
    this.#count("preflight");
    return this.records.some((r) => !this.#committed.has(r.id));
  }
}
