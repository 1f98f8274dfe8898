// The files `pubcom classify` and `pubcom train` read: rows to label (JSONL or CSV) and labelled rows, joined to
// items when they carry no response text.
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { checkRecord, jsonlRecords, readJsonl, readTextFile } from '../core/io.ts';
import { Item } from '../core/schema.ts';
import { cleanText, commentHead, normalize } from '../core/text.ts';
import { labelFromName } from '../core/label-names.ts';
import { readLabelFile } from '../eval/label-file.ts';
import { decodeText } from '../parse/detect.ts';
import { parseDocument } from '../parse/index.ts';
import { ClassifyInput, type LabelledRow } from './types.ts';

const CSV_COLUMNS: Record<string, keyof ClassifyInput> = {
  id: 'id',
  response: 'response',
  comment: 'comment',
  number: 'number',
  group: 'response_group',
  response_group: 'response_group',
};

/** JSONL (Items or any rows with id and response) or CSV with a header row naming at least id and response. */
export function readClassifyInputs(path: string): ClassifyInput[] {
  if (/\.csv$/i.test(path)) return readCsvInputs(path);
  if (/\.json$/i.test(path)) return readJsonArray(path);
  return readJsonl(path, ClassifyInput);
}

/**
 * A .json file holding one array of the same records (what many scripts write instead of JSONL); any other .json
 * (JSONL under that name, one object) is read line by line.
 */
function readJsonArray(path: string): ClassifyInput[] {
  const text = readTextFile(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return jsonlRecords(text, path, ClassifyInput);
  }
  if (!Array.isArray(value)) return jsonlRecords(text, path, ClassifyInput);
  return value.map((v, i) => checkRecord(ClassifyInput, v, path, `record ${i + 1}`));
}

function readCsvInputs(path: string): ClassifyInput[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const { text } = decodeText(path, bytes);
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new InputError(path, `malformed CSV: ${(e as Error).message}`);
  }
  if (!records.length) throw new InputError(path, 'empty CSV: expected a header row with id and response columns');
  const header = records[0].map((h) => normalize(h).toLowerCase());
  const columns = header.map((h) => CSV_COLUMNS[h]);
  for (const required of ['id', 'response'] as const) {
    if (!columns.includes(required)) {
      throw new InputError(path, `no "${required}" column (header: ${records[0].join(', ')}); expected columns id, response[, comment, number, group]`, 'row 1');
    }
  }
  return records.slice(1).map((cells, r) => {
    const row: Record<string, string> = {};
    columns.forEach((c, j) => {
      if (c && cells[j] !== undefined) row[c] = c === 'response' || c === 'comment' ? cleanText(cells[j]) : cells[j].trim();
    });
    if (!row.id) throw new InputError(path, 'empty id', `row ${r + 2}`);
    return ClassifyInput.parse({ ...row, response: row.response ?? '', response_group: row.response_group || null });
  });
}

/** A labelled row as researchers write them: GoldRecord fields, `label` accepted for `disposition`. */
const LabelledLine = z
  .object({
    id: z.string().optional(),
    number: z.union([z.string(), z.number()]).nullable().optional(),
    comment_head: z.string().optional(),
    comment: z.string().optional(),
    response: z.string().optional(),
    disposition: z.string().optional(),
    label: z.string().optional(),
    group: z.string().nullable().optional(),
    response_group: z.string().nullable().optional(),
  })
  .refine((r) => r.disposition !== undefined || r.label !== undefined, { message: 'needs "disposition" (or "label")' });
type LabelledLine = z.infer<typeof LabelledLine>;

/**
 * JSONL of labelled rows, or the coder sheets `pubcom compare` reads (CSV/TSV/XLSX with 番号/意見/分類/… headers,
 * any label spelling of models/labels/taxonomy.json): one reader for coders' files across compare, eval and train.
 */
async function readLabelledLines(path: string): Promise<LabelledLine[]> {
  if (!/\.(csv|tsv|xlsx)$/i.test(path)) return readJsonl(path, LabelledLine);
  const file = await readLabelFile(path);
  return file.rows.map((r) => ({
    ...(r.keys.id ? { id: r.keys.id } : {}),
    number: r.keys.number,
    ...(r.keys.comment_head ? { comment_head: r.keys.comment_head } : {}),
    ...(r.record.response ? { response: r.record.response } : {}),
    label: r.record.label,
  }));
}

async function readItems(path: string): Promise<Item[]> {
  if (/\.jsonl$/i.test(path)) return readJsonl(path, Item);
  return (await parseDocument(path)).items;
}

/**
 * Labelled rows for training. Rows without response text are joined to --items by id, then number, then
 * comment_head; rows that cannot be joined are reported, never dropped silently.
 */
export async function readLabelledRows(goldPath: string, itemsPath?: string): Promise<{ rows: LabelledRow[]; unmatched: string[] }> {
  const lines = await readLabelledLines(goldPath);
  const items = itemsPath ? await readItems(itemsPath) : [];
  const byId = new Map(items.map((i) => [i.id, i]));
  const byNumber = new Map<string, Item>();
  const byHead = new Map<string, Item>();
  for (const it of items) {
    const n = it.number ?? it.inferred_number;
    if (n && !byNumber.has(n)) byNumber.set(n, it);
    const head = commentHead(it.comment);
    if (head && !byHead.has(head)) byHead.set(head, it);
  }
  const rows: LabelledRow[] = [];
  const unmatched: string[] = [];
  lines.forEach((l: LabelledLine, i) => {
    const written = (l.disposition ?? l.label)!;
    // Any spelling of the taxonomy (反映（修正）, 対応済, 参考とする, …); an unknown one is reported as skipped later.
    const label = labelFromName(written) ?? written;
    const where = l.id ?? (l.number !== undefined && l.number !== null ? `number ${l.number}` : `line ${i + 1}`);
    let item: Item | undefined;
    if (l.response === undefined) {
      item =
        (l.id ? byId.get(l.id) : undefined) ??
        (l.number !== undefined && l.number !== null ? byNumber.get(String(l.number)) : undefined) ??
        (l.comment_head ? byHead.get(commentHead(l.comment_head)) : undefined);
      if (!item) {
        unmatched.push(`${where}: no response text and no matching item${itemsPath ? '' : ' (pass --items)'}`);
        return;
      }
    }
    const comment = item ? item.comment : l.comment !== undefined ? cleanText(l.comment) : undefined;
    rows.push({
      id: item?.id ?? l.id ?? `${goldPath}#${l.number ?? i + 1}`,
      response: item ? item.response : cleanText(l.response!),
      ...(comment ? { comment } : {}),
      label,
      group: item?.response_group ?? l.response_group ?? l.group ?? null,
    });
  });
  return { rows, unmatched };
}
