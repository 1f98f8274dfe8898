// Renders eval and compare reports. Tables go through the report stage's Table renderers so CSV (UTF-8 BOM,
// CRLF, formula guard), Markdown and XLSX look the same as every other table the tool writes.
import { toCsv } from '../core/tables/csv.ts';
import { toMarkdownTable } from '../core/tables/markdown.ts';
import { int, ratio, text, type Cell, type Table } from '../core/tables/table.ts';
import { toXlsx } from '../core/tables/xlsx.ts';
import type { CompareReport } from './compare.ts';
import type { EvalReport, MetricsReport, UnmatchedRow } from './evaluate.ts';
import { fmt } from '../core/metrics.ts';

const list = (xs: readonly string[]) => xs.join(', ');

function perLabelTable(m: MetricsReport, refName: string, otherName: string, f1Title = 'F1'): Table {
  return {
    name: 'per_label',
    title: 'Per label',
    note: `support = times ${refName} uses the label; predicted = times ${otherName} does.`,
    columns: [text('label', 'label'), ratio('precision', 'precision'), ratio('recall', 'recall'), ratio('f1', f1Title), int('support', 'support'), int('predicted', 'predicted')],
    rows: m.per_label.map((s) => [s.label, s.precision, s.recall, s.f1, s.support, s.predicted]),
  };
}

function confusionTable(m: MetricsReport, rowName: string, colName: string): Table {
  const labels = m.confusion.labels;
  return {
    name: 'confusion',
    title: 'Confusion matrix',
    note: `Rows: ${rowName}; columns: ${colName}.`,
    columns: [text('label', `${rowName} ↓ · ${colName} →`), ...labels.map((l) => int(l, l)), int('total', 'total')],
    rows: labels.map((l, i) => [l, ...m.confusion.matrix[i], m.confusion.matrix[i].reduce((a, b) => a + b, 0)]),
  };
}

function unmatchedTable(rows: readonly UnmatchedRow[], side: string): Table {
  return {
    name: `unmatched_${side}`.slice(0, 31),
    title: `Unmatched: ${side}`,
    note: 'Records that could not be paired with a record on the other side, and why.',
    columns: [text('where', 'where'), text('id', 'id'), text('number', 'number'), text('comment_head', 'comment_head'), text('label', 'label'), text('reason', 'reason')],
    rows: rows.map((u) => [u.where, u.id, u.number, u.comment_head, u.label, u.reason]),
  };
}

function skippedTable(rows: readonly { where: string; reason: string }[], side: string): Table {
  return {
    name: `skipped_${side}`.slice(0, 31),
    title: `Skipped rows: ${side}`,
    note: 'Rows read but not used.',
    columns: [text('where', 'where'), text('reason', 'reason')],
    rows: rows.map((s) => [s.where, s.reason]),
  };
}

function section(title: string, table: Table, empty: string): string {
  return `## ${title}\n\n${table.rows.length ? toMarkdownTable(table) : `${empty}\n`}\n`;
}

function noneLine(r: EvalReport): string {
  const n = r.none;
  if (n.exact) return `none exactly on the unanswered items: yes (${n.gold_none} of ${n.gold_none})`;
  const parts = [];
  if (n.missed.length) parts.push(`missed ${n.missed.length}: ${list(n.missed)}`);
  if (n.extra.length) parts.push(`extra ${n.extra.length}: ${list(n.extra)}`);
  return `none exactly on the unanswered items: NO (${parts.join('; ')})`;
}

function evalErrorsTable(r: EvalReport): Table {
  return {
    name: 'errors',
    title: 'Errors',
    note: 'Items whose predicted label differs from the gold, with the evidence the classifier gave.',
    columns: [
      text('id', 'id'),
      text('number', 'number'),
      text('gold', 'gold'),
      text('gold_also', 'gold also'),
      text('predicted', 'predicted'),
      ratio('confidence', 'confidence'),
      text('evidence', 'evidence'),
      text('rules', 'rules'),
      text('gold_cue', 'gold cue'),
      text('gold_reason', 'gold reason'),
      text('response', 'response'),
    ],
    rows: r.errors.map((e) => [e.id, e.number, e.gold, list(e.gold_also), e.predicted, e.confidence, e.evidence, list(e.rules), e.gold_cue, e.gold_reason, e.response]),
  };
}

