// The real labelled sets: published result documents joined to independent annotators' labels. One row per
// answer the annotators labelled, with the comment they judged it against. These sets, not text we wrote
// ourselves, are what the quality figures are reported on.
//
// Each set is split in two: `dev` rows may be read while writing rules and fitting models; `heldout` rows are
// scored once, at the end, as the team's own estimate for an unseen document (the METI document's groups
// 181–355, as the issue that brought it asked). The seed is all `dev`: its rules were written while reading it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { readJsonl } from '../core/io.ts';
import { Disposition, Stance, type Item } from '../core/schema.ts';
import { cleanText, commentHead } from '../core/text.ts';
import { align, type Keyed } from '../core/align.ts';
import { readLabelFile, type LabelRow } from './label-file.ts';

export const RealLabelled = z
  .object({
    id: z.string().min(1),
    /** Which published document: rows of one document are never split between training and test folds. */
    doc: z.string().min(1),
    number: z.string().nullable(),
    /** The comment the annotators judged the answer against (for METI: the ministry's summary heading). */
    comment: z.string(),
    response: z.string(),
    disposition: Disposition,
    also: z.array(Disposition),
    stance: Stance.nullable(),
    /** dev: may be read while building; heldout: scored once at the end. */
    split: z.enum(['dev', 'heldout']),
    /** The annotators' individual labels, where the gold file gives them. */
    votes: z.array(Disposition).optional(),
    cue: z.string().optional(),
  })
  .strict();
export type RealLabelled = z.infer<typeof RealLabelled>;

export const REAL_SETS = ['seed', 'meti-ene7th', 'env6th-an', 'env5th'] as const;
export type RealSetName = (typeof REAL_SETS)[number];

export function readRealSet(root: string, name: RealSetName): RealLabelled[] {
  return readJsonl(join(root, 'data/labels/real', `${name}.jsonl`), RealLabelled);
}

/** What a panel of three annotators records per answer: the majority label, the votes and the deciding phrase. */
const panelFields = {
  comment_head: z.string(),
  disposition: Disposition,
  also: z.array(Disposition),
  votes: z.array(Disposition),
  unanimous: z.boolean(),
  cue: z.string(),
};

const MetiGold = z.object({
  group: z.string(),
  rows: z.array(z.string()),
  ...panelFields,
});

/** Groups 1–180 are for development; 181–355 are the held-out part. */
export const METI_HELDOUT_FROM = 181;

function metiSet(root: string): RealLabelled[] {
  const csv = readFileSync(join(root, 'data/real/meti_ene7th_energy_basic_plan_pc_results_2025.csv'), 'utf8');
  const rows = parseCsv(csv, { columns: true, relax_quotes: true, skip_empty_lines: true }) as Record<string, string>[];
  const byGroup = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const g = r.No.split('-')[0];
    byGroup.set(g, [...(byGroup.get(g) ?? []), r]);
  }
  const gold = readJsonl(join(root, 'data/real/meti-ene7th.gold.jsonl'), MetiGold);
  return gold.map((g) => {
    const members = byGroup.get(g.group);
    if (!members?.length) throw new Error(`meti-ene7th: gold group ${g.group} has no CSV rows`);
    const heading = cleanText(members[0].label);
    if (commentHead(heading) !== g.comment_head) throw new Error(`meti-ene7th: group ${g.group} heading does not match the gold's comment_head`);
    return {
      id: `meti-ene7th#${g.group}`,
      doc: 'meti-ene7th',
      number: g.group,
      comment: heading,
      response: cleanText(members[0].reply),
      disposition: g.disposition,
      also: g.also,
      stance: null,
      split: Number(g.group) >= METI_HELDOUT_FROM ? 'heldout' : 'dev',
      votes: g.votes,
      cue: g.cue,
    } satisfies RealLabelled;
  });
}

/** A gold file of model annotators (three votes a record), keyed by the source CSV's own record id. */
const ModelAnnotatedGold = z
  .object({
    /** The CSV's id column (the 環境省 No column runs apart from it). */
    id: z.string(),
    ...panelFields,
    stance: Stance.nullable(),
    stance_votes: z.array(Stance),
  })
  .strict();

