// Reads any label file a researcher is likely to hold into one shape, so eval and compare never care where
// labels came from: LabelRecord JSONL (`pubcom classify`), gold JSONL (GoldRecord, our labelled sets), a JSON
// array (an LLM answering in the guideline's output format), or a human coder's CSV/XLSX sheet with English
// or Japanese headers, or a run's items.jsonl (`pubcom run`: RunItem lines, one classifier's labels picked).
// Header names are data (models/eval/label-aliases.json); label spellings come from models/labels/taxonomy.json.
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { checkRecord, jsonlValues } from '../core/io.ts';
import { modelPath, readModel } from '../core/models.ts';
import { Disposition, Evidence, GoldRecord, type Item } from '../core/schema.ts';
import { labelFromName, loadLabelVocabulary, squashName } from '../core/label-names.ts';
import { decodeText } from '../parse/detect.ts';
import { RunItem } from '../report/schema.ts';
import { fillKeys, indexItems, type Keyed, type Keys } from '../core/align.ts';

const AliasEntry = z.object({ names: z.array(z.string().min(1)).min(1), rationale: z.string().min(1) });
export const LabelAliases = z.object({
  version: z.string(),
  about: z.string(),
  columns: z.object({
    id: AliasEntry,
    number: AliasEntry,
    comment_head: AliasEntry,
    response: AliasEntry,
    label: AliasEntry,
    also: AliasEntry,
    confidence: AliasEntry,
    evidence: AliasEntry,
    rule: AliasEntry,
  }),
});
export type LabelAliases = z.infer<typeof LabelAliases>;

export const DEFAULT_ALIASES_PATH = modelPath('eval/label-aliases.json');

export function loadAliases(path = DEFAULT_ALIASES_PATH): LabelAliases {
  return readModel(resolve(path), LabelAliases);
}

/** NFKC, lower case, no spaces or surrounding quotes: how headers and label spellings are compared. */
const squash = squashName;

/** One label as read from any file, with the keys that align it and whatever evidence the file gives. */
export interface LabelRow {
  label: Disposition;
  also: Disposition[];
  confidence: number | null;
  /** Spans with rule ids (LabelRecord) or the cue/evidence text a coder wrote. */
  evidence: Evidence[];
  evidence_text: string;
  classifier: string | null;
  comment: string | null;
  response: string | null;
  /** The labeller's one-line justification, when the file has one (our labelled sets). */
  reason: string | null;
}

export interface SkippedRow {
  where: string;
  reason: string;
}

/** `run` is a run folder's items.jsonl, read for one classifier. */
export type LabelFileFormat = 'jsonl' | 'json' | 'csv' | 'xlsx' | 'run';

export interface LabelFile {
  file: string;
  format: LabelFileFormat;
  /** The classifier whose labels were read, for a run's items.jsonl; absent for every other format. */
  classifier?: string;
  rows: Keyed<LabelRow>[];
  skipped: SkippedRow[];
}

function labelOf(value: unknown, aliases: LabelAliases, file: string, where: string, field: string): Disposition {
  if (typeof value !== 'string' || !value.trim()) {
    throw new InputError(file, `${field}: expected one of ${Disposition.options.join(', ')}, got ${JSON.stringify(value)}`, where);
  }
  const label = labelFromName(value);
  if (label) return label;
  const vocab = loadLabelVocabulary();
  throw new InputError(
    file,
    `${field}: unknown label "${value}"; expected one of ${Disposition.options.join(', ')}, ${Object.values(vocab.ja).join(', ')} (or a spelling listed in models/labels/taxonomy.json)`,
    where,
  );
}

