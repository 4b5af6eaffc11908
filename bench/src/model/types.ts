/**
 * The generated-scenario test's vocabulary: what a scenario is (a user's partner accounts, sync
 * configs, recorded workouts and the things that go wrong) and what was observed after it settled.
 */

export const PROVIDERS = ["strava", "garmin", "polar", "oura"] as const;
export type Provider = (typeof PROVIDERS)[number];
/** Partners SyncWell can write to. */
export type Destination = "strava" | "garmin";
export const STRATEGIES = ["source_wins", "dest_wins", "newest_wins"] as const;
export type Strategy = (typeof STRATEGIES)[number];
/** Activity types that map to themselves at every partner (so an identical copy stays identical). */
export const ACTIVITY_TYPES = ["run", "ride", "walk"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** One source → destination sync config of the scenario's user. */
export interface ConfigSpec {
  /** Scenario-local name, `c0`, `c1`, … */
  key: string;
  source: Provider;
  destination: Destination;
  strategy: Strategy;
}

export type Topology = "single" | "fan_out" | "two_way" | "chain";

/** A workout the user records at a partner (through the test-control API). Times are whole seconds. */
export interface ActivitySpec {
  /** Scenario-local name, `a0`, `a1`, … */
  key: string;
  provider: Provider;
  /** Start, in seconds relative to the scenario's start (negative: in the past). */
  start: number;
  durationSeconds: number;
  type: ActivityType;
  /** The partner's local offset (Polar and Oura give local times). @defaultValue 0 */
  utcOffsetSeconds?: number;
  /** An explicit modification time relative to the scenario's start (initial data only; else the upload time). */
  updatedAt?: number;
}

export type FaultOperation = "oauth_token" | "list_metadata" | "get_payload" | "create" | "preflight";

/** What happens during the scenario, in order. */
export type Action =
  /** The user records a workout: the partner fires its webhook, where it has one. */
  | { kind: "record"; activity: ActivitySpec }
  /** The partner delivers the webhook of an earlier `record` once more (a partner retry). */
  | { kind: "duplicate_webhook"; activity: string }
  /** The app asks for a sync; `copies` requests with one Idempotency-Key race each other. */
  | { kind: "sync"; config: string; copies: number }
  /** The next `times` calls of that partner operation fail with `status` (any user's call may take them). */
  | { kind: "fault"; provider: Provider; operation: FaultOperation; status: 429 | 500 | 503; times: number }
  /** A service is killed with SIGKILL and started again (at most one crash at a time for the whole run). */
  | { kind: "crash"; service: "worker" | "coalescer" | "poller" }
  /**
   * The user edits a workout already at its source (SPEC §15): renames it, and with `shortenSeconds`
   * also ends it that much earlier (only a workout that overlaps nothing, so no conflict changes).
   */
  | { kind: "edit"; activity: string; shortenSeconds?: number }
  /** The user deletes a workout at its source (Strava and Oura tell their subscribers; Polar and Garmin do not). */
  | { kind: "delete"; activity: string }
  /** The user does nothing for a moment (lets jobs run between actions; not a wait for a result). */
  | { kind: "pause"; ms: number };

/** How the scenario ends: a client sync of every config (in topology order), or the ingestion paths alone. */
export type Settle = "sync" | "wait";

export interface Scenario {
  /** The run's seed and this scenario's index: `--seed S --scenario I` rebuilds exactly this scenario. */
  seed: number;
  index: number;
  topology: Topology;
  configs: ConfigSpec[];
  /** Workouts that are at the partners before any config exists (created in this order). */
  initial: ActivitySpec[];
  actions: Action[];
  settle: Settle;
  /** What a hand-kept scenario (regressions.json) once showed. */
  note?: string;
}

/** A record as a partner holds it at the end (the test-control API's normalised view). */
export interface PartnerRecord {
  id: string;
  startTime: string;
  endTime: string;
  type: string;
  name: string;
  updatedAt: string;
  externalId?: string | undefined;
}

/** A workout the generator created, with the id the partner gave it. */
export interface CreatedRecord {
  key: string;
  provider: Provider;
  id: string;
  startTime: string;
  endTime: string;
  type: string;
  name: string;
  updatedAt: string;
  /** Creation order: 0 for initial data (all there before the first sync), then 1, 2, … per live `record`. */
  seq: number;
  /** Set when the user renamed it during the scenario (name, times and updatedAt above are then the edited ones). */
  edited?: {
    renamed: boolean;
    originalName: string;
    originalStart: string;
    originalEnd: string;
    retimed: boolean;
    /** Every span the workout had before its current one (a copy written between two edits carries one of them). */
    pastSpans?: { startTime: string; endTime: string }[];
  };
  /** Set when the user deleted it at its partner during the scenario. */
  deleted?: boolean;
}

/** A job and how it ended (or not), from `GET /v1/sync-jobs/{id}` or the job table. */
export interface JobObservation {
  jobId: string;
  configKey?: string | undefined;
  trigger: string;
  status: string;
  attempts?: number | undefined;
  errorCategory?: string | undefined;
  errorMessage?: string | undefined;
}

/** Everything the oracle needs, collected after the scenario settled. */
export interface Observation {
  thresholdSeconds: number;
  configs: readonly ConfigSpec[];
  created: readonly CreatedRecord[];
  /** Every record each partner account of the user holds at the end. */
  final: Readonly<Partial<Record<Provider, readonly PartnerRecord[]>>>;
  /** Client sync requests: one Idempotency-Key each and every jobId its copies were answered with. */
  requests: ReadonlyArray<{ key: string; jobIds: readonly string[]; failures: readonly string[] }>;
  jobs: readonly JobObservation[];
  /** Each config's `lastSyncTime`, sampled in order during the scenario. */
  watermarks: Readonly<Record<string, readonly (string | undefined)[]>>;
  /**
   * What each config's sync log says it wrote (`written`/`updated` items with a destination id): how
   * a copy without an external id (a manual activity at Strava) is still known as SyncWell's.
   */
  written?: ReadonlyArray<{ config: string; sourceId: string; destinationId: string }>;
  /** Seconds the scenario waited for its jobs after the last action (the bound every job must end within). */
  boundSeconds: number;
}

export type ViolationKind =
  | "missing"
  | "duplicate"
  | "unexpected_write"
  | "deleted"
  | "replaced"
  | "echo"
  | "time_shifted"
  /** A copy of a workout renamed (or re-timed) at a source that tells of edits does not show the edit. */
  | "edit_not_applied"
  /** A copy at a destination that can delete outlived its source's deletion, which the source announced. */
  | "copy_not_deleted"
  | "job_unfinished"
  | "job_without_reason"
  | "idempotency"
  | "watermark_regression"
  /** Found once every scenario of the run settled: queues that do not drain, DLQ messages without a reason. */
  | "end_of_run"
  /** The harness could not run the scenario (setup failed): not a verdict on the engine. */
  | "scenario_error";

export interface Violation {
  kind: ViolationKind;
  detail: string;
}
