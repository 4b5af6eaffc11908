import type { SettingsSource, SyncSettings } from "./SettingsSource.ts";

/** The tunables as the environment gave them at start-up (local runs, tests, and wherever AppConfig is not configured). */
export class EnvSettingsSource implements SettingsSource {
  readonly #settings: SyncSettings;

  constructor(settings: SyncSettings) {
    this.#settings = { ...settings };
  }

  conflictOverlapSeconds(): number {
    return this.#settings.conflictOverlapSeconds;
  }

  close(): void {}
}
