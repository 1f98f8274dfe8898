// The TF-IDF side of lsa: vocabulary of content words and character n-grams, document frequencies, and
// sublinear TF-IDF rows. N-grams are keyed by numbers (UTF-16 codes packed into a double) rather than strings:
// 20,000 comments yield ~5 M n-gram occurrences, and string keys made this the slowest part of fitting.
import { NumberKeyMap } from '../core/number-key-map.ts';
import type { Csr } from './linalg.ts';

export interface FeatureSettings {
  char_ngrams: [number, number];
  word_weight: number;
  min_df: number;
  min_df_from_docs: number;
  max_features: number;
}

/** One document's features before the vocabulary is known: content words and n-gram keys, repeats kept. */
export interface RawDoc {
  words: string[];
  grams: number[];
}

/** A sparse TF-IDF row, indices ascending. */
export interface SparseRow {
  indices: Int32Array;
  values: Float64Array;
}

const HIRAGANA = 2;
const LETTER = 1;
/** Per UTF-16 code: 0 = not part of n-grams (punctuation, symbols, spaces, lone surrogates), 1 letter/digit/ー, 2 hiragana. */
const CHAR_CLASS = (() => {
  const table = new Uint8Array(65536);
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCharCode(c);
    if (c >= 0x3041 && c <= 0x309f) table[c] = HIRAGANA;
    else if (/[\p{L}\p{N}]/u.test(ch) || ch === 'ー') table[c] = LETTER;
  }
  return table;
})();

const TAG = 2 ** 48;

/**
 * Keys of the character n-grams (lo ≤ n ≤ hi ≤ 3) made only of letters and digits and not only of hiragana:
 * grams with punctuation (る。) or pure kana (ます, ての) mark grammar, not topic, and were a third of all grams.
 * Content words cover the kana-written vocabulary.
 */
export function charGramKeys(text: string, lo: number, hi: number, out: number[] = []): number[] {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let code = 0;
    let allHiragana = true;
    for (let k = 0; k < hi && i + k < n; k++) {
      const c = text.charCodeAt(i + k);
      const cls = CHAR_CLASS[c];
      if (cls === 0) break;
      if (cls !== HIRAGANA) allHiragana = false;
      code = code * 65536 + c;
      const len = k + 1;
      if (len >= lo && !allHiragana) out.push(len * TAG + code);
    }
  }
  return out;
}

export class Vocabulary {
  private constructor(
    private readonly wordIndex: Map<string, number>,
    private readonly gramIndex: NumberKeyMap,
    readonly idf: Float64Array,
    private readonly wordWeight: number,
  ) {}

  get size(): number {
    return this.idf.length;
  }

  /** Index boundary: [0, wordCount) are content words, the rest n-grams. */
  get wordCount(): number {
    return this.wordIndex.size;
  }

