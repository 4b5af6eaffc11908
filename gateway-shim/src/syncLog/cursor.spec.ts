import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { SyncLogCursors } from "./cursor.ts";

const secret = randomBytes(32).toString("base64");
const position = { sk: "2026-11-30T08:15:00.123Z#u-1.dGFwLTE", served: 3 };

describe("sync-log cursors", () => {
  const cursors = new SyncLogCursors(secret);

  it("round-trips a position for its config, as base64url", () => {
    const cursor = cursors.encode("cfg-1", position);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(cursors.decode("cfg-1", cursor), position);
    assert.deepEqual(cursors.decode("cfg-1", cursors.encode("cfg-1", { sk: "é#ü", served: 0 })), { sk: "é#ü", served: 0 });
  });

  it("refuses a cursor issued for another config", () => {
    assert.equal(cursors.decode("cfg-2", cursors.encode("cfg-1", position)), undefined);
  });

  it("refuses a cursor with any one byte changed, and one whose position was re-encoded without the key", () => {
    const bytes = Buffer.from(cursors.encode("cfg-1", position), "base64url");
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      assert.equal(cursors.decode("cfg-1", tampered.toString("base64url")), undefined, `byte ${i}`);
    }
    const forged = Buffer.from(bytes);
    forged.writeUInt32BE(0, 17);
    assert.equal(cursors.decode("cfg-1", forged.toString("base64url")), undefined, "served moved back to 0");
  });

  it("refuses another spelling of the same bytes (the last character's spare bits)", () => {
    let cursor = cursors.encode("cfg-1", position);
    while (Buffer.from(cursor, "base64url").length % 3 === 0) cursor = cursors.encode("cfg-1", { ...position, sk: `${position.sk}x` });
    const last = cursor.at(-1) ?? "A";
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? "A";
    const respelt = `${cursor.slice(0, -1)}${sibling}`;
    assert.deepEqual(Buffer.from(respelt, "base64url"), Buffer.from(cursor, "base64url"), "the same bytes");
    assert.equal(cursors.decode("cfg-1", respelt), undefined);
  });

  it("refuses garbage of every shape", () => {
    for (const junk of [
      "",
      "x",
      "not base64!",
      "AAAA",
      "=".repeat(10),
      "A".repeat(601),
      Buffer.alloc(40).toString("base64url"),
      "eyJzayI6ImEifQ",
    ])
      assert.equal(cursors.decode("cfg-1", junk), undefined, junk.slice(0, 20));
  });

  it("needs the same secret: another gateway with another key refuses it, one with the same key reads it", () => {
    const cursor = cursors.encode("cfg-1", position);
    assert.equal(new SyncLogCursors(randomBytes(32).toString("base64")).decode("cfg-1", cursor), undefined);
    assert.deepEqual(new SyncLogCursors(secret).decode("cfg-1", cursor), position);
  });
});
