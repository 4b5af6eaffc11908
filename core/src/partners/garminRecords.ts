import type { ActivityMetadata, ActivityPayload } from "../contracts/activity.ts";
import {
  BODY_SAME_MOMENT_SECONDS,
  type Body,
  type DailyActivity,
  type DataType,
  SLEEP_STAGES,
  type Sleep,
  valuesOf,
} from "../contracts/healthData.ts";
import { PartnerError } from "../errors/PartnerError.ts";
import type { ChangeResult, DataProvider, PushRecord, PushResult, RecordChange } from "../ports/DataProvider.ts";
import { applyEach, cannotChange, iso, notADestination, overlapsRange, pushEach, SOURCE_ONLY, utcOffset } from "./adapterSupport.ts";
import { weighInFit } from "./garminFit.ts";
import type { PartnerHttp, PartnerReply } from "./PartnerHttp.ts";

const MAX_WINDOW = 86400;

/** Health API sleep summary (the fields SyncWell reads). */
export interface GarminSleep {
  summaryId: string;
  startTimeInSeconds: number;
  startTimeOffsetInSeconds?: number;
  durationInSeconds: number;
  sleepLevelsMap?: Partial<Record<string, { startTimeInSeconds: number; endTimeInSeconds: number }[]>>;
}

/** Health API daily summary: `startTimeInSeconds` is the local midnight, in UTC seconds. */
export interface GarminDaily {
  summaryId: string;
  calendarDate: string;
  startTimeInSeconds: number;
  startTimeOffsetInSeconds?: number;
  steps: number;
  activeKilocalories: number;
  distanceInMeters: number;
}

/** Health API body composition summary. */
export interface GarminBodyComp {
  summaryId: string;
  measurementTimeInSeconds: number;
  measurementTimeOffsetInSeconds?: number;
  weightInGrams: number;
  bodyFatInPercent?: number | null;
}

/** What a record of another data type says, beside its metadata. */
type RecordData = Pick<ActivityPayload, "sleep" | "daily" | "body">;
interface Read {
  metadata: ActivityMetadata;
  data: RecordData;
}

const offsetOf = (seconds: number | undefined) => {
  const offset = utcOffset(seconds);
  return offset === undefined ? {} : { utcOffsetSeconds: offset };
};
const isStage = (s: string): s is Sleep["stages"][number]["stage"] => (SLEEP_STAGES as readonly string[]).includes(s);

/** A sleep summary: the session in UTC, its stages from `sleepLevelsMap` as offsets from its start. */
export function sleepFromGarmin(s: GarminSleep): Read {
  const end = s.startTimeInSeconds + s.durationInSeconds;
  const stages = Object.entries(s.sleepLevelsMap ?? {})
    .filter(([stage]) => isStage(stage))
    .flatMap(([stage, ranges]) =>
      (ranges ?? []).map((r) => ({
        stage: stage as Sleep["stages"][number]["stage"],
        startOffsetSeconds: Math.max(0, r.startTimeInSeconds - s.startTimeInSeconds),
        seconds: Math.min(r.endTimeInSeconds, end) - Math.max(r.startTimeInSeconds, s.startTimeInSeconds),
      })),
    )
    .filter((stage) => stage.seconds >= 1)
    .sort((a, b) => a.startOffsetSeconds - b.startOffsetSeconds);
  return {
    metadata: {
      id: s.summaryId,
      startTime: iso(s.startTimeInSeconds),
      endTime: iso(end),
      type: "other",
      name: "Sleep",
      // Garmin reports no modification time: the session's end stands in for it.
      updatedAt: iso(end),
      private: false,
      ...offsetOf(s.startTimeOffsetInSeconds),
    },
    data: { sleep: { stages } },
  };
}

