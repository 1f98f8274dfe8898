// Our own labelled sets (data/labels/*.jsonl beside the seed gold): full comment and response texts, so a
// classifier can be run on them, plus the label, its cue and a one-line reason. The checks below are what
// make a hand-written set trustworthy: the cue is really in the response, labels follow the guideline's
// priority, pointers («「No.3」の回答のとおりです») agree with the item they point at.
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { readJsonl } from '../core/io.ts';
import { ANSWERED_LABELS, Disposition } from '../core/schema.ts';
import { cleanText } from '../core/text.ts';
import { pointerTargets } from '../parse/groups.ts';

export const LabelledResponse = z
  .object({
    id: z.string().min(1),
    /** Short slug of the (made-up) document the item belongs to; numbers are unique within it. */
    doc: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case slug'),
    number: z.string().min(1),
    comment: z.string().min(1),
    /** As printed (full-width brackets, line breaks, <u> kept); classifiers get cleanText(response). */
    response: z.string(),
    disposition: Disposition,
    also: z.array(Disposition),
    /** The shortest phrase of the response that decided the label; "" for none. */
    cue: z.string(),
    reason: z.string().min(1),
    /** Same value on items sharing one answer, including a pointer and the item it points at. */
    response_group: z.string().min(1).optional(),
  })
  .strict();
export type LabelledResponse = z.infer<typeof LabelledResponse>;

const PRIORITY: readonly Disposition[] = ANSWERED_LABELS;

/**
 * The item number a response's answer points to (「No.3」の回答のとおりです), read as the parse stage reads it
 * (models/parse/response-groups.json), so a labelled set is checked by the same definition of a pointer.
 */
export function pointerTarget(response: string): string | null {
  return pointerTargets(response)[0] ?? null;
}

export interface SetProblem {
  id: string;
  problem: string;
}

/** Every rule the guideline and the brief set for a labelled row; returns all problems, not just the first. */
export function checkLabelledSet(rows: readonly LabelledResponse[]): SetProblem[] {
  const problems: SetProblem[] = [];
  const bad = (id: string, problem: string) => problems.push({ id, problem });
  const ids = new Set<string>();
  const byDocNumber = new Map<string, LabelledResponse>();
  const groups = new Map<string, LabelledResponse[]>();
  for (const r of rows) {
    if (ids.has(r.id)) bad(r.id, 'duplicate id');
    ids.add(r.id);
    const dn = `${r.doc}#${r.number}`;
    if (byDocNumber.has(dn)) bad(r.id, `duplicate number ${r.number} in ${r.doc}`);
    byDocNumber.set(dn, r);
    if (r.response_group) groups.set(r.response_group, [...(groups.get(r.response_group) ?? []), r]);

    const empty = cleanText(r.response) === '';
    if (empty !== (r.disposition === 'none')) bad(r.id, empty ? 'empty response must be labelled none' : 'none is only for an empty response');
    if (r.disposition === 'none') {
      if (r.cue !== '') bad(r.id, 'cue must be "" for none');
      if (r.also.length) bad(r.id, 'also must be empty for none');
      continue;
    }
    if (!r.cue) bad(r.id, 'cue is empty');
    else if (!r.response.includes(r.cue)) bad(r.id, `cue "${r.cue}" is not a substring of the response`);
    else if (!cleanText(r.response).includes(cleanText(r.cue))) bad(r.id, 'cue is not a substring of the normalised response');
    if (r.also.includes(r.disposition)) bad(r.id, 'also repeats the label');
    if (r.also.includes('none')) bad(r.id, 'also cannot contain none');
    if (new Set(r.also).size !== r.also.length) bad(r.id, 'also has duplicates');
    if ([...r.also].sort().join() !== r.also.join()) bad(r.id, 'also must be sorted');
    const rank = PRIORITY.indexOf(r.disposition);
    for (const a of r.also) if (PRIORITY.indexOf(a) < rank) bad(r.id, `also has ${a}, which outranks ${r.disposition}: the label must be the strongest`);
  }
  for (const r of rows) {
    const target = pointerTarget(r.response);
    if (target === null) continue;
    const t = byDocNumber.get(`${r.doc}#${target}`);
    if (!t) {
      bad(r.id, `points at No.${target}, which is not in ${r.doc}`);
      continue;
    }
    if (!r.response_group || r.response_group !== t.response_group) bad(r.id, `points at No.${target} (${t.id}) but does not share its response_group`);
    if (r.disposition !== t.disposition) bad(r.id, `points at No.${target} labelled ${t.disposition} but is labelled ${r.disposition}`);
    for (const a of t.also) if (a !== r.disposition && !r.also.includes(a)) bad(r.id, `points at No.${target}, whose also has ${a}, missing here`);
  }
  for (const [group, members] of groups) {
    if (members.length < 2) bad(members[0].id, `response_group ${group} has a single member`);
    if (new Set(members.map((m) => m.doc)).size > 1) bad(members[0].id, `response_group ${group} spans documents`);
  }
  return problems;
}

export function readLabelledSet(path: string): LabelledResponse[] {
  const rows = readJsonl(path, LabelledResponse);
  if (rows.length === 0) throw new InputError(path, 'no labelled rows');
  return rows;
}

export function labelCounts(rows: readonly LabelledResponse[]): Record<Disposition, number> {
  const counts = Object.fromEntries(Disposition.options.map((l) => [l, 0])) as Record<Disposition, number>;
  for (const r of rows) counts[r.disposition]++;
  return counts;
}