function alsoOf(value: unknown, aliases: LabelAliases, file: string, where: string): Disposition[] {
  if (value === undefined || value === null || value === '') return [];
  const parts = Array.isArray(value)
    ? value
    : String(value)
        .replace(/^\[|\]$/g, '')
        .split(/[,;、/|\s]+/)
        .map((s) => s.replace(/^["']|["']$/g, ''))
        .filter(Boolean);
  const out = parts.map((p) => labelOf(p, aliases, file, where, 'also'));
  return [...new Set(out)].sort();
}

function confidenceOf(value: unknown, file: string, where: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const x = typeof value === 'number' ? value : Number(String(value).replace(/%$/, '').trim());
  if (!Number.isFinite(x) || x < 0 || x > 100) throw new InputError(file, `confidence: expected a number from 0 to 1, got ${JSON.stringify(value)}`, where);
  return x > 1 ? x / 100 : x;
}

export function renderEvidence(evidence: readonly Evidence[]): string {
  return evidence.map((e) => `「${e.text}」[${e.rule}]`).join(' ');
}

// JSON records: a LabelRecord, a GoldRecord, or an LLM's loose object ({row|number|id, label|disposition, …}).
const LooseRecord = z
  .object({
    id: z.union([z.string(), z.number()]).nullable().optional(),
    number: z.union([z.string(), z.number()]).nullable().optional(),
    row: z.union([z.string(), z.number()]).nullable().optional(),
    comment_head: z.string().optional(),
    comment: z.string().optional(),
    response: z.string().optional(),
    label: z.unknown().optional(),
    disposition: z.unknown().optional(),
    also: z.unknown().optional(),
    confidence: z.unknown().optional(),
    evidence: z.union([z.array(Evidence), z.string()]).optional(),
    cue: z.string().optional(),
    reason: z.string().optional(),
    classifier: z.union([z.object({ name: z.string(), version: z.string() }), z.string()]).optional(),
  })
  .passthrough();

function fromObject(value: unknown, aliases: LabelAliases, file: string, where: string): Keyed<LabelRow> {
  const parsed = LooseRecord.safeParse(value);
  if (!parsed.success || typeof value !== 'object' || value === null || Array.isArray(value)) {
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    throw new InputError(file, issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'expected a JSON object', where);
  }
  const r = parsed.data;
  if (r.label === undefined && r.disposition === undefined) {
    // An items.jsonl from `pubcom parse` looks like this; a run's items.jsonl would carry `labels`.
    const hint = r.comment !== undefined && r.response !== undefined ? '; this looks like parsed items without labels (use a pubcom run folder\'s items.jsonl)' : '';
    throw new InputError(file, `expected a label record (id, label, …) or a gold record (number/comment_head, disposition, …): no "label" or "disposition"${hint}`, where);
  }
  const label = labelOf(r.label ?? r.disposition, aliases, file, where, r.label !== undefined ? 'label' : 'disposition');
  if (r.disposition !== undefined && r.label === undefined) {
    // A gold row: hold it to the project's GoldRecord schema so a typo in a field name is caught here.
    checkRecord(GoldRecord, { ...r, disposition: label }, file, where);
  }
  const evidence = Array.isArray(r.evidence) ? r.evidence : [];
  const evidenceText = Array.isArray(r.evidence) ? renderEvidence(r.evidence) : (r.evidence ?? r.cue ?? '');
  const str = (v: string | number | null | undefined) => (v === undefined || v === null || v === '' ? null : String(v));
  return {
    keys: {
      id: str(r.id),
      number: str(r.number) ?? str(r.row),
      comment_head: r.comment_head ?? r.comment ?? null,
    },
    where,
    record: {
      label,
      also: alsoOf(r.also, aliases, file, where).filter((l) => l !== label),
      confidence: confidenceOf(r.confidence, file, where),
      evidence,
      evidence_text: evidenceText,
      classifier: typeof r.classifier === 'string' ? r.classifier : r.classifier ? `${r.classifier.name}@${r.classifier.version}` : null,
      comment: r.comment ?? null,
      response: r.response ?? null,
      reason: r.reason ?? null,
    },
  };
}

function readJsonRows(text: string, aliases: LabelAliases, file: string): Keyed<LabelRow>[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `invalid JSON: ${(e as Error).message}`);
  }
  // The guideline asks for a bare array; tools often wrap it.
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const wrapped = ['labels', 'items', 'records', 'results'].map((k) => (value as Record<string, unknown>)[k]).find(Array.isArray);
    if (wrapped) value = wrapped;
  }
  if (!Array.isArray(value)) throw new InputError(file, 'expected a JSON array of label objects (or {"labels": [...]})');
  return value.map((v, i) => fromObject(v, aliases, file, `element ${i + 1}`));
}

