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

/** Sorted distinct shingle hashes; a text shorter than one shingle is its own single shingle. */
function shingles(key: string, n: number): Uint32Array {
  if (key.length <= n) return Uint32Array.of(fnv1a(key, 0, key.length));
  // Hashes above 2³¹ would be boxed in a Set: sort a typed array and drop repeats instead.
  const all = new Uint32Array(key.length - n + 1);
  for (let i = 0; i + n <= key.length; i++) all[i] = murmurMix(fnv1a(key, i, i + n));
  all.sort();
  let w = 0;
  for (let r = 0; r < all.length; r++) if (r === 0 || all[r] !== all[r - 1]) all[w++] = all[r];
  return all.slice(0, w);
}

function jaccard(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - inter;
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
function oneSignature(set: Uint32Array, sig: Uint32Array, seed: number): void {
  const k = sig.length;
  sig.fill(0xffffffff);
  const filled = new Uint8Array(k);
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
  const sets = keys.map((k) => shingles(k, o.shingle));
  const nHash = o.bands * o.rows;
  const sigs = new Uint32Array(m * nHash);
  // Band keys are 52-bit and pair numbers reach m², both heap numbers: typed-array maps, not Map and Set.
  const buckets: NumberKeyMap[] = Array.from({ length: o.bands }, () => new NumberKeyMap());
  const bucketLists: number[][] = [];
  // The share of equal signature positions estimates the Jaccard similarity (standard error ≤ 0.05 at 120
  // positions): pairs estimated far below the threshold skip the exact computation.
  const estimateFloor = o.jaccard - ESTIMATE_MARGIN;
  const estimate = (a: number, b: number): number => {
    let same = 0;
    for (let h = 0; h < nHash; h++) if (sigs[a * nHash + h] === sigs[b * nHash + h]) same++;
    return same / nHash;
  };
  for (let t = 0; t < m; t++) {
    const sig = sigs.subarray(t * nHash, (t + 1) * nHash);
    oneSignature(sets[t], sig, o.seed);
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
      const listId = buckets[b].get(key);
      if (listId === undefined) {
        buckets[b].set(key, bucketLists.length);
        bucketLists.push([t]);
        continue;
      }
      const bucket = bucketLists[listId];
      // Texts already in t's group need no comparison: near-identical variants of a mass submission join the
      // first one and skip the rest. The cap bounds the work on buckets of many distinct, dissimilar texts.
      let compared = 0;
      for (const other of bucket) {
        if (uf.find(other) === uf.find(t)) continue;
        if (compared++ >= COMPARISONS_PER_BUCKET) break;
        if (estimate(other, t) < estimateFloor) continue;
        const j = jaccard(sets[other], sets[t]);
        if (j >= o.jaccard) {
          const low = Math.min(minJ[uf.find(other)], minJ[uf.find(t)], j);
          uf.union(other, t);
          minJ[uf.find(t)] = low;
        }
      }
      bucket.push(t);
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
