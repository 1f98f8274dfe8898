// File boundaries: every write goes to a temp file first and is renamed, so a failed run leaves nothing half-written.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { z } from 'zod';
import { InputError } from './errors.ts';

/**
 * A file's content: a string, bytes, or a text in parts (strings, or its UTF-8 bytes). V8 caps a string at about
 * 536 million characters, and items.jsonl of a 300,000-row round is larger, so it is built and written part by
 * part. Parts may come from a generator that builds each one as it is asked for (read once: a consumer must
 * write and hash in the same pass, as `hashedParts` does), so a large file never sits in memory whole.
 */
export type Content = string | Uint8Array | Iterable<string | Uint8Array>;

function partsOf(data: Content): Iterable<string | Uint8Array> {
  return typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
}

/**
 * The content's parts as bytes, each fed to `hash` on the way: a file is encoded to UTF-8 once and hashed from
 * those bytes, not encoded again for the hash (on a 60,000-row round that second pass cost seconds).
 */
export function* hashedParts(data: Content, hash: { update(b: Uint8Array): unknown }): Generator<Uint8Array> {
  for (const part of partsOf(data)) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    hash.update(bytes);
    yield bytes;
  }
}

/**
 * Writes content to a (new or truncated) file, part by part, and flushes it to the disk before returning: a rename
 * that publishes the file must never reach the disk before its contents (after a power cut, a complete-looking run
 * with empty files).
 */
export function writeContent(path: string, data: Content): void {
  const fd = openSync(path, 'w');
  try {
    for (const part of partsOf(data)) writePart(fd, part);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * writeContent, returning to the event loop after each part: work that waits on it (the workbook being deflated
 * on zlib's thread, report/index.ts) goes on while a large file is made and written. The same bytes, flushed the
 * same way.
 */
export async function writeContentYielding(path: string, data: Content): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    for (const part of partsOf(data)) {
      writePart(fd, part);
      await new Promise<void>((done) => setImmediate(done));
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writePart(fd: number, part: string | Uint8Array): void {
  const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** Flushes a folder's entries (new names, renames) to the disk; a no-op where the platform cannot. */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its renames are not ordered this way anyway.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** sha256 (hex) of content, whole or in parts. */
export function contentSha256(data: Content): string {
  const h = createHash('sha256');
  for (const part of partsOf(data)) h.update(part);
  return h.digest('hex');
}

/**
 * The content as one string (or bytes), for callers that keep small files in memory. Content in parts is always
 * text, so parts given as bytes are decoded: the result is a string either way.
 */
export function joinContent(data: Content): string | Uint8Array {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  // Each part copied as it comes: a part given as bytes may be a buffer its maker fills again for the next part.
  const parts = Array.from(data, (p) => (typeof p === 'string' ? p : Buffer.from(p)));
  if (parts.every((p): p is string => typeof p === 'string')) return parts.join('');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))).toString('utf8');
}

/** Binary content as one buffer (each part copied as it comes, as joinContent does). */
export function joinBytes(data: Content): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  return Buffer.concat(Array.from(data, (p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

export function writeAtomic(path: string, data: Content): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeContent(tmp, data);
    renameSync(tmp, path);
    syncFolder(dirname(path));
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
  }
}

/** Stable JSON: keys in insertion order as built by the stages, one record per line. */
export function toJsonl(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}

/** toJsonl's text in parts of about `partChars` characters each (whole lines), for rounds too large for one string. */
export function jsonlParts(records: readonly unknown[], partChars = 1 << 24): string[] {
  const parts: string[] = [];
  let lines: string[] = [];
  let size = 0;
  for (const r of records) {
    const line = JSON.stringify(r);
    lines.push(line);
    size += line.length + 1;
    if (size >= partChars) {
      parts.push(lines.join('\n') + '\n');
      lines = [];
      size = 0;
    }
  }
  if (lines.length) parts.push(lines.join('\n') + '\n');
  return parts;
}

export function writeJsonl(path: string, records: readonly unknown[]): void {
  writeAtomic(path, jsonlParts(records));
}

export function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  return jsonlRecords(readTextFile(path), path, schema);
}

/** A text file's contents; a file that cannot be read is an InputError naming it. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Every non-blank line of a JSONL text held to `schema`; the first bad line is an InputError naming it. */
export function jsonlRecords<T>(text: string, path: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  for (const { value, line } of jsonlValues(text, path)) out.push(checkRecord(schema, value, path, `line ${line}`));
  return out;
}

/** `value` held to `schema`; a mismatch is an InputError naming the file, the place and the first field at fault. */
export function checkRecord<T>(schema: z.ZodType<T>, value: unknown, file: string, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(file, `${issue.path.join('.') || 'record'}: ${issue.message}`, where);
  }
  return parsed.data;
}

/**
 * The parsed value of each non-blank line of a JSONL text with its 1-based line number, one at a time, so a
 * caller checking each value reports the first bad line whichever way it is bad.
 */
export function* jsonlValues(text: string, file: string): Generator<{ value: unknown; line: number }> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(file, 'expected one JSON object per line', `line ${i + 1}`);
    }
    yield { value, line: i + 1 };
  }
}

export function readJson<T>(path: string, schema: z.ZodType<T>): T {
  return readJsonWithText(path, schema).value;
}

/** A JSON file checked against its schema, with its text (model files hash it into their version). */
export function readJsonWithText<T>(path: string, schema: z.ZodType<T>): { value: T; text: string } {
  const text = readTextFile(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `invalid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(path, `${issue.path.join('.') || 'document'}: ${issue.message}`);
  }
  return { value: parsed.data, text };
}
