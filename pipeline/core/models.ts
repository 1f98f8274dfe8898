// The one way to read a file of models/: a path relative to models/ is resolved against the package root (so any
// checkout works, spaces and Japanese in its path included, from any current directory), the file is checked
// against its zod schema (a bad edit is an InputError naming the file and the field), and read once per process.
// A user's own file (--rules my-rules.json) goes through the same reader and cache under its absolute path.
import { statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { sha256 } from './hash.ts';
import { readJsonWithText } from './io.ts';

/** The package's own folder (where package.json and models/ are), wherever it was installed or checked out. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MODELS_DIR = join(PACKAGE_ROOT, 'models');

/** A file of models/ by its path inside models/ ("labels/rules.json"); an absolute path is returned as given. */
export function modelPath(rel: string): string {
  return isAbsolute(rel) ? rel : join(MODELS_DIR, rel);
}

export interface ModelFile<T> {
  value: T;
  /** The file's text as read (versions hash it). */
  text: string;
  /** First 12 hex digits of the text's sha256. */
  hash: string;
  path: string;
}

// path → schema → file. Keyed by schema too: two readers of one file may check different parts of it.
const files = new Map<string, Map<z.ZodType<unknown>, ModelFile<unknown>>>();
// A user's file may be edited while the process lives (a test, a library caller tuning rules): it is read again
// when its size or mtime changed. models/ itself is part of the installed package and is not stat'ed each time.
const stamps = new Map<string, string>();

function stamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
// ModelFile → derive function → what it built (compiled patterns, lookup tables), so that is built once too.
const derived = new WeakMap<ModelFile<unknown>, Map<(m: never) => unknown, unknown>>();

/**
 * Reads, checks and caches a model file: `rel` inside models/, or an absolute path (a user's file: the caller
 * resolves it, against the cwd or a config file, as its flag says).
 */
export function readModelFile<T>(rel: string, schema: z.ZodType<T>): ModelFile<T> {
  const path = modelPath(rel);
  if (!path.startsWith(MODELS_DIR + sep)) {
    const now = stamp(path);
    if (stamps.get(path) !== now) files.delete(path);
    stamps.set(path, now);
  }
  let bySchema = files.get(path);
  if (!bySchema) files.set(path, (bySchema = new Map()));
  const hit = bySchema.get(schema as z.ZodType<unknown>);
  if (hit) return hit as ModelFile<T>;
  const { value, text } = readJsonWithText(path, schema);
  const file: ModelFile<T> = { value, text, hash: sha256(text).slice(0, 12), path };
  bySchema.set(schema as z.ZodType<unknown>, file as ModelFile<unknown>);
  return file;
}

/** The checked value of a model file (see readModelFile). */
export function readModel<T>(rel: string, schema: z.ZodType<T>): T {
  return readModelFile(rel, schema).value;
}

/**
 * What `build` makes of a model file (regular expressions, lookup maps), built once per file: `build` must be a
 * module-level function, as it is part of the cache key.
 */
export function deriveModel<T, R>(rel: string, schema: z.ZodType<T>, build: (file: ModelFile<T>) => R): R {
  const file = readModelFile(rel, schema);
  let byBuild = derived.get(file as ModelFile<unknown>);
  if (!byBuild) derived.set(file as ModelFile<unknown>, (byBuild = new Map()));
  if (byBuild.has(build as (m: never) => unknown)) return byBuild.get(build as (m: never) => unknown) as R;
  const out = build(file);
  byBuild.set(build as (m: never) => unknown, out);
  return out;
}
