/**
 * Reads a FIT weight-scale file, as Garmin Connect's upload-service takes a weigh-in from a scale
 * or a tool (FIT SDK profile: `file_id` with `type` 9 = weight, then `weight_scale` messages,
 * global number 30: `timestamp` (253), `weight` (0, kg × 100), `percent_fat` (1, % × 100)).
 * Only what such a file needs: normal headers, little- or big-endian fields; no compressed
 * timestamps or developer fields.
 */

/** Seconds from the Unix epoch to the FIT epoch (1989-12-31T00:00:00Z). */
const FIT_EPOCH = 631_065_600;
const FILE_ID = 0;
const WEIGHT_SCALE = 30;
const FILE_TYPE_WEIGHT = 9;

const CRC_TABLE = [
  0x0000, 0xcc01, 0xd801, 0x1400, 0xf001, 0x3c00, 0x2800, 0xe401, 0xa001, 0x6c00, 0x7800, 0xb401, 0x5000, 0x9c01, 0x8801, 0x4400,
];

/** The FIT CRC-16 of `bytes` (a file including its trailing CRC sums to 0). */
export function fitCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    for (const nibble of [byte & 0xf, (byte >> 4) & 0xf]) {
      const tmp = CRC_TABLE[crc & 0xf] ?? 0;
      crc = ((crc >> 4) & 0x0fff) ^ tmp ^ (CRC_TABLE[nibble] ?? 0);
    }
  }
  return crc;
}

export interface FitWeighIn {
  time: Date;
  weightKg: number;
  fatPercent?: number;
}

/** True when the bytes look like a FIT file (what the upload-service tells apart from GPX). */
export function isFit(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.toString("ascii", 8, 12) === ".FIT";
}

interface FieldDef {
  num: number;
  size: number;
}

/** The weigh-ins of a FIT weight file; throws with a reason a user understands when it is not one. */
export function readFitWeighIns(bytes: Buffer): FitWeighIn[] {
  if (!isFit(bytes)) throw new Error("not a FIT file");
  const headerSize = bytes[0] ?? 0;
  const dataSize = bytes.readUInt32LE(4);
  const end = headerSize + dataSize;
  if (headerSize < 12 || bytes.length < end + 2) throw new Error("truncated FIT file");
  if (fitCrc(bytes.subarray(0, end + 2)) !== 0) throw new Error("FIT file CRC mismatch");
  const defs = new Map<number, { global: number; littleEndian: boolean; fields: FieldDef[] }>();
  const out: FitWeighIn[] = [];
  let fileType: number | undefined;
  let at = headerSize;
  while (at < end) {
    const header = bytes[at++] ?? 0;
    if (header & 0x80) throw new Error("compressed-timestamp records are not supported");
    const local = header & 0x0f;
    if (header & 0x40) {
      if (header & 0x20) throw new Error("developer fields are not supported");
      const littleEndian = bytes[at + 1] === 0;
      const global = littleEndian ? bytes.readUInt16LE(at + 2) : bytes.readUInt16BE(at + 2);
      const count = bytes[at + 4] ?? 0;
      at += 5;
      const fields: FieldDef[] = [];
      for (let i = 0; i < count; i++, at += 3) fields.push({ num: bytes[at] ?? 0, size: bytes[at + 1] ?? 0 });
      defs.set(local, { global, littleEndian, fields });
      continue;
    }
    const def = defs.get(local);
    if (!def) throw new Error(`data message for undefined local type ${local}`);
    const values = new Map<number, number>();
    for (const f of def.fields) {
      if (at + f.size > end) throw new Error("truncated FIT record");
      if (f.size === 1) values.set(f.num, bytes[at] ?? 0xff);
      else if (f.size === 2) values.set(f.num, def.littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
      else if (f.size === 4) values.set(f.num, def.littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
      at += f.size;
    }
    if (def.global === FILE_ID) fileType = values.get(0);
    if (def.global === WEIGHT_SCALE) {
      const timestamp = values.get(253);
      const weight = values.get(0);
      const fat = values.get(1);
      if (timestamp === undefined || timestamp === 0xffffffff || weight === undefined || weight === 0xffff)
        throw new Error("a weight_scale message needs a timestamp and a weight");
      out.push({
        time: new Date((timestamp + FIT_EPOCH) * 1000),
        weightKg: weight / 100,
        ...(fat === undefined || fat === 0xffff ? {} : { fatPercent: fat / 100 }),
      });
    }
  }
  if (fileType !== FILE_TYPE_WEIGHT) throw new Error("not a FIT weight file (file_id type must be 9)");
  return out;
}