export function evalMarkdown(r: EvalReport): string {
  const summary: Table = {
    name: 'summary',
    title: 'Summary',
    note: '',
    columns: [text('set', 'items'), int('n', 'n'), ratio('accuracy', 'accuracy'), ratio('macro_f1', 'macro-F1'), ratio('kappa', "Cohen's kappa")],
    rows: [
      ['all aligned items', r.all.n, r.all.accuracy, r.all.macro_f1, r.all.kappa],
      ['answered items (gold ≠ none)', r.answered.n, r.answered.accuracy, r.answered.macro_f1, r.answered.kappa],
    ],
  };
  const out = [
    `# Evaluation of ${r.labels_file}${r.labels_classifier ? ` (classifier ${r.labels_classifier})` : ''} against ${r.gold_file}\n\n`,
    `Aligned ${r.aligned} of ${r.predictions} predictions and ${r.gold} gold rows (by id ${r.aligned_by.id}, by number ${r.aligned_by.number}, by comment_head ${r.aligned_by.comment_head}); unmatched: ${r.unmatched_predictions.length} predictions, ${r.unmatched_gold.length} gold rows.\n\n`,
    toMarkdownTable(summary),
    `\n${noneLine(r)}  \nalso lists identical where the label agrees: ${r.also_exact.agree} of ${r.also_exact.n}\n`,
    `\nmacro-F1 averages F1 over the labels the gold uses in each set.\n\n`,
    section('Per label (all aligned items)', perLabelTable(r.all, 'the gold', 'the classifier'), 'No aligned items.'),
    section('Confusion matrix (rows gold, columns predicted)', confusionTable(r.all, 'gold', 'predicted'), 'No aligned items.'),
    section(`Errors (${r.errors.length})`, evalErrorsTable(r), 'No errors.'),
    section(`Unmatched predictions (${r.unmatched_predictions.length})`, unmatchedTable(r.unmatched_predictions, 'predictions'), 'None.'),
    section(`Unmatched gold rows (${r.unmatched_gold.length})`, unmatchedTable(r.unmatched_gold, 'gold'), 'None.'),
  ];
  const skipped = [...r.skipped_predictions.map((s) => ({ ...s, where: `predictions ${s.where}` })), ...r.skipped_gold.map((s) => ({ ...s, where: `gold ${s.where}` }))];
  if (skipped.length) out.push(section(`Skipped rows (${skipped.length})`, skippedTable(skipped, 'both'), ''));
  return out.join('');
}

/** One row per error or unmatched record, with a status column, for filtering in Excel. */
export function evalCsv(r: EvalReport): string {
  const errors = evalErrorsTable(r);
  const rows: Cell[][] = [
    ...errors.rows.map((row) => ['error', ...row, null]),
    ...r.unmatched_predictions.map((u) => ['unmatched_prediction', u.id, u.number, null, null, u.label, null, null, null, null, null, null, `${u.where}: ${u.reason}`]),
    ...r.unmatched_gold.map((u) => ['unmatched_gold', u.id, u.number, u.label, null, null, null, null, null, null, null, null, `${u.where}: ${u.reason}`]),
  ];
  return toCsv({ columns: [text('status', 'status'), ...errors.columns, text('note', 'note')], rows });
}

export function toJson(report: unknown): string {
  return JSON.stringify(report, null, 2) + '\n';
}

function compareSummary(r: CompareReport): Table {
  const m = r.metrics;
  return {
    name: 'summary',
    title: 'Summary',
    note: `A = ${r.a.name} (${r.a.file}), B = ${r.b.name} (${r.b.file}).`,
    columns: [text('measure', 'measure'), text('value', 'value')],
    rows: [
      ['A', `${r.a.name}: ${r.a.file} (${r.a.format}, ${r.a.records} records)`],
      ['B', `${r.b.name}: ${r.b.file} (${r.b.format}, ${r.b.records} records)`],
      ['aligned items', `${r.aligned} (by id ${r.aligned_by.id}, number ${r.aligned_by.number}, comment_head ${r.aligned_by.comment_head})`],
      ['agreement', `${fmt(m.accuracy)} (${m.n - r.disagreements.length} of ${m.n})`],
      ["Cohen's kappa", fmt(m.kappa)],
      ['mean specific agreement (macro-F1)', fmt(m.macro_f1)],
      ['also lists identical where the label agrees', `${r.also_exact.agree} of ${r.also_exact.n}`],
      ['disagreements', String(r.disagreements.length)],
      ['unmatched in A / in B', `${r.unmatched_a.length} / ${r.unmatched_b.length}`],
      ['skipped rows in A / in B', `${r.skipped_a.length} / ${r.skipped_b.length}`],
    ],
  };
}

