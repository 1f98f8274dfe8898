// Re-packs the zip exceljs writes. exceljs stamps every entry with the current time, so two identical workbooks
// written a few seconds apart would differ in bytes: every entry gets one fixed date here, and the file becomes a
// pure function of its content. Large sheets' rows are spliced in here too (Splice below), without exceljs.
import { once } from 'node:events';
import * as zlib from 'node:zlib';
import { createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';

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

interface Packed {
  name: Buffer;
  flags: number;
  crc: number;
  size: number;
  method: number;
  /** The entry's data as stored in the zip, in parts. */
  data: Buffer[];
}

/** Deflates a stored entry (already-deflated ones are kept as they are); the entry with its data as stored. */
function packed(e: Entry): Packed {
  let { method, data } = e;
  if (method === 0 && data.length > 0) {
    const deflated = deflateRawSync(data, { level: 6 });
    if (deflated.length < data.length) [method, data] = [8, deflated];
  }
  return { name: e.name, flags: e.flags, crc: e.crc, size: e.size, method, data: [data] };
}

/**
 * The fields the local header and the central directory record share, in the same order: flags, method, time,
 * date, CRC, stored and original sizes, name length (22 bytes from `at`).
 */
function writeEntryFields(b: Buffer, at: number, e: Packed, stored: number): void {
  b.writeUInt16LE(e.flags, at);
  b.writeUInt16LE(e.method, at + 2);
  b.writeUInt16LE(DOS_TIME, at + 4);
  b.writeUInt16LE(DOS_DATE, at + 6);
  b.writeUInt32LE(e.crc, at + 8);
  b.writeUInt32LE(stored, at + 12);
  b.writeUInt32LE(e.size, at + 16);
  b.writeUInt16LE(e.name.length, at + 20);
}

/** The zip file of `entries`, in parts: each local header and its data, then the central directory. */
function assemble(entries: readonly Packed[]): Buffer[] {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const length = e.data.reduce((n, b) => n + b.length, 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(20, 4);
    writeEntryFields(local, 6, e, length); // extra field length (28) stays 0
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(CENTRAL_SIG, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    writeEntryFields(dir, 8, e, length);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, e.name);
    for (const b of e.data) parts.push(b); // thousands of parts for a large sheet: no spread
    central.push(dir, e.name);
    offset += local.length + e.name.length + length;
  }
  const centralSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD_SIG, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  for (const b of central) parts.push(b);
  parts.push(end);
  return parts;
}

/**
 * Content put into an entry after the zip was written: the entry holds `marker` where `parts` belong. A large
 * sheet's rows are spliced in this way instead of passing through exceljs, which buffers a sheet's whole XML
 * (half a gigabyte for a 200,000-row items sheet) before zipping it.
 */
export interface Splice {
  marker: Buffer;
  parts: () => Iterable<Uint8Array>;
}

/**
 * exceljs's deflate level: archiver leaves it to compress-commons, whose default is zlib's best speed. A spliced
 * entry is deflated with the same settings; zlib's output does not depend on how its input is cut into writes,
 * so the bytes are those exceljs would have written with the content in place.
 */
const EXCELJS_LEVEL = 1;

/**
 * The zip exceljs wrote, with stored entries deflated, every entry's date fixed and each spliced entry's marker
 * replaced by its parts (then deflated), in parts.
 */
export async function repackZipSpliced(input: Uint8Array, splices: ReadonlyMap<string, Splice>): Promise<Buffer[]> {
  const zip = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const entries: Packed[] = [];
  const done = new Set<string>();
  for (const e of readEntries(zip)) {
    const name = e.name.toString('utf8');
    const splice = splices.get(name);
    if (!splice) {
      entries.push(packed(e));
      continue;
    }
    const content = e.method === 8 ? inflateRawSync(e.data) : e.data;
    const at = content.indexOf(splice.marker);
    if (at < 0) throw new Error(`zip: entry ${name} lost its splice marker`);
    const before = content.subarray(0, at);
    const after = content.subarray(at + splice.marker.length);
    const { data, crc, size } = await deflateParts(
      (function* () {
        yield before;
        yield* splice.parts();
        yield after;
      })(),
    );
    entries.push({ name: e.name, flags: e.flags, crc, size, method: 8, data });
    done.add(name);
  }
  for (const name of splices.keys()) if (!done.has(name)) throw new Error(`zip: no entry ${name} to splice into`);
  return assemble(entries);
}

/** zlib.crc32 (Node 20.15+), else the same CRC-32 in JavaScript for the older Node 20 releases. */
const crc32: (data: Uint8Array, value: number) => number =
  typeof zlib.crc32 === 'function'
    ? zlib.crc32
    : (() => {
        const table = new Int32Array(256);
        for (let n = 0; n < 256; n++) {
          let c = n;
          for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
          table[n] = c;
        }
        return (data: Uint8Array, value: number) => {
          let c = ~value;
          for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
          return ~c >>> 0;
        };
      })();

/**
 * Deflates the parts as one stream (zlib works on its own thread while the next parts are made); the CRC-32 and
 * length of the whole are taken on the way. Each part is copied into one of two buffers of zlib's own before the
 * next part is asked for: the parts' maker may fill its buffer again (sheetRows recycles), and half a gigabyte of
 * sheet XML passes through two megabytes instead of five hundred fresh buffers, whose external memory made V8
 * collect garbage over and over.
 */
async function deflateParts(parts: Iterable<Uint8Array>): Promise<{ data: Buffer[]; crc: number; size: number }> {
  // Output in 1 MB pieces, not zlib's 16 KB: each full output buffer is a round trip through the main thread, which
  // is busy making rows (a 520 MB items sheet: 7,000 trips, 3.2-4.0 s → 2.9 s). The bytes are the same.
  const deflate = createDeflateRaw({ level: EXCELJS_LEVEL, chunkSize: RING_BUFFER });
  const data: Buffer[] = [];
  deflate.on('data', (b: Buffer) => data.push(b));
  const ended = once(deflate, 'end');
  const failed = new Promise<never>((_, reject) => deflate.once('error', reject));
  failed.catch(() => {}); // raced below; never left unhandled
  const ring = [Buffer.allocUnsafe(RING_BUFFER), Buffer.allocUnsafe(RING_BUFFER)];
  const busy: (Promise<unknown> | null)[] = [null, null];
  let k = 0;
  let crc = 0;
  let size = 0;
  for (const part of parts) {
    crc = crc32(part, crc);
    size += part.length;
    for (let at = 0; at < part.length; at += RING_BUFFER) {
      const piece = part.subarray(at, at + RING_BUFFER);
      // A buffer is written over only once zlib has taken what was written from it before.
      if (busy[k]) await Promise.race([busy[k], failed]);
      const buf = ring[k];
      buf.set(piece);
      busy[k] = new Promise((done) => deflate.write(buf.subarray(0, piece.length), done));
      k ^= 1;
    }
  }
  await Promise.race([Promise.all(busy), failed]);
  deflate.end();
  await ended;
  if (size > 0xffffffff) throw new Error('zip: an entry of 4 GB or more needs zip64, which this writer does not write');
  return { data, crc, size };
}
const RING_BUFFER = 1 << 20;
