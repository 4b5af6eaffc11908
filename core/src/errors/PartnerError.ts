import { SyncWellError } from "./SyncWellError.ts";

/** How a failed partner call should be treated. */
export type PartnerErrorCategory = "transient" | "rate_limited" | "auth" | "permanent";

/** A partner API call failed. `category` drives retry, refresh or dead-lettering. */
export class PartnerError extends SyncWellError {
  readonly code = "PARTNER_ERROR";

  constructor(
    readonly category: PartnerErrorCategory,
    message: string,
    details: { provider: string; operation: string; status?: number; retryAfterSeconds?: number },
    options?: ErrorOptions,
  ) {
    super(message, details, options);
  }

  get retryAfterSeconds(): number | undefined {
    return this.details.retryAfterSeconds as number | undefined;
  }
}
