// Looking up a response's character n-grams in a trained vocabulary is the learned classifiers' hot path
// (hundreds of n-grams per response, tens of thousands of responses). Slicing each n-gram into a string and
// hashing it dominated; here the vocabulary is a trie over UTF-16 code units, walked once per start position,
// so one step is a small-integer map lookup and no string is built.

export interface GramTable {
  /** children[node]: code unit → child node; node 0 is the root. */
  readonly children: Map<number, number>[];
  /** feature[node]: the feature index of the n-gram ending at node, or -1. */
  readonly feature: number[];
  readonly min: number;
  readonly max: number;
}

/** grams[i] → feature offset + i; grams outside min–max characters (or empty) are not entered. */
export function buildGramTable(grams: readonly string[], offset: number, min: number, max: number): GramTable {
  const children: Map<number, number>[] = [new Map()];
  const feature: number[] = [-1];
  grams.forEach((g, i) => {
    if (g.length < min || g.length > max) return;
    let node = 0;
    for (let j = 0; j < g.length; j++) {
      const c = g.charCodeAt(j);
      let next = children[node].get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        feature.push(-1);
        children[node].set(c, next);
      }
      node = next;
    }
    feature[node] = offset + i;
  });
  return { children, feature, min, max };
}

export interface GramMatch {
  feature: number;
  start: number;
  length: number;
}

/**
 * The distinct vocabulary n-grams of `text`, each with its first occurrence, in text order. An n-gram never
 * spans a character for which `isBreak` is true (whitespace, masked quote text).
 */
export function matchGrams(text: string, table: GramTable, isBreak: (code: number) => boolean, seen: Set<number>): GramMatch[] {
  seen.clear();
  const out: GramMatch[] = [];
  const { children, feature, min, max } = table;
  for (let i = 0; i < text.length; i++) {
    let node = 0;
    for (let n = 1; n <= max && i + n <= text.length; n++) {
      const c = text.charCodeAt(i + n - 1);
      if (isBreak(c)) break;
      const next = children[node].get(c);
      if (next === undefined) break;
      node = next;
      const f = feature[node];
      if (n >= min && f >= 0 && !seen.has(f)) {
        seen.add(f);
        out.push({ feature: f, start: i, length: n });
      }
    }
  }
  return out;
}