function disagreementsTable(r: CompareReport): Table {
  const a = r.a.name;
  const b = r.b.name;
  return {
    name: 'disagreements',
    title: 'Disagreements',
    note: 'Items labelled differently, side by side with each side’s evidence.',
    columns: [
      text('key', 'item'),
      text('number', 'number'),
      text('a_label', `${a} label`),
      text('a_also', `${a} also`),
      ratio('a_confidence', `${a} confidence`),
      text('a_evidence', `${a} evidence`),
      text('b_label', `${b} label`),
      text('b_also', `${b} also`),
      ratio('b_confidence', `${b} confidence`),
      text('b_evidence', `${b} evidence`),
      text('comment_head', 'comment'),
      text('response', 'response'),
    ],
    rows: r.disagreements.map((d) => [d.key, d.number, d.a_label, list(d.a_also), d.a_confidence, d.a_evidence, d.b_label, list(d.b_also), d.b_confidence, d.b_evidence, d.comment_head, d.response]),
  };
}

function compareTables(r: CompareReport): Table[] {
  return [
    compareSummary(r),
    perLabelTable(r.metrics, `A (${r.a.name})`, `B (${r.b.name})`, 'specific agreement'),
    confusionTable(r.metrics, `A (${r.a.name})`, `B (${r.b.name})`),
    disagreementsTable(r),
    unmatchedTable(r.unmatched_a, `A (${r.a.name})`),
    unmatchedTable(r.unmatched_b, `B (${r.b.name})`),
    skippedTable([...r.skipped_a.map((s) => ({ ...s, where: `A ${s.where}` })), ...r.skipped_b.map((s) => ({ ...s, where: `B ${s.where}` }))], 'A and B'),
  ];
}

export function compareMarkdown(r: CompareReport): string {
  const [summary, perLabel, confusion, disagreements, ua, ub, skipped] = compareTables(r);
  return [
    `# Comparison: ${r.a.name} vs ${r.b.name}\n\n`,
    toMarkdownTable(summary),
    '\n',
    section('Per label (specific agreement)', perLabel, 'No aligned items.'),
    section(`Confusion matrix (rows ${r.a.name}, columns ${r.b.name})`, confusion, 'No aligned items.'),
    section(`Disagreements (${r.disagreements.length})`, disagreements, 'None.'),
    section(`Unmatched in ${r.a.name} (${r.unmatched_a.length})`, ua, 'None.'),
    section(`Unmatched in ${r.b.name} (${r.unmatched_b.length})`, ub, 'None.'),
    skipped.rows.length ? section(`Skipped rows (${skipped.rows.length})`, skipped, '') : '',
  ].join('');
}

/** Disagreements and unmatched records in one sheet-like table, with a status column. */
export function compareCsv(r: CompareReport): string {
  const d = disagreementsTable(r);
  const blank = (n: number) => Array.from({ length: n }, () => null);
  const rows: Cell[][] = [
    ...d.rows.map((row) => ['disagreement', ...row, null]),
    ...r.unmatched_a.map((u) => ['unmatched_a', u.id ?? u.number, u.number, u.label, ...blank(9), `${u.where}: ${u.reason}`]),
    ...r.unmatched_b.map((u) => ['unmatched_b', u.id ?? u.number, u.number, ...blank(3), null, u.label, ...blank(5), `${u.where}: ${u.reason}`]),
  ];
  return toCsv({ columns: [text('status', 'status'), ...d.columns, text('note', 'note')], rows });
}

export async function compareXlsx(r: CompareReport): Promise<Uint8Array> {
  const tables = compareTables(r).map((t, i) => ({ ...t, name: ['summary', 'per_label', 'confusion', 'disagreements', 'unmatched_a', 'unmatched_b', 'skipped'][i] }));
  return toXlsx(tables);
}
