// The inflated dictionary copy (pipeline/tokenize/dictionary-cache.ts): same bytes as the .gz files, renamed into
// place whole, renamed when the dictionary changes, and never needed: an unwritable place falls back to inflating.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dictionaryCacheDir, dictionaryReader, readTables, writeDictionaryCache, writeTables } from '../pipeline/tokenize/dictionary-cache.ts';

const root = mkdtempSync(join(tmpdir(), 'pubcom-dict-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const saved = process.env.PUBCOM_CACHE_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.PUBCOM_CACHE_DIR;
  else process.env.PUBCOM_CACHE_DIR = saved;
});

/** A dictionary folder shaped like kuromoji's: .gz files whose inflated bytes we know. */
function fakeDictionary(name: string, files: Record<string, string>): string {
  const dir = join(root, name, 'dict');
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, `${file}.gz`), gzipSync(Buffer.from(text)));
  return dir;
}

const text = (b: ArrayBuffer) => Buffer.from(b).toString();

describe('inflated dictionary cache', () => {
  it('writes every .gz inflated, and later reads come from the copy', async () => {
    const dict = fakeDictionary('a', { 'base.dat': 'BASE'.repeat(1000), 'cc.dat': 'costs' });
    process.env.PUBCOM_CACHE_DIR = join(root, 'cache-a');
    const first = dictionaryReader(dict, '0.1.2');
    expect(first.source).toBe('cache');
    const dir = dictionaryCacheDir(dict, '0.1.2');
    expect(readdirSync(dir).sort()).toEqual(['base.dat', 'cc.dat']);
    expect(readFileSync(join(dir, 'cc.dat'), 'utf8')).toBe('costs');
    // No temporary folder is left beside the finished copy.
    expect(readdirSync(join(root, 'cache-a'))).toEqual([dir.split('/').pop()]);
    // The copy is what is read: change it and the reader returns the change.
    writeFileSync(join(dir, 'cc.dat'), 'copy');
    expect(text(await dictionaryReader(dict, '0.1.2').read(join(dict, 'cc.dat.gz')))).toBe('copy');
  });

  it('names the copy after the package version and the .gz sizes, so a changed dictionary gets a new one', () => {
    const dict = fakeDictionary('b', { 'base.dat': 'one' });
    process.env.PUBCOM_CACHE_DIR = join(root, 'cache-b');
    const before = dictionaryCacheDir(dict, '0.1.2');
    expect(dictionaryCacheDir(dict, '0.1.3')).not.toBe(before);
    writeFileSync(join(dict, 'base.dat.gz'), gzipSync(Buffer.from('a longer dictionary than before')));
    expect(dictionaryCacheDir(dict, '0.1.2')).not.toBe(before);
  });

  it('an empty PUBCOM_CACHE_DIR means the default place, not the current directory', () => {
    const dict = fakeDictionary('e', { 'base.dat': 'one' });
    process.env.PUBCOM_CACHE_DIR = '';
    const dir = dictionaryCacheDir(dict, '0.1.2');
    expect(dir.startsWith(join(dirname(dirname(dict)), '.cache', 'pubcom-lens'))).toBe(true);
  });

  it('inflates in memory when the copy cannot be written, with the same bytes', async () => {
    const dict = fakeDictionary('c', { 'tid.dat': 'ids'.repeat(500) });
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a folder');
    process.env.PUBCOM_CACHE_DIR = join(blocker, 'cache');
    const reader = dictionaryReader(dict, '0.1.2');
    expect(reader.source).toBe('gzip');
    expect(text(await reader.read(join(dict, 'tid.dat.gz')))).toBe('ids'.repeat(500));
    expect(writeDictionaryCache(dict, join(blocker, 'cache', 'x'))).toBe(false);
  });

  it('reads the original when a file of the copy has gone', async () => {
    const dict = fakeDictionary('d', { 'unk.dat': 'unknown words' });
    process.env.PUBCOM_CACHE_DIR = join(root, 'cache-d');
    const reader = dictionaryReader(dict, '0.1.2');
    rmSync(join(dictionaryCacheDir(dict, '0.1.2'), 'unk.dat'));
    expect(text(await reader.read(join(dict, 'unk.dat.gz')))).toBe('unknown words');
  });

  it('keeps derived int32 tables beside the copy and reads back exactly them; a damaged or foreign file is ignored', () => {
    const dir = join(root, 'tables');
    mkdirSync(dir, { recursive: true });
    const tables = [Int32Array.from([1, -2, 3]), new Int32Array(0), Int32Array.from([2 ** 31 - 1, -(2 ** 31)])];
    writeTables(dir, 't.bin', tables);
    expect(readTables(dir, 't.bin', 3)?.map((t) => [...t])).toEqual(tables.map((t) => [...t]));
    expect(readTables(dir, 't.bin', 2)).toBeNull();
    writeFileSync(join(dir, 't.bin'), readFileSync(join(dir, 't.bin')).subarray(0, 20));
    expect(readTables(dir, 't.bin', 3)).toBeNull();
    expect(readTables(null, 't.bin', 3)).toBeNull();
    expect(readTables(dir, 'missing.bin', 3)).toBeNull();
  });
});
