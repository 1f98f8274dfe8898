import { extname } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { readJsonl, writeAtomic } from '../core/io.ts';
import type { Item } from '../core/schema.ts';
import type { LabelFile } from './label-file.ts';

type Format = 'md' | 'csv' | 'json' | 'xlsx';

function pickFormat(given: string | undefined, out: string | undefined, allowed: readonly Format[]): Format {
  const fromExt: Record<string, Format> = { '.md': 'md', '.csv': 'csv', '.json': 'json', '.xlsx': 'xlsx' };
  const format = (given ?? (out ? fromExt[extname(out).toLowerCase()] : undefined) ?? 'md') as Format;
  if (!allowed.includes(format)) throw new InputError('--format', `expected one of ${allowed.join(', ')}, got "${given}"`);
  return format;
}

function emit(data: string | Uint8Array, out: string | undefined): void {
  if (out) writeAtomic(out, data);
  else process.stdout.write(data);
}

async function readItems(path: string | undefined): Promise<Item[] | undefined> {
  return path ? readJsonl(path, (await import('../core/schema.ts')).Item) : undefined;
}

/** A classifier option aimed at a file that is not a run's items.jsonl is a mistake worth stopping on. */
function needRun(flag: string, value: string | undefined, file: LabelFile): void {
  if (value !== undefined && file.format !== 'run') {
    throw new InputError(file.file, `${flag} picks a classifier inside a run's items.jsonl, but this is a ${file.format} label file`);
  }
}

/** The report's default name for a side: its file, plus the classifier when read from a run. */
function sideName(file: LabelFile): string {
  return file.classifier ? `${file.file} [${file.classifier}]` : file.file;
}

interface EvalOptions {
  gold: string;
  items?: string;
  classifier?: string;
  format?: string;
  out?: string;
}

interface CompareOptions {
  items?: string;
  classifier?: string;
  classifierA?: string;
  classifierB?: string;
  format?: string;
  out?: string;
  nameA?: string;
  nameB?: string;
}

export function evalCommand(program: Command): void {
  program
    .command('eval <labels>')
    .description('score a label file against a gold file: accuracy, macro-F1, per-label P/R/F1, confusion, kappa, errors with evidence')
    .requiredOption('--gold <file>', 'gold labels: GoldRecord JSONL (number/comment_head or id + disposition), or any label file compare reads')
    .option('--items <file>', 'items.jsonl of the document, to map ids to numbers and comment heads (needed when predictions carry ids and the gold carries numbers)')
    .option('--classifier <name>', "when <labels> is a run's items.jsonl: whose labels to score (default: the run's only classifier)")
    .option('--format <fmt>', 'md (default), csv (errors and unmatched rows, UTF-8 with BOM) or json (the full report)')
    .option('--out <file>', 'write the report here (atomically) instead of stdout; the format follows the extension unless --format is given')
    .addHelpText(
      'after',
      `
Labels may be a run's items.jsonl (pubcom run; pick the classifier with --classifier when the run has several),
LabelRecord JSONL (pubcom classify), gold JSONL, a JSON array, or a CSV/XLSX sheet (see pubcom compare).
Records are aligned by id, then number, then the first 30 characters of the comment; anything unaligned is listed.
A run's items carry id, number and comment, so it needs no --items.

Examples:
  pubcom eval reports/seed/items.jsonl --gold data/labels/seed.gold.jsonl --classifier rules
  pubcom eval reports/seed/labels.rules.jsonl --gold data/labels/seed.gold.jsonl --items reports/seed/items.jsonl
  pubcom eval labels.jsonl --gold data/labels/other-ministries.jsonl --format json --out eval.json`,
    )
    .action(async (labels: string, opts: EvalOptions) => {
      const format = pickFormat(opts.format, opts.out, ['md', 'csv', 'json']);
      const { evaluate } = await import('./evaluate.ts');
      const { readLabelFile } = await import('./label-file.ts');
      const { fmt } = await import('../core/metrics.ts');
      const { evalCsv, evalMarkdown, toJson } = await import('./render.ts');
      const items = await readItems(opts.items);
      const pred = await readLabelFile(labels, { items, classifier: opts.classifier });
      needRun('--classifier', opts.classifier, pred);
      const gold = await readLabelFile(opts.gold, { items });
      const report = evaluate(pred, gold);
      if (report.aligned === 0) throw new InputError(labels, nothingAligned(labels, opts.gold, opts.items));
      emit(format === 'json' ? toJson(report) : format === 'csv' ? evalCsv(report) : evalMarkdown(report), opts.out);
      process.stderr.write(
        `pubcom eval: ${report.aligned} aligned; answered items accuracy ${fmt(report.answered.accuracy)}, macro-F1 ${fmt(report.answered.macro_f1)}; kappa ${fmt(report.all.kappa)}; ${report.errors.length} errors; unmatched ${report.unmatched_predictions.length} predictions / ${report.unmatched_gold.length} gold${opts.out ? ` → ${opts.out}` : ''}\n`,
      );
    });
}

/** Never a report of "0 aligned" with exit 0: say what would align the two files. */
function nothingAligned(a: string, b: string, items: string | undefined): string {
  return (
    `no record of ${a} aligned with ${b} (by id, number or comment head). ` +
    (items
      ? `Check that both files and ${items} come from the same document.`
      : 'Add --items <items.jsonl> (the run\'s items.jsonl or the parsed document), so ids, numbers and comments can be filled in and matched, or check that both files come from the same document.')
  );
}

