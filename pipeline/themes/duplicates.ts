// Duplicate comments and reused answers. Mass-submission rounds contain thousands of identical comments: they are
// grouped by an exact key first (one hash per text), and only the distinct texts go through MinHash/LSH over
// character n-grams, with every candidate pair confirmed by its true Jaccard similarity.
import type { Item } from '../core/schema.ts';
import { NumberKeyMap } from '../core/number-key-map.ts';
import { UnionFind } from '../core/union-find.ts';

export interface DuplicateOptions {
  /** Character n-gram length of the shingles (Japanese has no spaces: characters, not words). */
  shingle?: number;
  /** Two texts are near-duplicates when the Jaccard similarity of their shingle sets is at least this. */
  jaccard?: number;
  /** LSH bands × rows = signature length. 24 × 5 proposes a pair at Jaccard 0.7 with probability 0.988. */
  bands?: number;
  rows?: number;
  seed?: number;
}

/** A candidate pair whose MinHash estimate is this far below the threshold is not verified (over 3 standard errors). */
const ESTIMATE_MARGIN = 0.15;

/** Per text and band: candidate comparisons before giving up on a crowded bucket. */
const COMPARISONS_PER_BUCKET = 32;

export const DUPLICATE_DEFAULTS = { shingle: 3, jaccard: 0.7, bands: 24, rows: 5, seed: 1 } as const;

/**
 * Responses are copied by officials verbatim or with a clause added, and short boilerplate answers that differ by
 * one word differ in meaning (ご意見として承ります / 賛同意見として承りました: 3-gram Jaccard 0.70–0.75), so
 * templates need a closer match than comments.
 */
export const TEMPLATE_JACCARD = 0.8;

export interface TextGroup {
  id: string;
  /** Items in the group (every copy counted). */
  count: number;
  /** Distinct texts after normalisation (1 = all exact copies). */
  distinct: number;
  /** Lowest Jaccard similarity among the pairs that joined the group (1 when all are exact copies). */
  min_jaccard: number;
  /** The group's most frequent text (first seen on ties), as the analysis copy. */
  text: string;
  /** Item ids in input order. */
  items: string[];
}

/**
 * The key exact duplicates share: NFKC, lower-case, without whitespace and punctuation, so copies that differ
 * only in spacing, full/half-width forms or a trailing 。 count as the same text.
 */
export function duplicateKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Every text's sorted distinct shingle hashes, packed in one array (text t holds data[offsets[t]..offsets[t+1]]).
 * One small typed array per text was one ArrayBuffer each: tens of thousands of external allocations whose
 * garbage collection grew faster than the round. A text shorter than one shingle is its own single shingle.
 */
interface ShingleSets {
  offsets: Int32Array;
  data: Uint32Array;
}

function shingleSets(keys: readonly string[], n: number): ShingleSets {
  let total = 0;
  let longest = 0;
  for (const key of keys) {
    const count = Math.max(1, key.length - n + 1);
    total += count;
    longest = Math.max(longest, count);
  }
  const offsets = new Int32Array(keys.length + 1);
  const data = new Uint32Array(total);
  // Hashes above 2³¹ would be boxed in a Set: sort a typed array and drop repeats instead.
  const scratch = new Uint32Array(longest);
  let w = 0;
  keys.forEach((key, t) => {
    offsets[t] = w;
    if (key.length <= n) {
      data[w++] = fnv1a(key, 0, key.length);
      return;
    }
    const count = key.length - n + 1;
    const all = scratch.subarray(0, count);
    for (let i = 0; i < count; i++) all[i] = murmurMix(fnv1a(key, i, i + n));
    all.sort();
    for (let r = 0; r < count; r++) if (r === 0 || all[r] !== all[r - 1]) data[w++] = all[r];
  });
  offsets[keys.length] = w;
  return { offsets, data };
}

function jaccard({ offsets, data }: ShingleSets, a: number, b: number): number {
  let i = offsets[a];
  let j = offsets[b];
  const aEnd = offsets[a + 1];
  const bEnd = offsets[b + 1];
  let inter = 0;
  while (i < aEnd && j < bEnd) {
    if (data[i] === data[j]) {
      inter++;
      i++;
      j++;
    } else if (data[i] < data[j]) i++;
    else j++;
  }
  const union = aEnd - offsets[a] + (bEnd - offsets[b]) - inter;
  return union ? inter / union : 1;
}

function murmurMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * One-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification (Shrivastava & Li 2014): each
 * shingle hash is placed in one of `sig.length` bins and each bin keeps its minimum, so a text costs one pass
 * over its shingles instead of one per hash function. Empty bins borrow the next non-empty bin's value (with an
 * offset per step), so short texts still get full signatures; identical sets always get identical signatures.
 */