  /**
   * Vocabulary, IDF and the TF-IDF rows of the fitting corpus (in input order), as one CSR matrix. Documents are
   * read one at a time and only their distinct feature ids and counts are kept, in chunked arrays for the whole
   * corpus: a 100,000-comment round made 400 MB of n-gram key lists and six small typed arrays per comment when
   * they were all kept, and the collector copied every one of them (its pauses grew faster than the corpus).
   */
  static fit(docs: Iterable<RawDoc>, s: FeatureSettings): { vocab: Vocabulary; rows: Csr } {
    const wordIds = new Map<string, number>();
    const gramIds = new NumberKeyMap();
    const wordKeys: string[] = [];
    const gramKeys: number[] = [];
    const wordDf: number[] = [];
    const gramDf: number[] = [];
    // Per document: its distinct word ids then its distinct gram ids, each ascending, with their counts.
    const counts = new IdCounts();
    const wordEnd: number[] = []; // where each document's gram ids begin in counts
    const docEnd: number[] = []; // where each document ends in counts
    let longest = 0; // the most distinct features of one document
    for (const d of docs) {
      const start = counts.used;
      countIds(d.words, wordIds, wordKeys, wordDf, counts);
      wordEnd.push(counts.used);
      countIds(d.grams, gramIds, gramKeys, gramDf, counts);
      docEnd.push(counts.used);
      longest = Math.max(longest, counts.used - start);
    }
    const n = docEnd.length;

    const minDf = n >= s.min_df_from_docs ? s.min_df : 1;
    let words = wordKeys.map((_, id) => id).filter((id) => wordDf[id] >= minDf);
    let grams = gramKeys.map((_, id) => id).filter((id) => gramDf[id] >= minDf);
    if (words.length + grams.length > s.max_features) {
      // Keep the most frequent features; ties go to words, then to key order, so the cut is deterministic.
      const all = [...words.map((id) => ({ word: true, id })), ...grams.map((id) => ({ word: false, id }))];
      all.sort((a, b) => {
        const da = a.word ? wordDf[a.id] : gramDf[a.id];
        const db = b.word ? wordDf[b.id] : gramDf[b.id];
        if (da !== db) return db - da;
        if (a.word !== b.word) return a.word ? -1 : 1;
        return a.word ? compareStrings(wordKeys[a.id], wordKeys[b.id]) : gramKeys[a.id] - gramKeys[b.id];
      });
      const kept = all.slice(0, s.max_features);
      words = kept.filter((k) => k.word).map((k) => k.id);
      grams = kept.filter((k) => !k.word).map((k) => k.id);
    }
    words.sort((a, b) => compareStrings(wordKeys[a], wordKeys[b]));
    grams.sort((a, b) => gramKeys[a] - gramKeys[b]);

    const idf = new Float64Array(words.length + grams.length);
    const wordRemap = new Int32Array(wordKeys.length).fill(-1);
    const gramRemap = new Int32Array(gramKeys.length).fill(-1);
    const wordIndex = new Map<string, number>();
    const gramIndex = new NumberKeyMap();
    words.forEach((id, i) => {
      wordRemap[id] = i;
      wordIndex.set(wordKeys[id], i);
      idf[i] = smoothIdf(n, wordDf[id]);
    });
    grams.forEach((id, j) => {
      const i = words.length + j;
      gramRemap[id] = i;
      gramIndex.set(gramKeys[id], i);
      idf[i] = smoothIdf(n, gramDf[id]);
    });
    const vocab = new Vocabulary(wordIndex, gramIndex, idf, s.word_weight);
    const indptr = new Int32Array(n + 1);
    const indices = new Int32Array(counts.used);
    const values = new Float64Array(counts.used);
    // One document's kept features, in scratch arrays as long as the longest document.
    const docIndices = new Int32Array(longest);
    const docTfs = new Int32Array(longest);
    for (let doc = 0, start = 0; doc < n; start = docEnd[doc++]) {
      let kept = 0;
      for (let k = start; k < docEnd[doc]; k++) {
        const i = k < wordEnd[doc] ? wordRemap[counts.id(k)] : gramRemap[counts.id(k)];
        if (i >= 0) (docIndices[kept] = i), (docTfs[kept++] = counts.tf(k));
      }
      vocab.weighInto(docIndices, docTfs, kept, indices, values, indptr[doc]);
      indptr[doc + 1] = indptr[doc] + kept;
    }
    // Views, not copies: features under min_df leave the arrays' tails unused, and the matrix lives only while fitting.
    const nnz = indptr[n];
    return { vocab, rows: { rows: n, cols: vocab.size, indptr, indices: indices.subarray(0, nnz), values: values.subarray(0, nnz) } };
  }

