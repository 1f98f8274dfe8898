// Looking up a response's character n-grams in a trained vocabulary is the learned classifiers' hot path
// (several hundred n-grams per response and comment, tens of thousands of responses). Slicing each n-gram into
// a string and hashing it dominated; then a trie of Maps did, and the match objects it returned kept the
// garbage collector busy. Now the trie is flat typed arrays (a direct table for the root's children, open
// addressing for the deeper edges), and matches go into reusable typed-array buffers: no allocation per n-gram.
import { doubled } from '../core/arrays.ts';

export interface GramTable {
  /** rootChild[code]: the node reached from the root by that UTF-16 code unit, or -1. */
  readonly rootChild: Int32Array;
  /** Deeper edges in an open-addressing hash table: slot → (parent node, code unit, child node); parent -1 = free. */
  readonly edgeParent: Int32Array;
  readonly edgeCode: Uint16Array;
  readonly edgeChild: Int32Array;
  readonly mask: number;
  /** feature[node]: the feature index of the n-gram ending at node, or -1. */
  readonly feature: Int32Array;
  /** seenAt[feature]: the matchGrams call that last reported it, so each feature is reported once per text. */
  readonly seenAt: Int32Array;
  readonly min: number;
  readonly max: number;
}

function slotOf(parent: number, code: number, mask: number): number {
  return (Math.imul(parent, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) & mask;
}

/** grams[i] → feature offset + i; grams outside min–max characters (or empty) are not entered. */
export function buildGramTable(grams: readonly string[], offset: number, min: number, max: number): GramTable {
  // Build with Maps (once per model load), then flatten.
  const children: Map<number, number>[] = [new Map()];
  const featureOf: number[] = [-1];
  let maxFeature = -1;
  grams.forEach((g, i) => {
    if (g.length < min || g.length > max) return;
    let node = 0;
    for (let j = 0; j < g.length; j++) {
      const c = g.charCodeAt(j);
      let next = children[node].get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        featureOf.push(-1);
        children[node].set(c, next);
      }
      node = next;
    }
    featureOf[node] = offset + i;
    maxFeature = Math.max(maxFeature, offset + i);
  });
  const rootChild = new Int32Array(65536).fill(-1);
  for (const [c, child] of children[0]) rootChild[c] = child;
  let edges = 0;
  for (let node = 1; node < children.length; node++) edges += children[node].size;
  let size = 16;
  while (size < edges * 2) size *= 2;
  const mask = size - 1;
  const edgeParent = new Int32Array(size).fill(-1);
  const edgeCode = new Uint16Array(size);
  const edgeChild = new Int32Array(size);
  for (let node = 1; node < children.length; node++) {
    for (const [c, child] of children[node]) {
      let h = slotOf(node, c, mask);
      while (edgeParent[h] !== -1) h = (h + 1) & mask;
      edgeParent[h] = node;
      edgeCode[h] = c;
      edgeChild[h] = child;
    }
  }
  return {
    rootChild,
    edgeParent,
    edgeCode,
    edgeChild,
    mask,
    feature: Int32Array.from(featureOf),
    seenAt: new Int32Array(maxFeature + 1),
    min,
    max,
  };
}

/** The matches of one text, struct-of-arrays; `count` entries are valid. Reused from text to text. */
export class GramMatches {
  count = 0;
  feature = new Int32Array(512);
  start = new Int32Array(512);
  length = new Uint8Array(512);

  push(feature: number, start: number, length: number): void {
    if (this.count === this.feature.length) {
      this.feature = doubled(this.feature);
      this.start = doubled(this.start);
      this.length = doubled(this.length);
    }
    this.feature[this.count] = feature;
    this.start[this.count] = start;
    this.length[this.count] = length;
    this.count++;
  }
}

/** Numbers each matchGrams call, for GramTable.seenAt (single-threaded, like every stage). */
let generation = 0;

/**
 * The distinct vocabulary n-grams of `text`, each with its first occurrence, in text order, written into `out`
 * (which is returned). An n-gram never spans a character for which `isBreak` is true (whitespace, masked quote
 * text).
 */
export function matchGrams(text: string, table: GramTable, isBreak: (code: number) => boolean, out: GramMatches): GramMatches {
  out.count = 0;
  if (++generation === 0x7fffffff) {
    generation = 1;
    table.seenAt.fill(0);
  }
  const gen = generation;
  const { rootChild, edgeParent, edgeCode, edgeChild, mask, feature, seenAt, min, max } = table;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const first = text.charCodeAt(i);
    if (isBreak(first)) continue;
    let node = rootChild[first];
    if (node < 0) continue;
    let n = 1;
    for (;;) {
      const f = feature[node];
      if (n >= min && f >= 0 && seenAt[f] !== gen) {
        seenAt[f] = gen;
        out.push(f, i, n);
      }
      if (n === max || i + n >= len) break;
      const c = text.charCodeAt(i + n);
      if (isBreak(c)) break;
      let h = slotOf(node, c, mask);
      let next = -1;
      for (;;) {
        const p = edgeParent[h];
        if (p === -1) break;
        if (p === node && edgeCode[h] === c) {
          next = edgeChild[h];
          break;
        }
        h = (h + 1) & mask;
      }
      if (next < 0) break;
      node = next;
      n++;
    }
  }
  return out;
}
