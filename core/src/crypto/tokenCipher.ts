import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Encrypts OAuth tokens at rest with AES-256-GCM. The stored form is
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), so a key rotation can add `v2` later.
 */
export class TokenCipher {
  readonly #key: Buffer;

  constructor(base64Key: string) {
    this.#key = Buffer.from(base64Key, "base64");
    if (this.#key.length !== 32) throw new Error("the token encryption key must be 32 bytes, base64-encoded");
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
  }

  decrypt(stored: string): string {
    const [version, iv, tag, data] = stored.split(".");
    if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("not an encrypted token");
    const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  }
}

/** The development key documented in the README; production sets TOKEN_ENCRYPTION_KEY from KMS/Secrets Manager. */
export const DEV_TOKEN_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");
