import { type AppConfigDataClient, GetLatestConfigurationCommand, StartConfigurationSessionCommand } from "@aws-sdk/client-appconfigdata";
import type { Logger } from "@syncwell/core";
import { type SettingsSource, type SyncSettings, SyncSettingsDocument } from "./SettingsSource.ts";

/** Runs `poll` after `delayMs`; the real one is an unref'd timer, tests pass one they fire by hand. */
export type PollScheduler = (delayMs: number, poll: () => Promise<void>) => { cancel(): void };

const timerScheduler: PollScheduler = (delayMs, poll) => {
  const timer = setTimeout(() => void poll(), delayMs);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

export interface AppConfigSettingsDeps {
  /** The AppConfig Data client (its endpoint honours AWS_ENDPOINT_URL_APPCONFIGDATA / AWS_ENDPOINT_URL: createSettingsSource.ts). */
  client: Pick<AppConfigDataClient, "send" | "destroy">;
  logger: Pick<Logger, "info" | "warn" | "error">;
  /** @defaultValue an unref'd `setTimeout` */
  schedule?: PollScheduler;
}

export interface AppConfigSettingsOptions {
  /** The application, environment and configuration profile (ids or names) of the sync tuning document. */
  application: string;
  environment: string;
  profile: string;
  /** What is in force until the first valid document arrives, and for as long as none has (the environment's values). */
  initial: SyncSettings;
  /**
   * The session's `RequiredMinimumPollIntervalInSeconds` (15–86400); the worker then polls at the
   * interval each answer names. @defaultValue unset: AppConfig's own interval (60 s)
   */
  minimumPollIntervalSeconds?: number;
  /** How long to wait after a failed call when AppConfig has not yet named an interval. @defaultValue 60 */
  retrySeconds?: number;
  /**
   * How long {@link AppConfigSettingsSource.start} waits for the first answer before the worker
   * goes on with `initial` (the read goes on in the background). @defaultValue 5000
   */
  firstReadTimeoutMs?: number;
}

/**
 * The sync tuning from AWS AppConfig (SPEC §16): one configuration session
 * (StartConfigurationSession), then GetLatestConfiguration with each answer's token at the interval
 * the answer names. The last good document stays in force: an empty answer means "unchanged", a
 * document that is not valid JSON or fails {@link SyncSettingsDocument} is logged once and ignored,
 * and a failed call keeps the value, drops the session and starts a new one at the next poll.
 * `AppConfigSettingsSource.start` waits for the first answer, so the first job already sees the
 * deployed value (or, when AppConfig cannot be reached, the environment's value and a warning).
 */
export class AppConfigSettingsSource implements SettingsSource {
  readonly #deps: AppConfigSettingsDeps;
  readonly #options: AppConfigSettingsOptions;
  readonly #schedule: PollScheduler;
  #current: SyncSettings;
  #token: string | undefined;
  #intervalSeconds: number | undefined;
  #next: { cancel(): void } | undefined;
  #closed = false;
  #failing = false;
  /** The text of the last document refused, so that one bad deployment is logged once, not at every session. */
  #refused: string | undefined;

  private constructor(deps: AppConfigSettingsDeps, options: AppConfigSettingsOptions) {
    const min = options.minimumPollIntervalSeconds;
    if (min !== undefined && (!Number.isInteger(min) || min < 15 || min > 86_400))
      throw new Error("minimumPollIntervalSeconds must be a whole number of seconds from 15 to 86400 (AppConfig's range)");
    if (options.retrySeconds !== undefined && !(options.retrySeconds > 0)) throw new Error("retrySeconds must be more than 0");
    if (options.firstReadTimeoutMs !== undefined && !(options.firstReadTimeoutMs >= 0))
      throw new Error("firstReadTimeoutMs must be 0 or more");
    for (const field of ["application", "environment", "profile"] as const)
      if (!options[field]) throw new Error(`${field} must name the AppConfig ${field} of the sync tuning`);
    this.#deps = deps;
    this.#options = options;
    this.#schedule = deps.schedule ?? timerScheduler;
    this.#current = SyncSettingsDocument.parse(options.initial);
  }

  /**
   * Starts the session and returns once the first answer (or failure) is in, or after
   * `firstReadTimeoutMs` with `initial` in force; polling goes on until {@link close}.
   */
  static async start(deps: AppConfigSettingsDeps, options: AppConfigSettingsOptions): Promise<AppConfigSettingsSource> {
    const source = new AppConfigSettingsSource(deps, options);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), options.firstReadTimeoutMs ?? 5_000);
    });
    const first = await Promise.race([source.#poll(), waited]);
    clearTimeout(timer);
    if (first === "timeout")
      deps.logger.warn(
        { conflictOverlapSeconds: source.conflictOverlapSeconds() },
        "AppConfig has not answered yet: the environment's sync tuning holds until it does",
      );
    return source;
  }

  conflictOverlapSeconds(): number {
    return this.#current.conflictOverlapSeconds;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#next?.cancel();
    this.#deps.client.destroy();
  }

  async #poll(): Promise<void> {
    if (this.#closed) return;
    const { client, logger } = this.#deps;
    try {
      this.#token ??= await this.#startSession();
      const answer = await client.send(new GetLatestConfigurationCommand({ ConfigurationToken: this.#token }));
      // Each token is good for one call: the answer's replaces it (none: a new session next time).
      this.#token = answer.NextPollConfigurationToken;
      this.#intervalSeconds = answer.NextPollIntervalInSeconds ?? this.#intervalSeconds;
      // An empty configuration: this session already holds the latest version.
      if (answer.Configuration && answer.Configuration.byteLength > 0)
        this.#apply(Buffer.from(answer.Configuration).toString("utf8"), answer.VersionLabel);
      if (this.#failing) logger.info("AppConfig answers again");
      this.#failing = false;
    } catch (error) {
      if (this.#closed) return;
      // An expired or refused token, a throttle, AppConfig unreachable: keep the value, start afresh next time.
      this.#token = undefined;
      if (!this.#failing) {
        const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
        logger.warn(
          { err: { name, message }, conflictOverlapSeconds: this.#current.conflictOverlapSeconds },
          "AppConfig could not be read: the sync tuning in force stays until it answers",
        );
      }
      this.#failing = true;
    }
    if (this.#closed) return;
    const seconds = this.#intervalSeconds ?? this.#options.retrySeconds ?? 60;
    this.#next = this.#schedule(seconds * 1000, () => this.#poll());
  }

  async #startSession(): Promise<string> {
    const { application, environment, profile, minimumPollIntervalSeconds } = this.#options;
    const session = await this.#deps.client.send(
      new StartConfigurationSessionCommand({
        ApplicationIdentifier: application,
        EnvironmentIdentifier: environment,
        ConfigurationProfileIdentifier: profile,
        ...(minimumPollIntervalSeconds ? { RequiredMinimumPollIntervalInSeconds: minimumPollIntervalSeconds } : {}),
      }),
    );
    if (!session.InitialConfigurationToken) throw new Error("StartConfigurationSession answered without a token");
    return session.InitialConfigurationToken;
  }

  /** Puts a deployed document in force, or refuses it (logged once) and keeps the last good one. */
  #apply(text: string, version: string | undefined): void {
    let problem: string | undefined;
    let document: SyncSettings | undefined;
    try {
      const result = SyncSettingsDocument.safeParse(JSON.parse(text));
      if (result.success) document = result.data;
      else problem = result.error.issues.map((i) => `${i.path.join(".") || "document"}: ${i.message}`).join("; ");
    } catch {
      problem = "not JSON";
    }
    if (!document) {
      if (text !== this.#refused)
        this.#deps.logger.error(
          { version, problem, conflictOverlapSeconds: this.#current.conflictOverlapSeconds },
          "AppConfig sync tuning refused: the last good values stay in force",
        );
      this.#refused = text;
      return;
    }
    this.#refused = undefined;
    if (document.conflictOverlapSeconds !== this.#current.conflictOverlapSeconds)
      this.#deps.logger.info(
        { version, from: this.#current.conflictOverlapSeconds, to: document.conflictOverlapSeconds },
        "conflict threshold from AppConfig",
      );
    this.#current = document;
  }
}