interface ModelAnnotatedSource {
  csv: string;
  gold: string;
  /** Records with this id and above are the held-out part; 1 makes the whole document held out. */
  heldoutFrom: number;
}

/** 環境省 第六次環境基本計画: records 1–192 are for development; 193–383 are the held-out part. */
export const ENV6TH_HELDOUT_FROM = 193;

type ModelAnnotatedName = 'env6th-an' | 'env5th';

const MODEL_ANNOTATED: Record<ModelAnnotatedName, ModelAnnotatedSource> = {
  'env6th-an': { csv: 'env6th_6th_environment_basic_plan_pc_results_2024.csv', gold: 'env6th-an.gold.jsonl', heldoutFrom: ENV6TH_HELDOUT_FROM },
  // 環境省 第五次環境基本計画 (2018): scored blind, never read; every record is held out.
  env5th: { csv: 'env5th_5th_environment_basic_plan_pc_results_2018.csv', gold: 'env5th.gold.jsonl', heldoutFrom: 1 },
};

function modelAnnotatedSet(root: string, doc: ModelAnnotatedName): RealLabelled[] {
  const src = MODEL_ANNOTATED[doc];
  const rows = parseCsv(readFileSync(join(root, 'data/real', src.csv), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const gold = readJsonl(join(root, 'data/real', src.gold), ModelAnnotatedGold);
  return gold.map((g) => {
    const r = byId.get(g.id);
    if (!r) throw new Error(`${doc}: gold id ${g.id} has no CSV record`);
    const comment = cleanText(r.comment);
    if (commentHead(comment) !== g.comment_head) throw new Error(`${doc}: record ${g.id}'s comment does not match the gold's comment_head`);
    return {
      id: `${doc}#${g.id}`,
      doc,
      number: g.id,
      comment,
      response: cleanText(r.reply),
      disposition: g.disposition,
      also: g.also,
      stance: g.stance,
      split: Number(g.id) >= src.heldoutFrom ? 'heldout' : 'dev',
      votes: g.votes,
      cue: g.cue,
    } satisfies RealLabelled;
  });
}

async function seedSet(root: string): Promise<RealLabelled[]> {
  const { parseDocument } = await import('../parse/index.ts');
  const { items } = await parseDocument(join(root, 'seeds/000_555981824ba784d2.txt'));
  const gold = await readLabelFile(join(root, 'data/labels/seed.gold.jsonl'));
  const goldStance = new Map(
    readFileSync(join(root, 'data/labels/seed.gold.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { number: string; stance?: string })
      .map((g) => [g.number, g.stance ?? null]),
  );
  const keyed: Keyed<Item>[] = items.map((it) => ({
    keys: { id: it.id, number: it.number ?? it.inferred_number, comment_head: commentHead(it.comment) },
    record: it,
    where: it.id,
  }));
  const al = align<Item, LabelRow>(keyed, gold.rows, { a: 'the parsed seed', b: 'the seed gold' });
  if (al.unmatchedA.length || al.unmatchedB.length) throw new Error(`seed: ${al.unmatchedA.length + al.unmatchedB.length} rows not aligned with the gold`);
  return al.pairs.map(({ a, b }) => {
    const number = a.record.number ?? a.record.inferred_number;
    const stance = goldStance.get(number ?? '') ?? null;
    return {
      id: `seed#${number}`,
      doc: 'seed',
      number,
      comment: a.record.comment,
      response: a.record.response,
      disposition: b.record.label,
      also: b.record.also,
      stance: stance === null ? null : Stance.parse(stance),
      split: 'dev',
    } satisfies RealLabelled;
  });
}

export async function buildRealSets(root: string): Promise<Record<RealSetName, RealLabelled[]>> {
  return {
    seed: await seedSet(root),
    'meti-ene7th': metiSet(root),
    'env6th-an': modelAnnotatedSet(root, 'env6th-an'),
    env5th: modelAnnotatedSet(root, 'env5th'),
  };
}