export function compareCommand(program: Command): void {
  program
    .command('compare <a> <b>')
    .description('agreement, kappa and confusion between two label files, with the disagreements side by side')
    .option('--items <file>', 'items.jsonl of the document, to map ids ↔ numbers/comment heads and show the texts')
    .option('--classifier <name>', "for each side that is a run's items.jsonl: whose labels to read (default: the run's only classifier)")
    .option('--classifier-a <name>', "the classifier to read from A, a run's items.jsonl (overrides --classifier)")
    .option('--classifier-b <name>', "the classifier to read from B, a run's items.jsonl (overrides --classifier)")
    .option('--name-a <name>', 'name for A in the report (default: its file name, with [classifier] for a run)')
    .option('--name-b <name>', 'name for B in the report (default: its file name, with [classifier] for a run)')
    .option('--format <fmt>', 'md (default), csv (disagreements and unmatched rows, UTF-8 with BOM), xlsx (needs --out) or json')
    .option('--out <file>', 'write the report here (atomically) instead of stdout; the format follows the extension unless --format is given')
    .addHelpText(
      'after',
      `
A and B can each be: a run's items.jsonl (pubcom run; one classifier's labels, chosen with --classifier,
--classifier-a or --classifier-b when the run has several; A and B may be the same run; no --items needed);
LabelRecord JSONL from pubcom classify; a gold JSONL; a JSON array ({row|number|id, label|disposition});
a CSV (UTF-8 with or without BOM, or Shift_JIS) or XLSX sheet with a key column (id / number / 番号 / 意見) and a label
column (label / disposition / 分類 / 判定 / 区分), optionally also, confidence, evidence (根拠) and rule. Labels may be
written in English or Japanese (the tool's own names 反映（修正）, 既に対応・記載, 参考・今後検討, 不採用, 回答なし, and coder
words such as 修正する, 反映済み, 対応済, 記載あり, 参考とする, 今後検討, 対応困難: models/labels/taxonomy.json). Rows with an
empty label cell are listed as skipped, never scored. For a run whose input had a 対応区分 column, the classifier name
"category" reads the document's own codes as labels (反映, 記載済, 参考, 原案どおり…; a code no spelling names is skipped).

Examples:
  pubcom compare reports/seed/items.jsonl reports/seed/items.jsonl --classifier-a rules --classifier-b ensemble
  pubcom compare reports/seed/items.jsonl coder.csv --classifier rules --name-b 佐藤
  pubcom compare reports/city/items.jsonl reports/city/items.jsonl --classifier-a rules --classifier-b category
  pubcom compare reports/before/items.jsonl reports/after/items.jsonl --classifier ensemble
  pubcom compare labels.rules.jsonl labels.ensemble.jsonl --items items.jsonl
  pubcom compare coder1.csv coder2.xlsx --name-a 佐藤 --name-b 鈴木 --format xlsx --out agreement.xlsx`,
    )
    .action(async (a: string, b: string, opts: CompareOptions) => {
      const format = pickFormat(opts.format, opts.out, ['md', 'csv', 'xlsx', 'json']);
      if (format === 'xlsx' && !opts.out) throw new InputError('--out', 'xlsx output needs --out <file.xlsx> (it is binary)');
      const { compare } = await import('./compare.ts');
      const { readLabelFile } = await import('./label-file.ts');
      const { fmt } = await import('../core/metrics.ts');
      const { compareCsv, compareMarkdown, compareXlsx, toJson } = await import('./render.ts');
      const items = await readItems(opts.items);
      const classifierA = opts.classifierA ?? opts.classifier;
      const classifierB = opts.classifierB ?? opts.classifier;
      const fa = await readLabelFile(a, { items, classifier: classifierA, classifierFlag: '--classifier-a <name> (or --classifier <name> for both sides)' });
      const fb = await readLabelFile(b, { items, classifier: classifierB, classifierFlag: '--classifier-b <name> (or --classifier <name> for both sides)' });
      needRun('--classifier-a', opts.classifierA, fa);
      needRun('--classifier-b', opts.classifierB, fb);
      // A shared --classifier may name a run on one side only (run vs coder sheet); it must reach at least one.
      if (opts.classifier !== undefined && fa.format !== 'run' && fb.format !== 'run') needRun('--classifier', opts.classifier, fa);
      const report = compare(fa, fb, { a: opts.nameA ?? sideName(fa), b: opts.nameB ?? sideName(fb) });
      if (report.aligned === 0) throw new InputError(a, nothingAligned(a, b, opts.items));
      const data =
        format === 'xlsx' ? await compareXlsx(report) : format === 'csv' ? compareCsv(report) : format === 'json' ? toJson(report) : compareMarkdown(report);
      emit(data, opts.out);
      process.stderr.write(
        `pubcom compare: ${report.aligned} aligned; agreement ${fmt(report.metrics.accuracy)}, kappa ${fmt(report.metrics.kappa)}; ${report.disagreements.length} disagreements; unmatched ${report.unmatched_a.length} / ${report.unmatched_b.length}; skipped ${report.skipped_a.length} / ${report.skipped_b.length}${opts.out ? ` → ${opts.out}` : ''}\n`,
      );
    });
}
