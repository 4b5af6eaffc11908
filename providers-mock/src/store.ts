import type { ActivityType, Body, DailyActivity, Knex, Provider, Sample, Sleep } from "@syncwell/core";

/** What a partner keeps: workouts, and (issue #15) sleep sessions, daily totals and body measurements. */
export const RECORD_KINDS = ["workout", "sleep", "daily_activity", "body"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** What a record of a kind other than a workout says. */
export type RecordData = { sleep: Sleep } | { daily: DailyActivity } | { body: Body };

/** An activity as a partner stores it (provider-neutral columns, mapped to each native format). */
export interface StoredActivity {
  pk: number;
  provider: Provider;
  partnerUserId: string;
  nativeId: string;
  externalId: string | null;
  name: string;
  type: ActivityType;
  startTime: Date;
  endTime: Date;
  utcOffsetSeconds: number;
  /** Hidden from everyone but the user (Strava "Only You", Garmin Connect "private"). */
  private: boolean;
  updatedAt: Date;
  visibleAt: Date;
  samples: Sample[];
  delivered: boolean;
  kind: RecordKind;
  /** Null for a workout. */
  data: RecordData | null;
}

export type NewActivity = Omit<StoredActivity, "pk" | "delivered" | "private" | "kind" | "data"> & {
  private?: boolean;
  kind?: RecordKind;
  data?: RecordData | null;
};

/** What an edit may change (test control, or the partner's own update call). */
export type ActivityChanges = Partial<
  Pick<StoredActivity, "name" | "type" | "startTime" | "endTime" | "samples" | "externalId" | "private" | "utcOffsetSeconds">
>;

interface ActivityRow {
  pk: string;
  provider: Provider;
  partner_user_id: string;
  native_id: string;
  external_id: string | null;
  name: string;
  type: ActivityType;
  start_time: Date;
  end_time: Date;
  utc_offset_seconds: number;
  private: boolean;
  updated_at: Date;
  visible_at: Date;
  samples: Sample[];
  delivered: boolean;
  kind: RecordKind;
  data: RecordData | null;
}

function fromRow(row: ActivityRow): StoredActivity {
  return {
    pk: Number(row.pk),
    provider: row.provider,
    partnerUserId: row.partner_user_id,
    nativeId: row.native_id,
    externalId: row.external_id,
    name: row.name,
    type: row.type,
    startTime: row.start_time,
    endTime: row.end_time,
    utcOffsetSeconds: row.utc_offset_seconds,
    private: row.private,
    updatedAt: row.updated_at,
    visibleAt: row.visible_at,
    samples: row.samples,
    delivered: row.delivered,
    kind: row.kind,
    data: row.data,
  };
}

/** Filters for listing one partner user's activities; every bound is optional. */
export interface ActivityQuery {
  provider: Provider;
  partnerUserId: string;
  startAfter?: Date;
  startBefore?: Date;
  updatedFrom?: Date;
  updatedTo?: Date;
  visibleAt?: Date;
  /** Which records: workouts unless asked. @defaultValue "workout" */
  kind?: RecordKind;
  /** false: leave out activities only their owner may see. @defaultValue true */
  includePrivate?: boolean;
  order?: "asc" | "desc";
  orderBy?: "start_time" | "updated_at";
  limit?: number;
  offset?: number;
}

/** The partners' data in PostgreSQL. */
export class PartnerStore {
  constructor(readonly db: Knex) {}

  /** Runs `fn` in a transaction holding a lock on one partner user (serialises duplicate checks). */
  async withUserLock<T>(provider: Provider, partnerUserId: string, fn: (store: PartnerStore) => Promise<T>): Promise<T> {
    return this.db.transaction(async (trx) => {
      await trx.raw("select pg_advisory_xact_lock(hashtext(?))", [`${provider}:${partnerUserId}`]);
      return fn(new PartnerStore(trx));
    });
  }

  async nextNumericId(): Promise<string> {
    const { rows } = await this.db.raw<{ rows: { id: string }[] }>("select nextval('native_ids')::text as id");
    const id = rows[0]?.id;
    if (!id) throw new Error("sequence returned nothing");
    return id;
  }

  async createUser(provider: Provider, partnerUserId: string): Promise<void> {
    await this.db("partner_users").insert({ provider, partner_user_id: partnerUserId });
  }

  async userExists(provider: Provider, partnerUserId: string): Promise<boolean> {
    return (await this.db("partner_users").where({ provider, partner_user_id: partnerUserId }).first()) !== undefined;
  }

  async insertActivities(activities: readonly NewActivity[]): Promise<StoredActivity[]> {
    if (activities.length === 0) return [];
    const rows = await this.db("activities")
      .insert(
        activities.map((a) => ({
          provider: a.provider,
          partner_user_id: a.partnerUserId,
          native_id: a.nativeId,
          external_id: a.externalId,
          name: a.name,
          type: a.type,
          start_time: a.startTime,
          end_time: a.endTime,
          utc_offset_seconds: a.utcOffsetSeconds,
          private: a.private ?? false,
          updated_at: a.updatedAt,
          visible_at: a.visibleAt,
          samples: JSON.stringify(a.samples),
          kind: a.kind ?? "workout",
          data: a.data ? JSON.stringify(a.data) : null,
        })),
      )
      .returning("*");
    return (rows as ActivityRow[]).map(fromRow);
  }

  async listActivities(q: ActivityQuery): Promise<StoredActivity[]> {
    const query = this.db<ActivityRow>("activities").where({
      provider: q.provider,
      partner_user_id: q.partnerUserId,
      kind: q.kind ?? "workout",
    });
    if (q.startAfter) query.where("start_time", ">", q.startAfter);
    if (q.startBefore) query.where("start_time", "<", q.startBefore);
    if (q.updatedFrom) query.where("updated_at", ">=", q.updatedFrom);
    if (q.updatedTo) query.where("updated_at", "<", q.updatedTo);
    if (q.visibleAt) query.where("visible_at", "<=", q.visibleAt);
    if (q.includePrivate === false) query.where("private", false);
    query.orderBy(q.orderBy ?? "start_time", q.order ?? "asc").orderBy("pk", q.order ?? "asc");
    if (q.limit !== undefined) query.limit(q.limit);
    if (q.offset !== undefined) query.offset(q.offset);
    return (await query).map(fromRow);
  }

  async getActivity(provider: Provider, nativeId: string): Promise<StoredActivity | undefined> {
    const row = await this.db<ActivityRow>("activities").where({ provider, native_id: nativeId }).first();
    return row ? fromRow(row) : undefined;
  }

  async getActivitiesByPk(pks: readonly number[]): Promise<StoredActivity[]> {
    return (await this.db<ActivityRow>("activities").whereIn("pk", pks).orderBy("pk")).map(fromRow);
  }

  /** Records of a kind (workouts unless asked) of a user that overlap `[start, end)` in time (duplicate/overlap detection). */
  async overlapping(
    provider: Provider,
    partnerUserId: string,
    start: Date,
    end: Date,
    kind: RecordKind = "workout",
  ): Promise<StoredActivity[]> {
    const rows = await this.db<ActivityRow>("activities")
      .where({ provider, partner_user_id: partnerUserId, kind })
      .where("start_time", "<", end)
      .where("end_time", ">", start);
    return rows.map(fromRow);
  }

  async findByExternalId(provider: Provider, partnerUserId: string, externalId: string): Promise<StoredActivity | undefined> {
    const row = await this.db<ActivityRow>("activities")
      .where({ provider, partner_user_id: partnerUserId, external_id: externalId })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** Deletes one activity; answers the deleted row, or undefined when there was none. */
  async deleteActivity(provider: Provider, nativeId: string): Promise<StoredActivity | undefined> {
    const rows = await this.db("activities").where({ provider, native_id: nativeId }).delete().returning("*");
    const row = (rows as ActivityRow[])[0];
    return row ? fromRow(row) : undefined;
  }

  async updateActivity(
    provider: Provider,
    nativeId: string,
    changes: ActivityChanges,
    updatedAt: Date,
  ): Promise<StoredActivity | undefined> {
    const patch: Record<string, unknown> = { updated_at: updatedAt };
    if (changes.name !== undefined) patch.name = changes.name;
    if (changes.type !== undefined) patch.type = changes.type;
    if (changes.startTime !== undefined) patch.start_time = changes.startTime;
    if (changes.endTime !== undefined) patch.end_time = changes.endTime;
    if (changes.samples !== undefined) patch.samples = JSON.stringify(changes.samples);
    if (changes.externalId !== undefined) patch.external_id = changes.externalId;
    if (changes.private !== undefined) patch.private = changes.private;
    if (changes.utcOffsetSeconds !== undefined) patch.utc_offset_seconds = changes.utcOffsetSeconds;
    const rows = await this.db("activities").where({ provider, native_id: nativeId }).update(patch).returning("*");
    const row = (rows as ActivityRow[])[0];
    return row ? fromRow(row) : undefined;
  }
}