type Column = keyof LabelAliases['columns'];

/** `row N` counts records from the top of the sheet, header included (a quoted CSV cell may span lines). */
function tableRows(grid: string[][], aliases: LabelAliases, file: string): { rows: Keyed<LabelRow>[]; skipped: SkippedRow[] } {
  const unit = 'row';
  const headerAt = grid.findIndex((cells) => cells.some((c) => c.trim()));
  if (headerAt < 0) throw new InputError(file, 'empty file: expected a header row and label rows');
  const header = grid[headerAt].map(squash);
  const col = {} as Record<Column, number>;
  for (const name of Object.keys(aliases.columns) as Column[]) {
    const names = aliases.columns[name].names.map(squash);
    col[name] = header.findIndex((h) => names.includes(h));
  }
  const found = grid[headerAt].map((h) => `"${h}"`).join(', ');
  if (col.label < 0) {
    throw new InputError(file, `no label column: expected a header such as ${aliases.columns.label.names.slice(0, 6).join(', ')}; found ${found}`, `${unit} ${headerAt + 1}`);
  }
  if (col.id < 0 && col.number < 0 && col.comment_head < 0) {
    throw new InputError(file, `no key column: expected id, number (番号) or comment (意見); found ${found}`, `${unit} ${headerAt + 1}`);
  }
  const rows: Keyed<LabelRow>[] = [];
  const skipped: SkippedRow[] = [];
  const cell = (cells: string[], c: number) => (c >= 0 ? (cells[c] ?? '').trim() : '');
  for (let i = headerAt + 1; i < grid.length; i++) {
    const cells = grid[i];
    const where = `${unit} ${i + 1}`;
    if (cells.every((c) => !c.trim())) continue;
    const labelCell = cell(cells, col.label);
    const keys: Keys = {
      id: cell(cells, col.id) || null,
      number: cell(cells, col.number) || null,
      comment_head: cell(cells, col.comment_head) || null,
    };
    if (!labelCell) {
      skipped.push({ where, reason: `empty label cell (not coded)${keys.id || keys.number ? ` for ${keys.id ?? 'No.' + keys.number}` : ''}` });
      continue;
    }
    const label = labelOf(labelCell, aliases, file, where, grid[headerAt][col.label] || 'label');
    const evidenceText = cell(cells, col.evidence);
    const rule = cell(cells, col.rule);
    rows.push({
      keys,
      where,
      record: {
        label,
        also: alsoOf(cell(cells, col.also), aliases, file, where).filter((l) => l !== label),
        confidence: confidenceOf(cell(cells, col.confidence), file, where),
        evidence: [],
        evidence_text: rule ? `${evidenceText} [${rule}]` : evidenceText,
        classifier: null,
        comment: cell(cells, col.comment_head) || null,
        response: cell(cells, col.response) || null,
        reason: null,
      },
    });
  }
  return { rows, skipped };
}

function csvGrid(text: string, file: string): string[][] {
  const head = text.split(/\r?\n/, 5).join('\n');
  const delimiter = head.split('\t').length > head.split(',').length ? '\t' : ',';
  try {
    return parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(file, `malformed CSV: ${err.message}`, err.lines ? `line ${err.lines}` : undefined);
  }
}

