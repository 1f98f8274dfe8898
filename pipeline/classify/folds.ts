// Grouped, seeded folds: rows that share an answer (same group, same or nearly the same response, a pointer and
// its target) always land in the same fold, so no classifier is scored on a copy of a row it was trained on.
import { mulberry32 } from '../core/random.ts';
import { normalize } from '../core/text.ts';
import { UnionFind } from '../core/union-find.ts';

export interface FoldRow {
  response: string;
  group?: string | null;
}

/** Above this many rows the quadratic near-duplicate check is skipped (exact duplicates are still grouped). */
export const NEAR_DUPLICATE_MAX_ROWS = 3000;

function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  const t = text.replace(/\s+/g, '');
  for (let i = 0; i + 3 <= t.length; i++) out.add(t.slice(i, i + 3));
  if (t.length > 0 && t.length < 3) out.add(t);
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * Group index per row (the smallest row index of its group). `links` are extra pairs to keep together
 * (a pointer and the item it points to).
 */
export function groupRows(rows: readonly FoldRow[], nearDuplicateJaccard: number, links: readonly [number, number][] = []): number[] {
  const uf = new UnionFind(rows.length);
  const byKey = new Map<string, number>();
  rows.forEach((r, i) => {
    const keys = [`t:${normalize(r.response)}`];
    if (r.group) keys.push(`g:${r.group}`);
    for (const key of keys) {
      // Empty responses are not "the same answer" as each other.
      if (key === 't:') continue;
      const first = byKey.get(key);
      if (first === undefined) byKey.set(key, i);
      else uf.union(first, i);
    }
  });
  for (const [a, b] of links) uf.union(a, b);
  if (rows.length <= NEAR_DUPLICATE_MAX_ROWS) {
    const grams = rows.map((r) => trigrams(normalize(r.response)));
    for (let i = 0; i < rows.length; i++) {
      if (!grams[i].size) continue;
      for (let j = i + 1; j < rows.length; j++) {
        if (!grams[j].size || uf.find(i) === uf.find(j)) continue;
        const ratio = grams[i].size / grams[j].size;
        // Jaccard can't reach the threshold when the set sizes differ by more than its ratio.
        if (ratio < nearDuplicateJaccard || 1 / ratio < nearDuplicateJaccard) continue;
        if (jaccard(grams[i], grams[j]) >= nearDuplicateJaccard) uf.union(i, j);
      }
    }
  }
  return rows.map((_, i) => uf.find(i));
}

/** Fold (0…k−1) per row: groups in seeded random order, each to the fold with the fewest rows so far. */
export function assignFolds(groups: readonly number[], k: number, seed: number): number[] {
  const members = new Map<number, number[]>();
  groups.forEach((g, i) => {
    const list = members.get(g) ?? [];
    list.push(i);
    members.set(g, list);
  });
  const order = [...members.keys()].sort((a, b) => a - b);
  const next = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const sizes = new Array<number>(k).fill(0);
  const fold = new Array<number>(groups.length).fill(0);
  for (const g of order) {
    let f = 0;
    for (let j = 1; j < k; j++) if (sizes[j] < sizes[f]) f = j;
    for (const i of members.get(g)!) fold[i] = f;
    sizes[f] += members.get(g)!.length;
  }
  return fold;
}