function oneSignature(set: Uint32Array, sig: Uint32Array, filled: Uint8Array, seed: number): void {
  const k = sig.length;
  sig.fill(0xffffffff);
  filled.fill(0);
  for (const s of set) {
    const h = murmurMix((s ^ Math.imul(seed, 0x9e3779b1)) >>> 0);
    const bin = h % k;
    if (!filled[bin] || h < sig[bin]) sig[bin] = h;
    filled[bin] = 1;
  }
  for (let j = 0; j < k; j++) {
    if (filled[j]) continue;
    for (let step = 1; step < k; step++) {
      const from = (j + step) % k;
      if (filled[from]) {
        sig[j] = (sig[from] + Math.imul(step, 0x2545f491)) >>> 0;
        break;
      }
    }
  }
}

/**
 * Groups texts that are identical after `duplicateKey` or whose shingle sets have Jaccard ≥ `jaccard`
 * (single linkage: A~B and B~C put A, B, C in one group). Empty texts are never grouped. Only groups of two or
 * more items are returned, largest first (ties: first item's position); ids get `prefix` + a running number.
 */
export function groupTexts(ids: readonly string[], texts: readonly string[], prefix: string, opts: DuplicateOptions = {}): TextGroup[] {
  const o = { ...DUPLICATE_DEFAULTS, ...opts };
  const keyIndex = new Map<string, number>();
  const keys: string[] = [];
  const membersOf: number[][] = [];
  // Copies of a text (a mass round's campaign texts, a ministry's reused answers) are keyed once.
  const keyOfText = new Map<string, string>();
  texts.forEach((t, i) => {
    let key = keyOfText.get(t);
    if (key === undefined) keyOfText.set(t, (key = duplicateKey(t)));
    if (!key) return;
    let k = keyIndex.get(key);
    if (k === undefined) {
      k = keys.length;
      keyIndex.set(key, k);
      keys.push(key);
      membersOf.push([]);
    }
    membersOf[k].push(i);
  });

  const m = keys.length;
  const uf = new UnionFind(m);
  const minJ = new Float64Array(m).fill(1);
  const sets = shingleSets(keys, o.shingle);
  const nHash = o.bands * o.rows;
  const sigs = new Uint32Array(m * nHash);
  const filled = new Uint8Array(nHash);
  // Band keys are 52-bit, heap numbers: typed-array maps, not Map and Set.
  const buckets: NumberKeyMap[] = Array.from({ length: o.bands }, () => new NumberKeyMap());
  // Each bucket is a list of texts in the order they arrived, linked through typed arrays: one JS array per
  // bucket was a million small arrays at 60,000 texts (most buckets hold one text). Entry b·m + t is text t in
  // band b; a bucket's id is the entry that opened it.
  const next = new Int32Array(m * o.bands).fill(-1);
  const tail = new Int32Array(m * o.bands);
  // Skipping the members of t's own group one by one made a bucket shared by a large near-duplicate group cost
  // its size for every new member: quadratic in the group. `runEnd[e]` is the last entry of a run starting at e
  // whose texts all share e's group; groups only ever merge, so a run found once stays one run, and is jumped over.
  const runEnd = new Int32Array(m * o.bands);
  const endOfRun = (e: number, root: number, offset: number): number => {
    let last = runEnd[e];
    for (let f = next[last]; f !== -1 && uf.find(f - offset) === root; f = next[last]) last = runEnd[f];
    runEnd[e] = last;
    return last;
  };
  // The share of equal signature positions estimates the Jaccard similarity (standard error ≤ 0.05 at 120
  // positions): pairs estimated far below the threshold skip the exact computation.
  const estimateFloor = o.jaccard - ESTIMATE_MARGIN;
  const estimate = (a: number, b: number): number => {
    let same = 0;
    for (let h = 0; h < nHash; h++) if (sigs[a * nHash + h] === sigs[b * nHash + h]) same++;
    return same / nHash;
  };
  // Most candidates are rejected by the estimate, and reading two 480-byte signatures from a 48 MB table at
  // 100,000 texts was a cache miss per line: the comparisons slowed as the round grew. One byte of each position,
  // four to a word, is read first: positions equal in full are equal in their byte, so a pair whose bytes agree
  // too rarely fails the full estimate too, and is rejected without it (same pairs, same groups).
  const words = Math.ceil(nHash / 4);
  const padding = words * 4 - nHash;
  const bytes = new Uint8Array(m * words * 4);
  const packed = new Uint32Array(bytes.buffer);
  const mayReachFloor = (a: number, b: number): boolean => {
    let same = -padding;
    for (let w = 0; w < words; w++) {
      const x = packed[a * words + w] ^ packed[b * words + w];
      // One high bit per zero byte of x, without a borrow between bytes; then the four bits summed.
      const zeros = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      same += Math.imul((zeros >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    return same >= estimateFloor * nHash;
  };
  // A pair met again in a later band of t has the same estimate and Jaccard as before, and failed then (a pair
  // that joined is in one group and jumped over): it still counts toward the bucket's cap, as it always has,
  // but is not computed again. `testedWith[other] === t` marks the texts t has been compared with.
  const testedWith = new Int32Array(m).fill(-1);
  for (let t = 0; t < m; t++) {
    const sig = sigs.subarray(t * nHash, (t + 1) * nHash);
    oneSignature(sets.data.subarray(sets.offsets[t], sets.offsets[t + 1]), sig, filled, o.seed);
    for (let h = 0; h < nHash; h++) bytes[t * words * 4 + h] = sig[h];
    for (let b = 0; b < o.bands; b++) {
      // The band's values folded into one 52-bit number (a rare collision only adds a candidate, which is verified).
      let lo = 0x9e3779b9 ^ b;
      let hi = 0x85ebca6b;
      for (let r = 0; r < o.rows; r++) {
        const v = sig[b * o.rows + r];
        lo = murmurMix((lo ^ v) >>> 0);
        hi = murmurMix((hi + Math.imul(v, 0x27d4eb2f)) >>> 0);
      }
      const key = (hi & 0xfffff) * 4294967296 + lo;
      const entry = b * m + t;
      const opener = buckets[b].get(key);
      if (opener === undefined) {
        buckets[b].set(key, entry);
        tail[entry] = entry;
        runEnd[entry] = entry;
        continue;
      }
      // Texts already in t's group need no comparison: near-identical variants of a mass submission join the
      // first one and skip the rest. The cap bounds the work on buckets of many distinct, dissimilar texts.
      let compared = 0;
      const offset = b * m;
      for (let e = opener; e !== -1; e = next[e]) {
        const other = e - offset;
        const root = uf.find(t);
        if (uf.find(other) === root) {
          e = endOfRun(e, root, offset);
          continue;
        }
        if (compared++ >= COMPARISONS_PER_BUCKET) break;
        if (testedWith[other] === t) continue;
        testedWith[other] = t;
        if (!mayReachFloor(other, t) || estimate(other, t) < estimateFloor) continue;
        const j = jaccard(sets, other, t);
        if (j >= o.jaccard) {
          const low = Math.min(minJ[uf.find(other)], minJ[uf.find(t)], j);
          uf.union(other, t);
          minJ[uf.find(t)] = low;
        }
      }
      next[tail[opener]] = entry;
      tail[opener] = entry;
      runEnd[entry] = entry;
    }
  }

  const byRoot = new Map<number, number[]>();
  for (let t = 0; t < m; t++) {
    const r = uf.find(t);
    const list = byRoot.get(r);
    if (list) list.push(t);
    else byRoot.set(r, [t]);
  }
  const groups: { first: number; group: Omit<TextGroup, 'id'> }[] = [];
  for (const [root, keyList] of byRoot) {
    const members = keyList.flatMap((k) => membersOf[k]).sort((a, b) => a - b);
    if (members.length < 2) continue;
    let rep = keyList[0];
    for (const k of keyList) if (membersOf[k].length > membersOf[rep].length || (membersOf[k].length === membersOf[rep].length && membersOf[k][0] < membersOf[rep][0])) rep = k;
    groups.push({
      first: members[0],
      group: {
        count: members.length,
        distinct: keyList.length,
        min_jaccard: keyList.length === 1 ? 1 : Math.round(minJ[root] * 1e4) / 1e4,
        text: texts[membersOf[rep][0]],
        items: members.map((i) => ids[i]),
      },
    });
  }
  groups.sort((a, b) => b.group.count - a.group.count || a.first - b.first);
  const width = Math.max(3, String(groups.length).length);
  return groups.map((g, i) => ({ id: `${prefix}${String(i + 1).padStart(width, '0')}`, ...g.group }));
}

/** Exact and near-duplicate comments ("d001", …). */
export function findDuplicateComments(items: readonly Item[], opts: DuplicateOptions = {}): TextGroup[] {
  return groupTexts(
    items.map((i) => i.id),
    items.map((i) => i.comment),
    'd',
    opts,
  );
}

/**
 * Responses reused (verbatim or nearly) across items ("t001", …): boilerplate answers written again for other
 * comments. One merged answer cell shared by several comments (their `response_group`) is a shared answer, not
 * a template: a group whose items all belong to one response group is left out (it is reported as 共通回答).
 */
export function findResponseTemplates(items: readonly Item[], opts: DuplicateOptions = {}): TextGroup[] {
  const groupOf = new Map(items.map((i) => [i.id, i.response_group]));
  const found = groupTexts(
    items.map((i) => i.id),
    items.map((i) => i.response),
    't',
    { ...opts, jaccard: opts.jaccard ?? TEMPLATE_JACCARD },
  );
  const kept = found.filter((g) => {
    const shared = groupOf.get(g.items[0]);
    return !shared || g.items.some((id) => groupOf.get(id) !== shared);
  });
  if (kept.length === found.length) return found;
  const width = Math.max(3, String(kept.length).length);
  return kept.map((g, i) => ({ ...g, id: `t${String(i + 1).padStart(width, '0')}` }));
}
