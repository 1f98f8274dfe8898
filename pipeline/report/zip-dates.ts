// exceljs zips with JSZip, which stamps every entry with the current time: two identical workbooks written a
// few seconds apart differ in bytes. Rewriting the DOS time/date fields of every entry to one fixed value makes
// the file a pure function of its content. Only header fields change; entry data and CRCs are untouched.

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** 1980-01-01 00:00:00, the earliest DOS date: time 0, date (0 << 9) | (1 << 5) | 1. */
const DOS_TIME = 0;
const DOS_DATE = 0x21;

export function fixZipDates(zip: Uint8Array): Uint8Array {
  const buf = Buffer.from(zip);
  let eocd = -1;
  // The end record sits in the last 22 bytes plus an optional comment of up to 65535 bytes.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('fixZipDates: not a zip file (no end of central directory)');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    if (buf.readUInt32LE(p) !== CENTRAL_SIG) throw new Error('fixZipDates: malformed central directory');
    buf.writeUInt16LE(DOS_TIME, p + 12);
    buf.writeUInt16LE(DOS_DATE, p + 14);
    const local = buf.readUInt32LE(p + 42);
    if (buf.readUInt32LE(local) !== LOCAL_SIG) throw new Error('fixZipDates: malformed local header');
    buf.writeUInt16LE(DOS_TIME, local + 10);
    buf.writeUInt16LE(DOS_DATE, local + 12);
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