/** The first sheet's cells as text, read by the parse stage's guarded workbook reader (parse/xlsx.ts). */
async function xlsxGrid(bytes: Uint8Array, file: string): Promise<string[][]> {
  // Loaded on first use: exceljs takes a quarter of a second to import, and most label files are JSONL or CSV.
  const { cellText, filledExtent, loadWorkbook } = await import('../parse/xlsx.ts');
  const ws = (await loadWorkbook(bytes, file)).worksheets[0];
  if (!ws) throw new InputError(file, 'the workbook has no sheet');
  const { lastRow, width } = filledExtent(ws);
  const grid: string[][] = [];
  for (let r = 1; r <= lastRow; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(ws.getCell(r, c).value, false));
    grid.push(cells);
  }
  return grid;
}

function formatOf(file: string, text: string | null): LabelFileFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return 'json';
  const t = (text ?? '').trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) return 'jsonl';
  return 'csv';
}

/** A run's line: an Item with a `labels` array and no label of its own (a LabelRecord has `label`). */
function looksLikeRunItem(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return Array.isArray(r.labels) && r.label === undefined && r.disposition === undefined;
}

/** A run item as a label row: its keys and texts, with the label fields of whichever source the label came from. */
function runItemRow(
  item: RunItem,
  where: string,
  label: Pick<LabelRow, 'label' | 'also' | 'confidence' | 'evidence' | 'evidence_text' | 'classifier'>,
): Keyed<LabelRow> {
  return {
    keys: { id: item.id, number: item.number ?? item.inferred_number, comment_head: item.comment },
    where,
    record: { ...label, comment: item.comment, response: item.response, reason: null },
  };
}

/**
 * Read from a run's items.jsonl in place of a classifier's labels: the document's own 対応区分 (the items'
 * `category`), each code taken as the label its spelling names in models/labels/taxonomy.json (反映, 記載済,
 * 参考, 原案どおり…), so that `compare` sets a classifier beside the ministry's own coding.
 */
export const DOCUMENT_CATEGORY = 'category';

function categoryRows(items: readonly { item: RunItem; where: string }[], file: string): { rows: Keyed<LabelRow>[]; skipped: SkippedRow[] } {
  if (items.every(({ item }) => item.category === undefined)) {
    throw new InputError(file, `no 対応区分 in this run: its input had no such column, so there is no "${DOCUMENT_CATEGORY}" to read`);
  }
  const rows: Keyed<LabelRow>[] = [];
  const skipped: SkippedRow[] = [];
  for (const { item, where } of items) {
    const code = item.category ?? null;
    const label = code === null ? null : labelFromName(code);
    if (code === null || label === null) {
      skipped.push({
        where,
        reason: code === null ? `${item.id}: 対応区分 blank` : `${item.id}: 対応区分 "${code}" is no label spelling (models/labels/taxonomy.json aliases)`,
      });
      continue;
    }
    rows.push(runItemRow(item, where, { label, also: [], confidence: null, evidence: [], evidence_text: `対応区分「${code}」`, classifier: DOCUMENT_CATEGORY }));
  }
  return { rows, skipped };
}

