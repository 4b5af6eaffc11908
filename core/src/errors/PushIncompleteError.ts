import { SyncWellError } from "./SyncWellError.ts";

/** Some records were not written to the destination: the job fails with the category of what stopped it. */
export class PushIncompleteError extends SyncWellError {
  readonly code = "PUSH_INCOMPLETE";

  constructor(
    message: string,
    readonly category: "transient" | "permanent" | "rate_limited",
    readonly retryAfterSeconds?: number | undefined,
  ) {
    super(message, { category, retryAfterSeconds });
  }
}
