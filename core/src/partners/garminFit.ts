/**
 * A weigh-in as a FIT weight-scale file, as scales and tools upload one to Garmin Connect's
 * upload-service (FIT SDK profile: `file_id` type 9 = weight; a `weight_scale` message, global 30,
 * with `timestamp` (253, s since 1989-12-31Z), `weight` (0, kg × 100) and `percent_fat` (1, % × 100)).
 */

const FIT_EPOCH = 631_065_600;
const CRC_TABLE = [
  0x0000, 0xcc01, 0xd801, 0x1400, 0xf001, 0x3c00, 0x2800, 0xe401, 0xa001, 0x6c00, 0x7800, 0xb401, 0x5000, 0x9c01, 0x8801, 0x4400,
];

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    for (const nibble of [byte & 0xf, (byte >> 4) & 0xf]) {
      const tmp = CRC_TABLE[crc & 0xf] ?? 0;
      crc = ((crc >> 4) & 0x0fff) ^ tmp ^ (CRC_TABLE[nibble] ?? 0);
    }
  }
  return crc;
}

// Base types: enum 0x00, uint16 0x84, uint32 0x86.
const FILE_ID_DEF = [0x40, 0, 0, 0, 0, 4, 0, 1, 0x00, 1, 2, 0x84, 2, 2, 0x84, 4, 4, 0x86];
const WEIGHT_SCALE_DEF = [0x41, 0, 0, 30, 0, 3, 253, 4, 0x86, 0, 2, 0x84, 1, 2, 0x84];
/** Manufacturer 255 ("development"): the file is SyncWell's, not a Garmin device's. */
const DEVELOPMENT = 255;

export interface WeighIn {
  /** The measurement's moment, ISO-8601. */
  time: string;
  weightKg: number;
  fatPercent?: number | undefined;
}

/** The FIT file of one weigh-in (weight to 10 g, body fat to 0.01 %). */
export function weighInFit(w: WeighIn): Uint8Array {
  const timestamp = Math.round(Date.parse(w.time) / 1000) - FIT_EPOCH;
  const data = Buffer.alloc(FILE_ID_DEF.length + 10 + WEIGHT_SCALE_DEF.length + 9);
  let at = Buffer.from(FILE_ID_DEF).copy(data, 0);
  data.writeUInt8(0x00, at); // local type 0: file_id
  data.writeUInt8(9, at + 1); // type: weight
  data.writeUInt16LE(DEVELOPMENT, at + 2);
  data.writeUInt16LE(0, at + 4);
  data.writeUInt32LE(timestamp, at + 6);
  at += 10;
  at += Buffer.from(WEIGHT_SCALE_DEF).copy(data, at);
  data.writeUInt8(0x01, at); // local type 1: weight_scale
  data.writeUInt32LE(timestamp, at + 1);
  data.writeUInt16LE(Math.round(w.weightKg * 100), at + 5);
  data.writeUInt16LE(w.fatPercent === undefined ? 0xffff : Math.round(w.fatPercent * 100), at + 7);
  const header = Buffer.alloc(14);
  header.writeUInt8(14, 0);
  header.writeUInt8(0x10, 1); // protocol 1.0
  header.writeUInt16LE(2100, 2); // profile 21.00
  header.writeUInt32LE(data.length, 4);
  header.write(".FIT", 8, "ascii");
  header.writeUInt16LE(crc16(header.subarray(0, 12)), 12);
  const body = Buffer.concat([header, data]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(body), 0);
  return new Uint8Array(Buffer.concat([body, crc]));
}