/** A daily summary: the local day (midnight as a UTC instant, 24 h), named by its date, its totals as `values`. */
export function dailyFromGarmin(d: GarminDaily): Read {
  const daily: DailyActivity = {
    date: d.calendarDate,
    steps: d.steps,
    activeCalories: d.activeKilocalories,
    distanceMeters: d.distanceInMeters,
  };
  const end = iso(d.startTimeInSeconds + 86400);
  const values = valuesOf({ daily });
  return {
    metadata: {
      id: d.summaryId,
      startTime: iso(d.startTimeInSeconds),
      endTime: end,
      type: "other",
      name: d.calendarDate,
      updatedAt: end,
      private: false,
      ...(values === undefined ? {} : { values }),
      ...offsetOf(d.startTimeOffsetInSeconds),
    },
    data: { daily },
  };
}

/** A body composition: a moment (start = end), weight in kg, body fat where measured. */
export function bodyFromGarmin(b: GarminBodyComp): Read {
  const body: Body = {
    weightKg: b.weightInGrams / 1000,
    ...(typeof b.bodyFatInPercent === "number" ? { fatPercent: b.bodyFatInPercent } : {}),
  };
  const at = iso(b.measurementTimeInSeconds);
  const values = valuesOf({ body });
  return {
    metadata: {
      id: b.summaryId,
      startTime: at,
      endTime: at,
      type: "other",
      name: "Weigh-in",
      updatedAt: at,
      private: false,
      ...(values === undefined ? {} : { values }),
      ...offsetOf(b.measurementTimeOffsetInSeconds),
    },
    data: { body },
  };
}

/** The sleep write SyncWell's Garmin takes (the sleeps summary's own fields); stages are clipped to the session. */
export function sleepWriteOf(p: ActivityPayload & { sleep: Sleep }) {
  const start = Math.round(Date.parse(p.startTime) / 1000);
  const duration = Math.round(Date.parse(p.endTime) / 1000) - start;
  const sleepLevelsMap: Record<string, { startTimeInSeconds: number; endTimeInSeconds: number }[]> = {};
  for (const s of p.sleep.stages) {
    const from = start + Math.min(s.startOffsetSeconds, duration);
    const to = start + Math.min(s.startOffsetSeconds + s.seconds, duration);
    if (to > from) sleepLevelsMap[s.stage] = [...(sleepLevelsMap[s.stage] ?? []), { startTimeInSeconds: from, endTimeInSeconds: to }];
  }
  return { startTimeInSeconds: start, startTimeOffsetInSeconds: p.utcOffsetSeconds ?? 0, durationInSeconds: duration, sleepLevelsMap };
}

interface ImportResult {
  detailedImportResult: {
    successes: { internalId: number }[];
    failures: { internalId: number; messages: { code: number; content: string }[] }[];
  };
}
/** Garmin's duplicate code; 203 (an overlapping record) is what SyncWell's Garmin answers beside it. */
const DUPLICATE = 202;
const OVERLAP = 203;

interface Kind {
  dataType: Exclude<DataType, "workouts">;
  /** The Health API summary type: `/wellness-api/rest/{summaryType}`. */
  summaryType: string;
  read(native: unknown): Read;
  /** Where a record of this kind is written and deleted, for the kinds Garmin is a destination of. */
  write?: {
    send(http: PartnerHttp, token: string, record: PushRecord): Promise<PartnerReply> | undefined;
    deletePath(id: string): string;
  };
}

const KINDS: Record<Kind["dataType"], Kind> = {
  sleep: {
    dataType: "sleep",
    summaryType: "sleeps",
    read: (n) => sleepFromGarmin(n as GarminSleep),
    write: {
      send: (http, token, { payload }) =>
        payload.sleep
          ? http.request("create", "/sleep-service/sleep", {
              token,
              json: sleepWriteOf({ ...payload, sleep: payload.sleep }),
              accept: [409],
            })
          : undefined,
      deletePath: (id) => `/sleep-service/sleep/${encodeURIComponent(id)}`,
    },
  },
  daily_activity: { dataType: "daily_activity", summaryType: "dailies", read: (n) => dailyFromGarmin(n as GarminDaily) },
  body: {
    dataType: "body",
    summaryType: "bodyComps",
    read: (n) => bodyFromGarmin(n as GarminBodyComp),
    write: {
      // A weigh-in as scales and tools send one: a FIT weight-scale file to the upload-service.
      send: (http, token, { payload, externalId }) => {
        if (!payload.body) return undefined;
        const fit = weighInFit({ time: payload.startTime, weightKg: payload.body.weightKg, fatPercent: payload.body.fatPercent });
        const form = new FormData();
        form.set("file", new Blob([fit], { type: "application/vnd.ant.fit" }), `${externalId}.fit`);
        return http.request("create", "/upload-service/upload", { token, body: form, accept: [409] });
      },
      deletePath: (id) => `/weight-service/weight/${encodeURIComponent(id)}`,
    },
  },
};

