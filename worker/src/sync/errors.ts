import type { ErrorCategory } from "@syncwell/core";

/** Some records were not written: the job fails with the category of what stopped it. */
export class PushIncompleteError extends Error {
  override name = "PushIncompleteError";
  readonly code = "PUSH_INCOMPLETE";
  constructor(
    message: string,
    readonly category: Extract<ErrorCategory, "transient" | "permanent" | "rate_limited">,
    readonly retryAfterSeconds?: number | undefined,
  ) {
    super(message);
  }
}
