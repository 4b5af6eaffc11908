import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import type { SyncLogPosition } from "@syncwell/core";

const VERSION = 1;
const TAG_BYTES = 16;
/** Version, tag, `served` (uint32) and at least one byte of sort key. */
const MIN_BYTES = 1 + TAG_BYTES + 4 + 1;
/** A sort key is `{ISO time}#{jobId}`: far below this. */
const MAX_CURSOR_CHARS = 600;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The sync log's page cursors (`GET /v1/sync-configs/{id}/records?cursor=`): opaque to clients and
 * tamper-evident. A cursor is base64url of
 *
 *     version (1 byte, 1) ‖ tag (16 bytes) ‖ served (uint32, big-endian) ‖ sort key (UTF-8)
 *
 * where the position (the log item's sort key and how many of its entries were served) is what
 * the store's listSyncLog resumes from, and the tag is HMAC-SHA-256 (truncated to 128 bits) over
 * the config id and the position, under a key derived with HKDF from a secret the gateway already
 * holds (the token-encryption key): no new secret to provision or rotate. So a cursor changed by a
 * single bit, or one issued for another config, does not decode. It is not encrypted: it names
 * the time and job id of the caller's own log, which the page itself shows.
 */
export class SyncLogCursors {
  readonly #key: Buffer;

  /** `secret`: base64 key material (TOKEN_ENCRYPTION_KEY); absent, a key of this process alone. */
  constructor(secret?: string) {
    const material = secret ? Buffer.from(secret, "base64") : randomBytes(32);
    if (material.length < 16) throw new Error("the sync-log cursor secret must hold at least 16 bytes, base64-encoded");
    this.#key = Buffer.from(hkdfSync("sha256", material, "syncwell", "sync-log-cursor/v1", 32));
  }

  encode(syncConfigId: string, position: SyncLogPosition): string {
    const body = Buffer.concat([uint32(position.served), Buffer.from(position.sk, "utf8")]);
    return Buffer.concat([Buffer.of(VERSION), this.#tag(syncConfigId, body), body]).toString("base64url");
  }

  /** The position a cursor of this config names, or undefined for anything else (tampered, foreign, malformed). */
  decode(syncConfigId: string, cursor: string): SyncLogPosition | undefined {
    if (cursor.length > MAX_CURSOR_CHARS || !BASE64URL.test(cursor)) return undefined;
    const bytes = Buffer.from(cursor, "base64url");
    // Base64 has several spellings of the same bytes (the last character's spare bits): only ours counts.
    if (bytes.length < MIN_BYTES || bytes.toString("base64url") !== cursor || bytes[0] !== VERSION) return undefined;
    const tag = bytes.subarray(1, 1 + TAG_BYTES);
    const body = bytes.subarray(1 + TAG_BYTES);
    if (!timingSafeEqual(tag, this.#tag(syncConfigId, body))) return undefined;
    return { served: body.readUInt32BE(0), sk: body.subarray(4).toString("utf8") };
  }

  #tag(syncConfigId: string, body: Buffer): Buffer {
    return createHmac("sha256", this.#key)
      .update(Buffer.from(syncConfigId, "utf8"))
      .update(Buffer.of(0))
      .update(body)
      .digest()
      .subarray(0, TAG_BYTES);
  }
}

function uint32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
}
