/**
 * The port to object storage for uploaded batches (SPEC §18's claim-check): the gateway stores a
 * device upload under a key, the job message carries only that key, and the worker reads the batch
 * back. Declares only the calls SyncWell makes.
 */
export interface BatchStore {
  /** Stores `body` (JSON text) under `key`; storing the same key again replaces it. */
  put(key: string, body: string): Promise<void>;
  /** The body stored under `key`, or undefined when there is none (never stored, or expired). */
  get(key: string): Promise<string | undefined>;
}
