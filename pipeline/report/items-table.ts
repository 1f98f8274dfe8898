// items.csv / the "items" sheet: one row per item, every classifier's verdict and evidence side by side.
import type { ItemLabel, RunSet } from './schema.ts';
import { displayNumber, int, ratio, round3, text, type Cell, type Table } from './table.ts';

export function evidenceText(label: ItemLabel): string {
  return label.evidence.map((e) => `${e.source_item ? `(${e.source_item}) ` : ''}「${e.text}」[${e.rule}]`).join(' / ');
}

export function itemsTable(run: RunSet): Table {
  const classifiers = run.info.classifiers;
  const columns = [
    text('id', 'ID'),
    text('number', '番号'),
    text('section', 'セクション'),
    text('comment', '意見の概要'),
    text('response', '意見に対する考え方'),
    text('response_group', '共通回答グループ'),
    ...classifiers.flatMap((c) => [
      text(`${c.name}_label`, `${c.name} 区分`),
      text(`${c.name}_also`, `${c.name} 副区分`),
      ratio(`${c.name}_confidence`, `${c.name} 確信度`),
      text(`${c.name}_evidence`, `${c.name} 根拠`),
    ]),
    text('themes', 'テーマ'),
    text('duplicate_group', '重複グループ'),
    text('response_template', '回答テンプレート'),
    text('cluster', 'クラスタ'),
    text('flags', 'フラグ'),
    int('source_line', '元の行'),
  ];
  const rows: Cell[][] = run.items.map((it) => [
    it.id,
    displayNumber(it),
    it.section,
    it.comment,
    it.response,
    it.response_group,
    ...classifiers.flatMap((c) => {
      const l = it.labels.find((x) => x.classifier === c.name);
      return l ? [l.label, l.also.join(';'), round3(l.confidence), evidenceText(l)] : [null, null, null, null];
    }),
    it.themes.map((t) => t.theme).join(';'),
    it.duplicate_group,
    it.response_template,
    it.cluster,
    it.flags.join(';'),
    it.source.lines?.[0] ?? it.source.rows?.[0] ?? null,
  ]);
  return {
    name: 'items',
    title: '意見一覧',
    note: '一行一意見。分類器ごとの回答区分・確信度・根拠（回答中の該当箇所とルール ID）を並べる。',
    columns,
    rows,
  };
}
