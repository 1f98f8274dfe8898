// File boundaries: every write goes to a temp file first and is renamed, so a failed run leaves nothing half-written.
import { mkdirSync, readFileSync, renameSync, existsSync, rmSync, openSync, writeSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { z } from 'zod';
import { InputError } from './errors.ts';

/**
 * Writes a file and flushes it to the disk before returning: a rename that publishes it must never be able to
 * reach the disk before its contents (after a power cut, a complete-looking run with empty files).
 */
export function writeDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
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

export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeDurable(tmp, data);
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

export function writeJsonl(path: string, records: readonly unknown[]): void {
  writeAtomic(path, toJsonl(records));
}

export function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const out: T[] = [];
  for (const { value, line } of jsonlValues(text, path)) {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(path, `${issue.path.join('.') || 'record'}: ${issue.message}`, `line ${line}`);
    }
    out.push(parsed.data);
  }
  return out;
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
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
