import { SyncWellError } from "./SyncWellError.ts";

/** A missing or malformed configuration value. The message is the one line a person needs. */
export class ConfigError extends SyncWellError {
  readonly code = "CONFIG_INVALID";

  constructor(variable: string, reason: string) {
    super(`Invalid configuration: ${variable} ${reason}`, { variable });
  }
}
