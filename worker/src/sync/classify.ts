import { type ErrorCategory, type PartnerError, type PushIncompleteError, SyncWellError } from "@syncwell/core";

/** A failure, classified by its code for the outcome decision; anything else is a bug (`unknown`). */
export function classify(error: unknown): { category: ErrorCategory; message: string; retryAfterSeconds?: number | undefined } {
  if (!(error instanceof SyncWellError)) return { category: "unknown", message: (error as Error)?.message ?? String(error) };
  switch (error.code) {
    case "PARTNER_ERROR":
    case "PUSH_INCOMPLETE": {
      const { category, retryAfterSeconds } = error as PartnerError | PushIncompleteError;
      return { category, message: error.message, retryAfterSeconds };
    }
    case "REAUTH_REQUIRED":
      return { category: "auth", message: error.message };
    default:
      return { category: "unknown", message: error.message };
  }
}
