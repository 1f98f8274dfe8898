// kuromoji's IPADIC behind a memoised dictionary load, analysed by lattice.ts (kuromoji's own tokens), with a
// per-segment cache.
import { openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import kuromoji from 'kuromoji';
import type { TokenPart } from '../core/schema.ts';
import { dictionaryReader, readTables, writeTables } from './dictionary-cache.ts';

/** The lattice's derived tables beside the inflated dictionary; the name changes whenever their layout does. */
const LATTICE_TABLES = 'lattice-tables-v1.bin';
import { Lattice, type KuromojiInternals, type TargetMap } from './lattice.ts';

const require = createRequire(import.meta.url);
const KUROMOJI_ROOT = dirname(require.resolve('kuromoji/package.json'));
const DICT_DIR = join(KUROMOJI_ROOT, 'dict');

type KuromojiTokenizer = kuromoji.Tokenizer<kuromoji.IpadicFeatures>;

interface Loaded {
  tokenizer: KuromojiTokenizer;
  lattice: Lattice;
}

let dictionary: Promise<Loaded> | null = null;

/** The IPADIC dictionary takes ~0.4 s and ~150 MB to load (from its inflated copy), so every tokenizer in the process shares one. */
function loadDictionary(): Promise<Loaded> {
  dictionary ??= buildKuromojiFromCache().then(({ tokenizer, targets, cacheDir }) => {
    speedUpPrefixSearch(tokenizer);
    memoiseFeatures(tokenizer);
    const kept = readTables(cacheDir, LATTICE_TABLES, 3);
    const prebuilt = kept ? { trie: kept[0], firstNode: kept[1], words: kept[2] } : null;
    const lattice = new Lattice(tokenizer as unknown as KuromojiInternals, targets, prebuilt);
    if (!prebuilt) {
      const t = lattice.tables();
      writeTables(cacheDir, LATTICE_TABLES, [t.trie, t.firstNode, t.words]);
    }
    return { tokenizer, lattice };
  });
  dictionary.catch(() => (dictionary = null));
  return dictionary;
}

/** kuromoji itself (with the two exact speed-ups below), on the shared dictionary. */
export function loadKuromoji(): Promise<KuromojiTokenizer> {
  return loadDictionary().then((d) => d.tokenizer);
}

/** The analyser the pipeline uses: kuromoji's analysis redone over typed arrays (lattice.ts), the same tokens. */
export function loadLattice(): Promise<Lattice> {
  return loadDictionary().then((d) => d.lattice);
}

/** A kuromoji tokenizer exactly as the package ships it (tests compare our output against it). */
export function buildKuromoji(): Promise<KuromojiTokenizer> {
  return new Promise<KuromojiTokenizer>((resolve, reject) => {
    kuromoji.builder({ dicPath: DICT_DIR }).build((err, tokenizer) => {
      if (err) reject(new Error(`cannot load the kuromoji dictionary from ${DICT_DIR}: ${String(err)}`));
      else resolve(tokenizer);
    });
  });
}

interface KuromojiLoader {
  loadArrayBuffer(file: string, callback: (err: unknown, buffer?: ArrayBuffer) => void): void;
  load(callback: (err: unknown, dictionaries: unknown) => void): void;
}

/**
 * unk_invoke.dat without its padding. The shipped file holds 11 character classes (152 bytes) and then a megabyte
 * of zeros, which kuromoji reads as 150,000 more classes without a name (0.1 s of every run's start). No character
 * maps to them (unk_char.dat names classes 0–10) and the lattice reads only named classes' flags, so the classes
 * up to the first unnamed one are the dictionary's classes; a file without that padding is returned as it is.
 */
export function namedClasses(buffer: ArrayBuffer): ArrayBuffer {
  const bytes = new Uint8Array(buffer);
  // An entry: is_always_invoke (1 byte), is_grouping (1), max_length (4), the name's UTF-8 bytes and a 0.
  for (let at = 0; at + 1 < bytes.length; ) {
    const name = at + 6;
    if (name >= bytes.length || bytes[name] === 0) return buffer.slice(0, at);
    let end = name;
    while (end < bytes.length && bytes[end] !== 0) end++;
    at = end + 1;
  }
  return buffer;
}

/** The same tokenizer as buildKuromoji, its dictionary read through the inflated copy (dictionary-cache.ts). */
function buildKuromojiFromCache(): Promise<{ tokenizer: KuromojiTokenizer; targets: TargetMap; cacheDir: string | null }> {
  const Loader = require(join(KUROMOJI_ROOT, 'src/loader/NodeDictionaryLoader.js')) as new (dir: string) => KuromojiLoader;
  const Tokenizer = require(join(KUROMOJI_ROOT, 'src/Tokenizer.js')) as new (dictionaries: unknown) => KuromojiTokenizer;
  const { version } = require('kuromoji/package.json') as { version: string };
  const reader = dictionaryReader(DICT_DIR, version);
  const loader = new Loader(DICT_DIR);
  let targetMap: ArrayBuffer | null = null;
  // Feature strings are read where a word needs them (FeatureFile), when the inflated copy is there to read from.
  const features = reader.dir === null ? null : FeatureFile.open(join(reader.dir, 'tid_pos.dat'));
  loader.loadArrayBuffer = (file, callback) => {
    if (features && basename(file) === 'tid_pos.dat.gz') return callback(null, new ArrayBuffer(0));
    reader.read(file).then((buffer) => {
      if (basename(file) === 'unk_invoke.dat.gz') return callback(null, namedClasses(buffer));
      if (basename(file) !== 'tid_map.dat.gz') return callback(null, buffer);
      targetMap = buffer;
      callback(null, new ArrayBuffer(4)); // a map of no keys: kuromoji's own reading is replaced below
    }, (err: unknown) => callback(err));
  };
  return new Promise((resolve, reject) => {
    loader.load((err, dictionaries) => {
      if (err || !targetMap) return reject(new Error(`cannot load the kuromoji dictionary from ${DICT_DIR}: ${String(err)}`));
      const tokenizer = new Tokenizer(dictionaries);
      const dict = (tokenizer as unknown as { token_info_dictionary: { target_map: unknown; pos_buffer: unknown } }).token_info_dictionary;
      if (features) dict.pos_buffer = features;
      const targets = indexTargetMap(targetMap);
      dict.target_map = lazyTargetMap(targets);
      resolve({ tokenizer, targets, cacheDir: reader.dir });
    });
  });
}

/**
 * tid_pos.dat holds every word's feature string (POS, base form, reading), 36 MB of which a run reads a few
 * thousand: kuromoji asks for one by byte offset (`pos_buffer.getString(offset)`, up to a NUL), so this answers
 * from the inflated file with a positional read instead of holding the whole file in memory. The descriptor stays
 * open for the process, like the dictionary itself.
 */
class FeatureFile {
  private static readonly decoder = new TextDecoder('utf-8');
  private constructor(private readonly fd: number) {}

  static open(path: string): FeatureFile | null {
    try {
      return new FeatureFile(openSync(path, 'r'));
    } catch {
      return null; // the copy is incomplete: kuromoji reads the file whole, as without a copy
    }
  }

  getString(offset: number): string {
    for (let size = 256; ; size *= 4) {
      const bytes = Buffer.allocUnsafe(size);
      const n = readSync(this.fd, bytes, 0, size, offset);
      const end = bytes.subarray(0, n).indexOf(0);
      if (end >= 0 || n < size) return FeatureFile.decoder.decode(bytes.subarray(0, end >= 0 ? end : n));
    }
  }
}

/**
 * kuromoji reads tid_map.dat (trie id → word ids) into an object of 390,000 small arrays at load, a fifth of the
 * dictionary's load time and most of its garbage; a run looks up a few thousand of them. The file's own ints
 * answer the same lookups with an index of where each key's list starts.
 * The file is little-endian int32s: key count, then per key: key, value count, values.
 */
function indexTargetMap(buffer: ArrayBuffer): TargetMap {
  const ints = new Int32Array(buffer, 0, buffer.byteLength >> 2); // little-endian, as lattice.ts checks
  let maxKey = -1;
  for (let i = 1; i + 1 < ints.length; i += 2 + ints[i + 1]) maxKey = Math.max(maxKey, ints[i]);
  const listAt = new Int32Array(maxKey + 1).fill(-1);
  for (let i = 1; i + 1 < ints.length; i += 2 + ints[i + 1]) listAt[ints[i]] = i + 1;
  return { ints, listAt };
}

/** kuromoji's target_map object over the index: a key's list decoded on first use (the fallback path uses it). */
function lazyTargetMap({ ints, listAt }: TargetMap): Record<number, number[] | undefined> {
  const decoded = new Map<number, number[]>();
  const get = (key: number): number[] | undefined => {
    const at = Number.isInteger(key) && key >= 0 && key < listAt.length ? listAt[key] : -1;
    if (at < 0) return undefined;
    let list = decoded.get(key);
    if (!list) decoded.set(key, (list = Array.from(ints.subarray(at + 1, at + 1 + ints[at]))));
    return list;
  };
  return new Proxy({}, { get: (_target, prop) => (typeof prop === 'string' ? get(Number(prop)) : undefined) });
}

/**
 * kuromoji decodes a word's feature string (POS, base form, reading) from UTF-8 bytes every time the word occurs;
 * the string for a word id never changes, so decoding it once is enough.
 */
function memoiseFeatures(tokenizer: KuromojiTokenizer): void {
  type Dictionary = { getFeatures?: (id: string) => string };
  const dict = (tokenizer as unknown as { token_info_dictionary?: Dictionary }).token_info_dictionary;
  const original = dict?.getFeatures;
  if (!dict || typeof original !== 'function') return;
  const memo = new Map<string, string>();
  dict.getFeatures = (id: string) => {
    let features = memo.get(id);
    if (features === undefined) {
      features = original.call(dict, id);
      memo.set(id, features);
    }
    return features;
  };
}

interface DoubleArrayTrie {
  bc: { getBase(i: number): number; getCheck(i: number): number };
  commonPrefixSearch(key: string): { k: string; v?: number }[];
}

/**
 * kuromoji looks up dictionary words by converting the whole rest of the sentence to UTF-8 at every character
 * and copying a byte array for every match (doublearray's commonPrefixSearch): a third of its time on the seed.
 * This replacement walks the same double-array trie one character at a time and stops where the trie does, so
 * it returns the same matches in the same order (test/tokenize.test.ts compares against unpatched kuromoji).
 */
function speedUpPrefixSearch(tokenizer: KuromojiTokenizer): void {
  const trie = (tokenizer as unknown as { viterbi_builder?: { trie?: DoubleArrayTrie } }).viterbi_builder?.trie;
  if (!trie || typeof trie.bc?.getBase !== 'function') return; // another kuromoji layout: keep its own search
  const bc = trie.bc;
  const step = (parent: number, byte: number): number => {
    const child = bc.getBase(parent) + byte;
    return bc.getCheck(child) === parent ? child : -1;
  };
  trie.commonPrefixSearch = (key: string) => {
    const result: { k: string; v?: number }[] = [];
    let node = 0;
    let i = 0;
    while (i < key.length) {
      let cp = key.charCodeAt(i++);
      if (cp >= 0xd800 && cp <= 0xdbff) {
        const low = key.charCodeAt(i++);
        if (!(low >= 0xdc00 && low <= 0xdfff)) return result;
        cp = (cp - 0xd800) * 1024 + 0x10000 + (low - 0xdc00);
      }
      if (cp < 0x80) node = step(node, cp);
      else if (cp < 0x800) {
        node = step(node, (cp >>> 6) | 0xc0);
        if (node >= 0) node = step(node, (cp & 0x3f) | 0x80);
      } else if (cp < 0x10000) {
        node = step(node, (cp >>> 12) | 0xe0);
        if (node >= 0) node = step(node, ((cp >> 6) & 0x3f) | 0x80);
        if (node >= 0) node = step(node, (cp & 0x3f) | 0x80);
      } else {
        node = step(node, (cp >>> 18) | 0xf0);
        if (node >= 0) node = step(node, ((cp >> 12) & 0x3f) | 0x80);
        if (node >= 0) node = step(node, ((cp >> 6) & 0x3f) | 0x80);
        if (node >= 0) node = step(node, (cp & 0x3f) | 0x80);
      }
      if (node < 0) break;
      const leaf = step(node, 0);
      if (leaf >= 0) {
        const base = bc.getBase(leaf);
        const r: { k: string; v?: number } = { k: key.slice(0, i) };
        if (base <= 0) r.v = -base - 1;
        result.push(r);
      }
    }
    return result;
  };
}

/** A token relative to the start of its segment. */
interface SegmentToken {
  surface: string;
  base: string;
  pos: string;
  pos_detail: string;
  offset: number;
}

// kuromoji itself cuts its input after every 、 and 。 and analyses each piece on its own
// (Tokenizer.splitByPunctuation), so caching per piece returns exactly what kuromoji would.
const PUNCTUATION = /[、。]/g;
const CACHE_LIMIT = 200_000;
/**
 * kuromoji's lattice is superlinear in the length of a piece: a 10,000-character piece without 、 or 。 took 6 s, a
 * 50,000-character one over 3 minutes. Pieces longer than this are cut further (cutPiece), so the cost is linear
 * in the text; ordinary sentences are far shorter and tokenize exactly as before.
 */
export const MAX_PIECE = 256;
/** Where a long piece is cut, best first: after a sentence end or a line break, then after a space. */
const SENTENCE_END = /[！？!?\n\r]/;
const SPACE = /[\s\u3000]/;

export class CachedKuromoji {
  private readonly cache = new Map<string, SegmentToken[]>();
  readonly stats = { hits: 0, misses: 0 };

  /** `cacheLimit` 0 analyses every segment afresh (benchmarks measure the analysis itself that way). */
  constructor(
    private readonly lattice: Lattice,
    private readonly cacheLimit = CACHE_LIMIT,
  ) {}

  clearCache(): void {
    this.cache.clear();
    this.stats.hits = this.stats.misses = 0;
  }

  /** Plain kuromoji tokens of `text`, with offsets into `text` counted from `origin`. */
  tokenize(text: string, origin = 0): TokenPart[] {
    const out: TokenPart[] = [];
    let from = 0;
    PUNCTUATION.lastIndex = 0;
    for (;;) {
      const m = PUNCTUATION.exec(text);
      const to = m ? m.index + 1 : text.length;
      for (let at = from; at < to; ) {
        const end = cutPiece(text, at, to);
        this.pushSegment(text.slice(at, end), origin + at, out);
        at = end;
      }
      if (!m) break;
      from = to;
    }
    return out;
  }

  private pushSegment(segment: string, start: number, out: TokenPart[]): void {
    let tokens = this.cache.get(segment);
    if (tokens) this.stats.hits++;
    else {
      this.stats.misses++;
      tokens = this.analyse(segment);
      // A bounded cache: clearing keeps memory flat on huge inputs and cannot change any output.
      if (this.cache.size >= this.cacheLimit) this.cache.clear();
      if (this.cacheLimit > 0) this.cache.set(segment, tokens);
    }
    for (const t of tokens) {
      const s = start + t.offset;
      out.push({ surface: t.surface, base: t.base, pos: t.pos, pos_detail: t.pos_detail, start: s, end: s + t.surface.length });
    }
  }

  private analyse(segment: string): SegmentToken[] {
    const out: SegmentToken[] = [];
    let offset = 0;
    // kuromoji throws on a lone surrogate and drops the characters after a run of paired ones (emoji, 𠮷): it
    // measures the run in UTF-16 units but moves on by characters. Every surrogate unit is analysed as U+FFFD, which
    // has the same length, and surfaces are cut from the original.
    const safe = segment.replace(SURROGATE, '\uFFFD');
    // Offsets are summed from surfaces: kuromoji's word_position drifts after a segment that ends in a multi-char token.
    for (const t of this.lattice.lean(safe)) {
      const surface = safe === segment ? t.surface_form : segment.slice(offset, offset + t.surface_form.length);
      const prev = out.at(-1);
      if (prev && isLowSurrogate(surface.charCodeAt(0)) && isHighSurrogate(prev.surface.charCodeAt(prev.surface.length - 1))) {
        // A token boundary inside a pair: the character stays whole, in the token before.
        prev.surface += surface;
        prev.base = prev.surface;
      } else {
        out.push({
          surface,
          base: t.basic_form && t.basic_form !== '*' && surface === t.surface_form ? t.basic_form : surface,
          pos: t.pos,
          pos_detail: t.pos_detail_1,
          offset,
        });
      }
      offset += surface.length;
    }
    if (offset !== segment.length) throw new Error(`kuromoji lost characters in ${JSON.stringify(segment)}`);
    return out;
  }
}

/**
 * The end of the piece of `text` that starts at `from` and runs at most to `to`: `to` itself when the piece is at
 * most MAX_PIECE long, else the last sentence end, else the last space, else the last change from hiragana to
 * another script (a particle before the next word) within MAX_PIECE characters, else MAX_PIECE characters on
 * (never inside a surrogate pair).
 */
export function cutPiece(text: string, from: number, to: number): number {
  if (to - from <= MAX_PIECE) return to;
  const limit = from + MAX_PIECE;
  let space = -1;
  let script = -1;
  for (let i = limit - 1; i > from; i--) {
    const ch = text[i - 1];
    if (SENTENCE_END.test(ch)) return i;
    if (space < 0 && SPACE.test(ch)) space = i;
    if (script < 0 && isHiragana(ch) && !isHiragana(text[i])) script = i;
  }
  if (space > from) return space;
  if (script > from) return script;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

function isHiragana(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '\u3041' && ch <= '\u309f';
}

const SURROGATE = /[\uD800-\uDFFF]/g;
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
