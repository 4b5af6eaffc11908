/** Base class of every error we raise on purpose: a stable `code` to classify by, and structured `details`. */
export abstract class SyncWellError extends Error {
  abstract readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}
