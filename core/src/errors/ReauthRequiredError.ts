import { SyncWellError } from "./SyncWellError.ts";

/** A connection can no longer be refreshed: the user must authorise SyncWell again. */
export class ReauthRequiredError extends SyncWellError {
  readonly code = "REAUTH_REQUIRED";
}
