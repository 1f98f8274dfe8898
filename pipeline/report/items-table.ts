// items.csv / the "items" sheet: one row per item, every classifier's verdict and evidence side by side.
import type { StanceEvidence } from '../core/schema.ts';
import { DISPOSITION_JA, NEEDS_REVIEW_JA } from './labels.ts';
import type { ItemLabel, RunSet } from './schema.ts';
import { displayNumber, int, ratio, round3, text, type Cell, type Table } from '../core/tables/table.ts';
import { hasCategory, hasStance, labelBy, needsReview } from './tables.ts';
import { SharedCache } from './shared.ts';

export function evidenceText(label: ItemLabel): string {
  return label.evidence.map((e) => `${e.source_item ? `(${e.source_item}) ` : ''}「${e.text}」[${e.rule}]`).join(' / ');
}

/** A comment's stance evidence as `「span」[rule]`, the same form as the labels' evidence. */
export function stanceEvidenceText(evidence: readonly StanceEvidence[]): string {
  return evidence.map((e) => `「${e.text}」[${e.rule}]`).join(' / ');
}

/** A numeric number is written as a number, so Excel and CSV readers sort 1, 2, 10 (not 1, 10, 2); 3-1 stays text. */
export function numberCell(n: string): Cell {
  return /^[0-9]{1,9}$/.test(n) ? Number(n) : n;
}

const NO_STANCE_EVIDENCE: readonly StanceEvidence[] = [];

export function itemsTable(run: RunSet): Table {
  const classifiers = run.info.classifiers;
  const stance = hasStance(run);
  // 該当箇所 only when the input had such a column; the section stays the heading the item sits under.
  const location = run.items.some((it) => it.location !== undefined);
  const category = hasCategory(run);
  const columns = [
    text('id', 'ID'),
    text('number', '番号'),
    text('section', 'セクション'),
    ...(location ? [text('location', '該当箇所')] : []),
    text('comment', '意見の概要'),
    text('response', '意見に対する考え方'),
    text('response_group', '共通回答グループ'),
    ...(category ? [text('category', '対応区分（文書）')] : []),
    ...classifiers.flatMap((c) => [
      text(`${c.name}_label`, `${c.name} 区分`),
      text(`${c.name}_label_ja`, `${c.name} 区分（日本語）`),
      text(`${c.name}_also`, `${c.name} 副区分`),
      ratio(`${c.name}_confidence`, `${c.name} 確信度`),
      text(`${c.name}_evidence`, `${c.name} 根拠`),
      int(`${c.name}_needs_review`, `${c.name} ${NEEDS_REVIEW_JA}`),
    ]),
    ...(stance ? [text('stance', '意見の立場'), ratio('stance_confidence', '立場の確信度'), text('stance_evidence', '立場の根拠')] : []),
    text('themes', 'テーマ'),
    text('duplicate_group', '重複グループ'),
    text('response_template', '回答テンプレート'),
    text('cluster', 'クラスタ'),
    text('flags', 'フラグ'),
    int('source_line', '元の行'),
  ];
  // Copies of a campaign text share their label list (run/enrich.ts), stance evidence and theme list: the cells
  // made from each are made once, so a mass round builds the evidence text and the rounded numbers per distinct
  // text instead of per row.
  const evidenceOf = new SharedCache<string>();
  const evidence = (l: ItemLabel) => evidenceOf.get(l.evidence, () => evidenceText(l));
  const labelCells = new SharedCache<Cell[]>();
  const labelsOf = (it: RunSet['items'][number]): Cell[] =>
    labelCells.get(it.labels, () =>
      classifiers.flatMap((c) => {
        const l = labelBy(it, c.name);
        return l
          ? [l.label, DISPOSITION_JA[l.label], l.also.join(';'), round3(l.confidence), evidence(l), needsReview(l) ? 1 : null]
          : [null, null, null, null, null, null];
      }),
    );
  const stanceCells = new SharedCache<Cell[][]>();
  const stanceOf = (it: RunSet['items'][number]): Cell[] => {
    const stance = it.stance ?? null;
    const confidence = round3(it.stance_confidence ?? null);
    const made = stanceCells.get(it.stance_evidence ?? NO_STANCE_EVIDENCE, () => []);
    for (const m of made) if (m[0] === stance && m[1] === confidence) return m;
    const cells = [stance, confidence, it.stance_evidence ? stanceEvidenceText(it.stance_evidence) : ''];
    made.push(cells);
    return cells;
  };
  const themeCells = new SharedCache<string>();
  const themesOf = (it: RunSet['items'][number]): string => themeCells.get(it.themes, () => it.themes.map((t) => t.theme).join(';'));
  const rows: Cell[][] = run.items.map((it) => [
    it.id,
    numberCell(displayNumber(it)),
    it.section,
    ...(location ? [it.location ?? null] : []),
    it.comment,
    it.response,
    it.response_group,
    ...(category ? [it.category ?? null] : []),
    ...labelsOf(it),
    ...(stance ? stanceOf(it) : []),
    themesOf(it),
    it.duplicate_group,
    it.response_template,
    it.cluster,
    it.flags.join(';'),
    it.source.lines?.[0] ?? it.source.rows?.[0] ?? null,
  ]);
  return {
    name: 'items',
    title: '意見一覧',
    note:
      '一行一意見。分類器ごとの回答区分・確信度・根拠（回答中の該当箇所とルール ID）・要確認（1 = 分類器が確信を持てず、引用前に回答を読むべきもの）、' +
      '意見の立場とその根拠（意見中の該当箇所とルール ID）を並べる。',
    columns,
    rows,
  };
}
