// kuromoji's IPADIC ships gzipped (17 MB of .gz, 100 MB inflated). Inflating it and copying the result took about
// 0.8 s of every run's 1.5 s dictionary load, more than a 10-row run spends on all its other work. The inflated
// files are therefore kept once, next to the package (node_modules/.cache, where build tools keep theirs), and read
// as they are on later runs. The cache is only a copy: when it cannot be written, the .gz files are inflated in memory.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeAtomic, writeContent } from '../core/io.ts';

/** Where the inflated copy of `dictDir` lives; `PUBCOM_CACHE_DIR` moves it (tests, read-only installs). */
export function dictionaryCacheDir(dictDir: string, packageVersion: string): string {
  const root = process.env.PUBCOM_CACHE_DIR || join(dirname(dirname(dictDir)), '.cache', 'pubcom-lens');
  // The .gz sizes name the copy, so a reinstalled or patched dictionary never reads a stale one.
  const sizes = readdirSync(dictDir)
    .filter((f) => f.endsWith('.gz'))
    .sort()
    .reduce((sum, f) => sum + statSync(join(dictDir, f)).size, 0);
  return join(root, `kuromoji-${packageVersion}-${sizes}`);
}

/** An ArrayBuffer holding exactly the bytes of `buffer`, without a copy where the buffer owns all of its memory. */
function ownArrayBuffer(buffer: Buffer): ArrayBuffer {
  const whole = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength;
  return (whole ? buffer.buffer : buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)) as ArrayBuffer;
}

function inflate(gzFile: string): Buffer {
  // One output chunk as large as the largest file (38 MB) spares zlib the concatenation of many small ones.
  return gunzipSync(readFileSync(gzFile), { chunkSize: 1 << 26 });
}

/**
 * Writes the inflated copy of every .gz in `dictDir` to `cacheDir`: into a private folder first, renamed into place
 * whole, so a reader sees either no cache or a complete one, also when two runs race.
 */
export function writeDictionaryCache(dictDir: string, cacheDir: string): boolean {
  const temp = `${cacheDir}.tmp-${process.pid}`;
  try {
    mkdirSync(temp, { recursive: true });
    for (const f of readdirSync(dictDir).filter((x) => x.endsWith('.gz'))) writeContent(join(temp, f.slice(0, -3)), inflate(join(dictDir, f)));
    renameSync(temp, cacheDir);
    return true;
  } catch {
    try {
      rmSync(temp, { recursive: true, force: true });
    } catch {
      // nothing was created (the place is not a folder): nothing to remove
    }
    return false;
  }
}

export interface DictionaryReader {
  /** Reads a dictionary file by the name kuromoji asks for (`…/base.dat.gz`), inflated. */
  read(gzFile: string): Promise<ArrayBuffer>;
  /** `cache` when the inflated copy is read, `gzip` when the .gz files are inflated in memory. */
  source: 'cache' | 'gzip';
  /** The folder of the inflated copy (also holds tables derived from it), or null without one. */
  dir: string | null;
}

export function dictionaryReader(dictDir: string, packageVersion: string): DictionaryReader {
  let cacheDir: string | null = null;
  try {
    cacheDir = dictionaryCacheDir(dictDir, packageVersion);
    let ready = statSync(cacheDir, { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (!ready) ready = writeDictionaryCache(dictDir, cacheDir) || (statSync(cacheDir, { throwIfNoEntry: false })?.isDirectory() ?? false);
    if (!ready) cacheDir = null;
  } catch {
    cacheDir = null;
  }
  if (cacheDir === null) return { source: 'gzip', dir: null, read: async (gzFile) => ownArrayBuffer(inflate(gzFile)) };
  const dir = cacheDir;
  return {
    source: 'cache',
    dir,
    read: async (gzFile) => {
      try {
        return ownArrayBuffer(await readFile(join(dir, basename(gzFile, '.gz'))));
      } catch {
        return ownArrayBuffer(inflate(gzFile)); // a copy removed under us: the original is still there
      }
    },
  };
}

/**
 * Int32 tables derived from the dictionary, kept beside its inflated copy: read back when `name` exists and holds
 * `count` tables, else null. Written like the copy (private file, then renamed), and only ever a copy.
 */
export function readTables(dir: string | null, name: string, count: number): Int32Array[] | null {
  if (dir === null) return null;
  try {
    const bytes = readFileSync(join(dir, name));
    if (bytes.byteOffset % 4 !== 0 || bytes.byteLength < 4 * (1 + count)) return null;
    const ints = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    if (ints[0] !== count) return null;
    const out: Int32Array[] = [];
    let at = 1 + count;
    for (let t = 0; t < count; t++) {
      const length = ints[1 + t];
      if (length < 0 || at + length > ints.length) return null;
      out.push(ints.subarray(at, at + length));
      at += length;
    }
    return at === ints.length ? out : null;
  } catch {
    return null;
  }
}

export function writeTables(dir: string | null, name: string, tables: readonly Int32Array[]): void {
  if (dir === null) return;
  const header = Int32Array.from([tables.length, ...tables.map((t) => t.length)]);
  try {
    writeAtomic(join(dir, name), [header, ...tables].map((t) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength)));
  } catch {
    // only a copy: the next run builds the tables again
  }
}
