// Pairs the records of two label files (predictions and gold, or coder A and coder B) that describe the same
// item. Keys are tried in order of trust: id, then the printed number, then the first 30 characters of the
// comment. A key pairs two records only when it is unique among the still-unpaired records on both sides;
// everything left over is returned with the reason it could not be paired, never dropped.
import { numberKey } from './item-number.ts';
import type { Item } from './schema.ts';
import { commentHead } from './text.ts';

export type KeyKind = 'id' | 'number' | 'comment_head';

export interface Keys {
  id?: string | null;
  number?: string | null;
  comment_head?: string | null;
}

export interface Keyed<T> {
  keys: Keys;
  record: T;
  /** Where the record came from, for messages: "line 4", "row 12". */
  where: string;
}

export interface Pair<A, B> {
  a: Keyed<A>;
  b: Keyed<B>;
  by: KeyKind;
}

export interface Unmatched<T> extends Keyed<T> {
  reason: string;
}

export interface Alignment<A, B> {
  pairs: Pair<A, B>[];
  unmatchedA: Unmatched<A>[];
  unmatchedB: Unmatched<B>[];
  /** How many pairs each key made. */
  by: Record<KeyKind, number>;
}

/** "No.3", "３", "003" and "3" are the same printed number (core/item-number.ts). */
export const normalizeNumber = numberKey;

export function normalizeHead(h: string | null | undefined): string | null {
  if (h === null || h === undefined) return null;
  const head = commentHead(h);
  return head ? head : null;
}

function keyOf(keys: Keys, kind: KeyKind): string | null {
  if (kind === 'id') return keys.id?.trim() || null;
  if (kind === 'number') return normalizeNumber(keys.number);
  return normalizeHead(keys.comment_head);
}

function groupBy<T>(records: readonly Keyed<T>[], open: readonly boolean[], kind: KeyKind): Map<string, number[]> {
  const map = new Map<string, number[]>();
  records.forEach((r, i) => {
    if (!open[i]) return;
    const k = keyOf(r.keys, kind);
    if (k === null) return;
    const list = map.get(k);
    if (list) list.push(i);
    else map.set(k, [i]);
  });
  return map;
}

const KINDS: readonly KeyKind[] = ['id', 'number', 'comment_head'];

export function align<A, B>(as: readonly Keyed<A>[], bs: readonly Keyed<B>[], names = { a: 'A', b: 'B' }): Alignment<A, B> {
  const openA = as.map(() => true);
  const openB = bs.map(() => true);
  const notesA: string[][] = as.map(() => []);
  const notesB: string[][] = bs.map(() => []);
  const pairs: { ia: number; ib: number; by: KeyKind }[] = [];
  const by: Record<KeyKind, number> = { id: 0, number: 0, comment_head: 0 };

  for (const kind of KINDS) {
    const mapA = groupBy(as, openA, kind);
    const mapB = groupBy(bs, openB, kind);
    for (const [key, listA] of mapA) {
      const listB = mapB.get(key);
      if (!listB) continue;
      if (listA.length > 1 || listB.length > 1) {
        const note = `${kind} "${key}" is shared by ${listA.length} record(s) in ${names.a} and ${listB.length} in ${names.b}`;
        for (const i of listA) notesA[i].push(note);
        for (const i of listB) notesB[i].push(note);
        continue;
      }
      const ia = listA[0];
      const ib = listB[0];
      if (kind === 'number') {
        // A shared number with different comments means one side numbered differently (a gap, a merged row):
        // pairing them would score one item's label against another's, so leave it to the comment_head pass.
        // A comment cut short by a coder (one head a prefix of the other) is not a conflict.
        const ha = normalizeHead(as[ia].keys.comment_head);
        const hb = normalizeHead(bs[ib].keys.comment_head);
        if (ha && hb && !ha.startsWith(hb) && !hb.startsWith(ha)) {
          const note = `number "${key}" matches but the comments differ ("${ha}" vs "${hb}")`;
          notesA[ia].push(note);
          notesB[ib].push(note);
          continue;
        }
      }
      openA[ia] = false;
      openB[ib] = false;
      pairs.push({ ia, ib, by: kind });
      by[kind]++;
    }
  }

  pairs.sort((p, q) => p.ia - q.ia);
  const reasonFor = (keys: Keys, notes: string[], other: string): string => {
    if (notes.length) return notes.join('; ');
    const have = KINDS.filter((k) => keyOf(keys, k) !== null);
    if (have.length === 0) return 'record has no id, number or comment_head to align by';
    return `no record in ${other} with the same ${have.join(', ')}`;
  };
  return {
    pairs: pairs.map((p) => ({ a: as[p.ia], b: bs[p.ib], by: p.by })),
    unmatchedA: as.flatMap((r, i) => (openA[i] ? [{ ...r, reason: reasonFor(r.keys, notesA[i], names.b) }] : [])),
    unmatchedB: bs.flatMap((r, i) => (openB[i] ? [{ ...r, reason: reasonFor(r.keys, notesB[i], names.a) }] : [])),
    by,
  };
}

/** What an items.jsonl knows about an item, for filling the keys a label file lacks. */
export interface ItemIndex {
  byId: Map<string, Item>;
  byNumber: Map<string, Item[]>;
  byHead: Map<string, Item[]>;
}

export function indexItems(items: readonly Item[]): ItemIndex {
  const byId = new Map<string, Item>();
  const byNumber = new Map<string, Item[]>();
  const byHead = new Map<string, Item[]>();
  const push = (m: Map<string, Item[]>, k: string | null, it: Item) => {
    if (k === null) return;
    const l = m.get(k);
    if (l) l.push(it);
    else m.set(k, [it]);
  };
  for (const it of items) {
    byId.set(it.id, it);
    push(byNumber, normalizeNumber(it.number ?? it.inferred_number), it);
    push(byHead, normalizeHead(it.comment), it);
  }
  return { byId, byNumber, byHead };
}

/**
 * Completes a record's keys from items.jsonl: an id gives its number and comment head; a number or a comment
 * head that names exactly one item gives its id. Keys the record already has are kept as they are.
 */
export function fillKeys(keys: Keys, index: ItemIndex): { keys: Keys; item: Item | null } {
  let item: Item | null = null;
  if (keys.id && index.byId.has(keys.id)) item = index.byId.get(keys.id)!;
  if (!item) {
    const n = normalizeNumber(keys.number);
    const list = n === null ? undefined : index.byNumber.get(n);
    if (list && list.length === 1) item = list[0];
  }
  if (!item) {
    const h = normalizeHead(keys.comment_head);
    const list = h === null ? undefined : index.byHead.get(h);
    if (list && list.length === 1) item = list[0];
  }
  if (!item) return { keys, item: null };
  return {
    keys: {
      id: keys.id ?? item.id,
      number: keys.number ?? item.number ?? item.inferred_number,
      comment_head: keys.comment_head ?? commentHead(item.comment),
    },
    item,
  };
}