/** How far around a range a destination read looks: a body measurement is the same one within ± 60 s. */
const padOf = (kind: Kind) => (kind.dataType === "body" ? BODY_SAME_MOMENT_SECONDS : 0);

/**
 * Garmin's adapters for sleep, daily activity and body (SPEC §18), on the workouts adapter's HTTP
 * client (one rate limit, one set of metrics). Each summary type is pulled by upload time (≤ 24 h a
 * call) like activities; a record's `sourceRef` is the upload window it was found in, which its
 * payload is read from again (the Health API serves summaries by window, not by id).
 *
 * Garmin is a destination of sleep and body: a weigh-in is a FIT weight file upload, a sleep goes to
 * SyncWell's assumed sleep-service (Garmin documents no sleep write). Both answer 409 for the same
 * record (code 202, by the type's rule) and for one it overlaps (203); nothing is updatable (an edit
 * is a replacement), records are deleted, and no external id is kept.
 */
export function createGarminRecordProviders(
  http: PartnerHttp,
  options: { now: () => number; skewSeconds: number; initialWindowSeconds: number },
): Record<Kind["dataType"], DataProvider> {
  const { now } = options;

  const pull = async (kind: Kind, token: string, fromSeconds: number, limitWindows = Number.POSITIVE_INFINITY) => {
    // A summary uploaded again (a day's totals grow) is the same record: the latest upload wins.
    const byId = new Map<string, ActivityMetadata>();
    const end = Math.ceil(now() / 1000) + 1;
    for (let start = Math.floor(fromSeconds), n = 0; start < end && n < limitWindows; start += MAX_WINDOW, n++) {
      const window = `/wellness-api/rest/${kind.summaryType}?uploadStartTimeInSeconds=${start}&uploadEndTimeInSeconds=${Math.min(start + MAX_WINDOW, end)}`;
      const reply = await http.request("list_metadata", window, { token });
      for (const native of reply.json<unknown[]>()) {
        const { metadata } = kind.read(native);
        byId.delete(metadata.id);
        byId.set(metadata.id, { ...metadata, sourceRef: window });
      }
    }
    return [...byId.values()];
  };

  const payloads = async (kind: Kind, token: string, records: readonly ActivityMetadata[]): Promise<ActivityPayload[]> => {
    const windows = new Map<string, Map<string, RecordData>>();
    const out: ActivityPayload[] = [];
    for (const record of records) {
      const window = record.sourceRef ?? "";
      if (!window.startsWith(`/wellness-api/rest/${kind.summaryType}?`))
        throw new PartnerError("permanent", `garmin ${kind.dataType} ${record.id}: no upload window to read it from`, {
          provider: "garmin",
          operation: "get_payload",
        });
      let found = windows.get(window);
      if (!found) {
        const reply = await http.request("get_payload", window, { token });
        found = new Map(
          reply
            .json<unknown[]>()
            .map((n) => kind.read(n))
            .map((r) => [r.metadata.id, r.data]),
        );
        windows.set(window, found);
      }
      const data = found.get(record.id);
      // Uploaded again since it was listed: it is in a later window, where the next listing finds it.
      if (!data)
        throw new PartnerError("transient", `garmin ${kind.dataType} ${record.id} is no longer in its upload window`, {
          provider: "garmin",
          operation: "get_payload",
        });
      const { sourceRef: _ref, ...metadata } = record;
      out.push({ ...metadata, samples: [], ...data });
    }
    return out;
  };

  const remove = (kind: Kind, token: string, id: string) =>
    http.request("update", kind.write?.deletePath(id) ?? "", { token, method: "DELETE", accept: [404] });

  /**
   * Writes first and deletes what the record replaces after, as workouts do; a write refused for
   * overlapping the record it replaces (or any, when told to replace) deletes that one and writes again.
   */
  const push = async (kind: Kind, token: string, record: PushRecord): Promise<PushResult> => {
    const send = () => kind.write?.send(http, token, record);
    let reply = await send();
    if (!reply) return { externalId: record.externalId, status: "failed", message: `not a ${kind.dataType} record`, retryable: false };
    const removed = new Set<string>();
    for (let attempt = 0; attempt < 3; attempt++) {
      const failure = reply.status === 409 ? reply.json<ImportResult>().detailedImportResult.failures[0] : undefined;
      const clash = String(failure?.internalId);
      if (failure?.messages[0]?.code !== OVERLAP || !(clash === record.replacesId || record.onConflict === "replace")) break;
      await remove(kind, token, clash);
      removed.add(clash);
      reply = (await send()) ?? reply;
    }
    const result = reply.json<ImportResult>().detailedImportResult;
    const success = result.successes[0];
    if (reply.status !== 409 && success) {
      if (record.replacesId && !removed.has(record.replacesId)) await remove(kind, token, record.replacesId);
      return { externalId: record.externalId, status: "written", destinationId: String(success.internalId) };
    }
    const failure = result.failures[0];
    if (failure?.messages[0]?.code === DUPLICATE)
      return { externalId: record.externalId, status: "duplicate", destinationId: String(failure.internalId) };
    return { externalId: record.externalId, status: "conflict", message: failure?.messages[0]?.content ?? "rejected" };
  };

  const change = async (kind: Kind, token: string, c: RecordChange): Promise<ChangeResult> => {
    if (!/^\d{1,20}$/.test(c.destinationId)) return { destinationId: c.destinationId, status: "gone" };
    if (c.kind === "update") return cannotChange(c, "garmin", `update a ${kind.dataType} record (replace it instead)`);
    const reply = await remove(kind, token, c.destinationId);
    return { destinationId: c.destinationId, status: reply.status === 404 ? "gone" : "done" };
  };

  const providerOf = (kind: Kind): DataProvider => {
    const destination = kind.write !== undefined;
    return {
      provider: "garmin",
      capabilities: destination
        ? { reportsConflicts: true, canDelete: true, updatable: [], keepsExternalIds: false, reportsModificationTime: false }
        : SOURCE_ONLY,
      async fetchMetadata({ accessToken }, since) {
        const from = since ? Date.parse(since) / 1000 - options.skewSeconds : now() / 1000 - options.initialWindowSeconds;
        return { records: await pull(kind, accessToken, from) };
      },
      async fetchOverlapping({ accessToken }, range) {
        if (!destination) return notADestination("garmin");
        // Anything overlapping the range was uploaded after it started, at most a day earlier.
        const pad = padOf(kind) * 1000;
        const from = new Date(Date.parse(range.from) - pad).toISOString();
        const to = new Date(Date.parse(range.to) + pad + 1).toISOString();
        const records = await pull(kind, accessToken, Date.parse(from) / 1000 - MAX_WINDOW);
        return records
          .filter((r) => overlapsRange(r, from, to) || (r.startTime === r.endTime && r.startTime >= from && r.startTime < to))
          .map(({ sourceRef: _ref, ...r }) => r);
      },
      fetchPayloads: ({ accessToken }, records) => payloads(kind, accessToken, records),
      async pushData({ accessToken }, records) {
        if (!destination) return notADestination("garmin");
        return pushEach(records, (record) => push(kind, accessToken, record));
      },
      ...(destination ? { applyChanges: ({ accessToken }, changes) => applyEach(changes, (c) => change(kind, accessToken, c)) } : {}),
      async hasNewData({ accessToken }, since) {
        const from = since ? Date.parse(since) / 1000 : now() / 1000 - options.initialWindowSeconds;
        return (await pull(kind, accessToken, Math.max(from, Math.ceil(now() / 1000) + 1 - MAX_WINDOW), 1)).length > 0;
      },
    };
  };

  return { sleep: providerOf(KINDS.sleep), daily_activity: providerOf(KINDS.daily_activity), body: providerOf(KINDS.body) };
}