  /** TF-IDF row of a new document (features outside the vocabulary are ignored). */
  row(doc: RawDoc): SparseRow {
    const tf = new Map<number, number>();
    for (const w of doc.words) {
      const i = this.wordIndex.get(w);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    for (const g of doc.grams) {
      const i = this.gramIndex.get(g);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const out: SparseRow = { indices: new Int32Array(tf.size), values: new Float64Array(tf.size) };
    this.weighInto([...tf.keys()], [...tf.values()], tf.size, out.indices, out.values, 0);
    return out;
  }

  /**
   * Sublinear TF × IDF of one document (the first `count` indices and counts), sorted by index, written to
   * `count` entries from `at`; word and n-gram blocks each scaled to their share of a unit norm.
   */
  weighInto(indices: ArrayLike<number>, tfs: ArrayLike<number>, count: number, outIndices: Int32Array, outValues: Float64Array, at: number): void {
    // Sort (index, position) pairs packed into one number: a typed-array sort, no comparator calls.
    const packed = new Float64Array(count);
    for (let k = 0; k < count; k++) packed[k] = indices[k] * PACK + k;
    packed.sort();
    let wordNorm = 0;
    let gramNorm = 0;
    const wordCount = this.wordCount;
    for (let p = 0; p < packed.length; p++) {
      const k = packed[p] % PACK;
      const i = indices[k];
      const v = (1 + Math.log(tfs[k])) * this.idf[i];
      outIndices[at + p] = i;
      outValues[at + p] = v;
      if (i < wordCount) wordNorm += v * v;
      else gramNorm += v * v;
    }
    const wScale = wordNorm > 0 ? Math.sqrt(this.wordWeight / wordNorm) : 0;
    const gScale = gramNorm > 0 ? Math.sqrt((1 - this.wordWeight) / gramNorm) : 0;
    for (let p = at; p < at + count; p++) outValues[p] *= outIndices[p] < wordCount ? wScale : gScale;
  }
}

/** What countIds needs of a map from keys to ids: a Map, or NumberKeyMap for the n-gram keys. */
interface IdMap<K> {
  get(key: K): number | undefined;
  set(key: K, id: number): unknown;
}

/** indices < 2³¹ and positions < 2²¹ pack exactly into a double. */
const PACK = 2 ** 21;

function smoothIdf(n: number, df: number): number {
  return Math.log((1 + n) / (1 + df)) + 1;
}

/**
 * Distinct feature ids and their counts, document after document, in fixed-size chunks that are never copied.
 * (One array grown by doubling was copied, and a fresh one faulted in page by page, at every step: ~200 ms of the
 * features step of a 20,000-comment fit, and 1.5 times the final size while a copy was made.)
 */
class IdCounts {
  private readonly idChunks: Int32Array[] = [];
  private readonly tfChunks: Int32Array[] = [];
  used = 0;

  push(id: number): void {
    const c = this.used >>> CHUNK_BITS;
    if (c === this.idChunks.length) {
      this.idChunks.push(new Int32Array(CHUNK));
      this.tfChunks.push(new Int32Array(CHUNK));
    }
    const at = this.used & CHUNK_MASK;
    this.idChunks[c][at] = id;
    this.tfChunks[c][at] = 1;
    this.used++;
  }

  /** Counts one more occurrence of the id pushed last. */
  bumpLast(): void {
    const k = this.used - 1;
    this.tfChunks[k >>> CHUNK_BITS][k & CHUNK_MASK]++;
  }

  id(k: number): number {
    return this.idChunks[k >>> CHUNK_BITS][k & CHUNK_MASK];
  }

  tf(k: number): number {
    return this.tfChunks[k >>> CHUNK_BITS][k & CHUNK_MASK];
  }
}
const CHUNK_BITS = 18;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** Appends one document's distinct ids (assigned on first sight), ascending, with their counts; bumps document frequencies. */
function countIds<K>(keys: readonly K[], ids: IdMap<K>, keyList: K[], df: number[], out: IdCounts): void {
  const local = new Int32Array(keys.length);
  keys.forEach((key, k) => {
    let id = ids.get(key);
    if (id === undefined) {
      id = keyList.length;
      ids.set(key, id);
      keyList.push(key);
      df.push(0);
    }
    local[k] = id;
  });
  local.sort();
  for (let k = 0; k < local.length; k++) {
    if (k > 0 && local[k] === local[k - 1]) out.bumpLast();
    else {
      out.push(local[k]);
      df[local[k]]++;
    }
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
