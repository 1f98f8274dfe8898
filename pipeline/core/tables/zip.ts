// Re-packs the zip exceljs writes. exceljs zips with JSZip, whose pure-JS deflate takes seconds on a
// 20,000-row sheet and which stamps every entry with the current time, so two identical workbooks written a
// few seconds apart differ in bytes. We let exceljs store entries uncompressed, then deflate them here with
// Node's zlib and give every entry one fixed date: the file becomes a pure function of its content.
import { deflateRawSync } from 'node:zlib';

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** 1980-01-01 00:00:00, the earliest DOS date: time 0, date (0 << 9) | (1 << 5) | 1. */
const DOS_TIME = 0;
const DOS_DATE = 0x21;
/** General-purpose flag bit 11: names are UTF-8. The only flag kept; sizes are always in the headers. */
const UTF8_FLAG = 0x0800;

interface Entry {
  name: Buffer;
  flags: number;
  crc: number;
  size: number;
  method: number;
  data: Buffer;
}

function readEntries(zip: Buffer): Entry[] {
  let eocd = -1;
  // The end record sits in the last 22 bytes plus an optional comment of up to 65535 bytes.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let e = 0; e < count; e++) {
    if (zip.readUInt32LE(p) !== CENTRAL_SIG) throw new Error('zip: malformed central directory');
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const local = zip.readUInt32LE(p + 42);
    if (zip.readUInt32LE(local) !== LOCAL_SIG) throw new Error('zip: malformed local header');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.push({
      name: zip.subarray(p + 46, p + 46 + nameLen),
      flags: zip.readUInt16LE(p + 8) & UTF8_FLAG,
      crc: zip.readUInt32LE(p + 16),
      size: zip.readUInt32LE(p + 24),
      method,
      data: zip.subarray(dataStart, dataStart + compressed),
    });
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return entries;
}

/** Deflates stored entries (already-deflated ones are kept as they are) and fixes every entry's date. */
export function repackZip(input: Uint8Array): Uint8Array {
  const zip = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of readEntries(zip)) {
    let { method, data } = e;
    if (method === 0 && data.length > 0) {
      const deflated = deflateRawSync(data, { level: 6 });
      if (deflated.length < data.length) [method, data] = [8, deflated];
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(e.name.length, 26);
    local.writeUInt16LE(0, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(CENTRAL_SIG, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(e.flags, 8);
    dir.writeUInt16LE(method, 10);
    dir.writeUInt16LE(DOS_TIME, 12);
    dir.writeUInt16LE(DOS_DATE, 14);
    dir.writeUInt32LE(e.crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(e.size, 24);
    dir.writeUInt16LE(e.name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, e.name, data);
    central.push(dir, e.name);
    offset += local.length + e.name.length + data.length;
  }
  const centralSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD_SIG, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  const out = Buffer.concat([...parts, ...central, end]);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
