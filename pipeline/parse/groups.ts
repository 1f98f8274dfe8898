// Items that share one response get one response_group, whatever format they came from: groups a reader already
// found (merged cells, rowspans, a group column), replies copied word for word into several items, and answers
// that only point to another item's answer (「「No.1」の回答のとおりです。」).
import { numberKey } from '../core/item-number.ts';
import { z } from 'zod';
import { readModel } from '../core/models.ts';
import type { Item, ItemFlag } from '../core/schema.ts';
import { normalize } from '../core/text.ts';
import { Pattern } from './pattern.ts';
import { UnionFind } from '../core/union-find.ts';

const GroupsModel = z.object({
  about: z.string(),
  pointer: z.object({
    rationale: z.string(),
    references: z
      .array(z.object({ id: z.string(), pattern: Pattern.refine((p) => p.includes('(?<n>'), 'needs a named group n'), rationale: z.string() }))
      .min(1),
    pointing_words: Pattern,
    max_distance: z.number().int().positive(),
  }),
  identical: z.object({ rationale: z.string(), min_chars: z.number().int().positive() }),
});
type GroupsModel = z.infer<typeof GroupsModel>;

const loadModel = (): GroupsModel => readModel('parse/response-groups.json', GroupsModel);

// A ministry reuses a few hundred answers across a round: each distinct answer is read once. Bounded, so a
// long-lived process reading many rounds does not keep them all.
const pointerMemo = new Map<string, string[]>();

/** Item numbers a response points to for its answer, in order of appearance, e.g. ["1"] for 「No.1の回答のとおり」. */
export function pointerTargets(response: string): string[] {
  let known = pointerMemo.get(response);
  if (!known) {
    if (pointerMemo.size >= 50_000) pointerMemo.clear();
    known = findPointerTargets(response);
    pointerMemo.set(response, known);
  }
  return [...known];
}

function findPointerTargets(response: string): string[] {
  const m = loadModel();
  const pointing = new RegExp(m.pointer.pointing_words, 'gu');
  const out: string[] = [];
  for (const sentence of normalize(response).split('。')) {
    const words = [...sentence.matchAll(pointing)].map((w) => w.index);
    if (!words.length) continue;
    const refs: { start: number; end: number; n: string }[] = [];
    for (const r of m.pointer.references) {
      for (const hit of sentence.matchAll(new RegExp(r.pattern, 'gu'))) {
        refs.push({ start: hit.index, end: hit.index + hit[0].length, n: hit.groups!.n });
      }
    }
    refs.sort((a, b) => a.start - b.start);
    for (const ref of refs) {
      const pointed = words.some((w) => w >= ref.end && w - ref.end <= m.pointer.max_distance);
      if (pointed && !out.includes(ref.n)) out.push(ref.n);
    }
  }
  return out;
}

/** The item a pointer means: the nearest one before it with that number (same section first), else the first after. */
/** Positions of the items carrying each printed or inferred number, built once per document. */
function indexByNumber(items: readonly Item[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  items.forEach((it, i) => {
    const n = numberKey(it.number ?? it.inferred_number);
    if (n === null) return;
    const list = index.get(n);
    if (list) list.push(i);
    else index.set(n, [i]);
  });
  return index;
}

function resolveTarget(items: readonly Item[], byNumber: Map<string, number[]>, from: number, n: string): number | null {
  const candidates = (byNumber.get(numberKey(n) ?? n) ?? []).filter((i) => i !== from);
  if (!candidates.length) return null;
  const before = candidates.filter((i) => i < from);
  const sameSection = before.filter((i) => items[i].section === items[from].section);
  return sameSection.at(-1) ?? before.at(-1) ?? candidates[0];
}

export interface GroupResult {
  items: Item[];
  warnings: string[];
}

export function applyResponseGroups(input: readonly Item[]): GroupResult {
  const m = loadModel();
  // The earlier item stays the root, so a group is named after its first member.
  const sets = new UnionFind(input.length);
  const find = (i: number) => sets.find(i);
  const union = (a: number, b: number) => sets.union(a, b);
  const warnings: string[] = [];

  const byGroup = new Map<string, number>();
  const byText = new Map<string, number>();
  const pointers = new Set<number>();
  const byNumber = indexByNumber(input);
  // What a response's text says (its comparison key, the numbers it points to) depends on the text alone: worked
  // out once per distinct answer, which a ministry reuses hundreds or thousands of times (a 200,000-row mass round
  // has a few thousand).
  const readings = new Map<string, { key: string | null; targets: string[] }>();
  const reading = (response: string) => {
    let r = readings.get(response);
    if (!r) {
      const key = normalize(response).replace(/\s+/g, '');
      readings.set(response, (r = { key: [...key].length >= m.identical.min_chars ? key : null, targets: pointerTargets(response) }));
    }
    return r;
  };
  input.forEach((it, i) => {
    if (it.response_group) {
      const first = byGroup.get(it.response_group);
      if (first === undefined) byGroup.set(it.response_group, i);
      else union(first, i);
    }
    const { key, targets } = reading(it.response);
    if (key !== null) {
      const first = byText.get(key);
      if (first === undefined) byText.set(key, i);
      else union(first, i);
    }
    for (const n of targets) {
      const target = resolveTarget(input, byNumber, i, n);
      if (target === null) {
        warnings.push(`${it.id}: the response points to No.${n}, which is not an item of this document`);
        continue;
      }
      pointers.add(i);
      union(target, i);
    }
  });

  const members = new Map<number, number[]>();
  input.forEach((_, i) => {
    const root = find(i);
    const list = members.get(root);
    if (list) list.push(i);
    else members.set(root, [i]);
  });
  // A group a reader named keeps its name (the first member's, if several were joined); a new one is named
  // after its first item.
  const groupName = new Map<number, string>();
  for (const [root, group] of members) {
    const named = group.find((g) => input[g].response_group);
    groupName.set(root, named !== undefined ? input[named].response_group! : `group:${input[group[0]].id}`);
  }
  const items = input.map((it, i) => {
    const group = members.get(find(i))!;
    const flags = new Set<ItemFlag>(it.flags);
    if (pointers.has(i)) flags.add('response_pointer');
    let responseGroup = it.response_group;
    if (group.length > 1) {
      responseGroup = groupName.get(find(i))!;
      flags.add('shared_response');
    }
    return { ...it, response_group: responseGroup, flags: [...flags].sort() };
  });
  return { items, warnings };
}