function readRunRows(
  values: readonly { value: unknown; line: number }[],
  file: string,
  wanted: string | undefined,
  flag: string,
): { rows: Keyed<LabelRow>[]; skipped: SkippedRow[]; classifier: string } {
  const items = values.map(({ value, line }) => {
    const parsed = RunItem.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(file, `expected a run item (pubcom run's items.jsonl): ${issue.path.join('.') || 'record'}: ${issue.message}`, `line ${line}`);
    }
    return { item: parsed.data, where: `line ${line}` };
  });
  if (wanted === DOCUMENT_CATEGORY) return { ...categoryRows(items, file), classifier: DOCUMENT_CATEGORY };
  // Configured order, as the run wrote it; a classifier that abstained on the first item still counts.
  const names = [...new Set(items.flatMap(({ item }) => item.labels.map((l) => l.classifier)))];
  if (names.length === 0) throw new InputError(file, 'this run\'s items carry no classifier labels');
  const listed = names.map((n) => `"${n}"`).join(', ');
  let classifier: string;
  if (wanted !== undefined) {
    if (!names.includes(wanted)) throw new InputError(file, `no classifier "${wanted}" in this run; it has ${listed}`);
    classifier = wanted;
  } else if (names.length === 1) {
    classifier = names[0];
  } else {
    throw new InputError(file, `this run holds labels from ${names.length} classifiers (${listed}); choose one with ${flag}`);
  }
  const rows: Keyed<LabelRow>[] = [];
  const skipped: SkippedRow[] = [];
  for (const { item, where } of items) {
    const l = item.labels.find((x) => x.classifier === classifier);
    if (!l) {
      skipped.push({ where, reason: `no "${classifier}" label for ${item.id}` });
      continue;
    }
    rows.push(
      runItemRow(item, where, {
        label: l.label,
        also: l.also.filter((x) => x !== l.label),
        confidence: l.confidence,
        evidence: l.evidence,
        evidence_text: renderEvidence(l.evidence),
        classifier: `${l.classifier}@${l.version}`,
      }),
    );
  }
  return { rows, skipped, classifier };
}

export interface ReadLabelOptions {
  aliases?: LabelAliases;
  /** items.jsonl of the document: fills ids from numbers/comment heads and vice versa, and gives the texts. */
  items?: readonly Item[];
  /** Which classifier's labels to read from a run's items.jsonl; ignored for every other format. */
  classifier?: string;
  /** How to set `classifier` (e.g. "--classifier <name>"), named in the message when a run holds several. */
  classifierFlag?: string;
}

export async function readLabelFile(file: string, opts: ReadLabelOptions = {}): Promise<LabelFile> {
  const aliases = opts.aliases ?? loadAliases();
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (bytes.length === 0) throw new InputError(file, 'empty file: expected label records');
  const isXlsx = extname(file).toLowerCase() === '.xlsx' || (bytes[0] === 0x50 && bytes[1] === 0x4b);
  const text = isXlsx ? null : decodeText(file, bytes).text.replace(/^\uFEFF/, '');
  const format = isXlsx ? 'xlsx' : formatOf(file, text);
  let rows: Keyed<LabelRow>[];
  let skipped: SkippedRow[] = [];
  if (format === 'jsonl') {
    const values = Array.from(jsonlValues(text!, file));
    if (values.length > 0 && looksLikeRunItem(values[0].value)) {
      const run = readRunRows(values, file, opts.classifier, opts.classifierFlag ?? '--classifier <name>');
      rows = opts.items ? withItems(run.rows, opts.items) : run.rows;
      return { file, format: 'run', classifier: run.classifier, rows, skipped: run.skipped };
    }
    rows = values.map(({ value, line }) => fromObject(value, aliases, file, `line ${line}`));
  } else if (format === 'json') rows = readJsonRows(text!, aliases, file);
  else ({ rows, skipped } = tableRows(format === 'xlsx' ? await xlsxGrid(bytes, file) : csvGrid(text!, file), aliases, file));
  if (rows.length === 0 && skipped.length === 0) throw new InputError(file, 'no label records found');
  if (opts.items) rows = withItems(rows, opts.items);
  return { file, format, rows, skipped };
}

/** Fills keys and texts from items.jsonl (see fillKeys); a record's own values win. */
export function withItems(rows: readonly Keyed<LabelRow>[], items: readonly Item[]): Keyed<LabelRow>[] {
  const index = indexItems(items);
  return rows.map((r) => {
    const { keys, item } = fillKeys(r.keys, index);
    if (!item) return r;
    return {
      ...r,
      keys,
      record: { ...r.record, comment: r.record.comment ?? item.comment, response: r.record.response ?? item.response },
    };
  });
}
