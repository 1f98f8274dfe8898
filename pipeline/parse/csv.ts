// CSV (and tab-separated "Unicode text") exports of result tables, in UTF-8 (with or without BOM),
// CP932 or UTF-16; quoted cells may span lines.
import { parse } from 'csv-parse/sync';
import { InputError } from '../core/errors.ts';
import { decodeText } from './detect.ts';
import { tableToDocument, textCell, type Table } from './tabular.ts';
import type { FormatReader } from './types.ts';

/** Tab when the first lines hold more tabs than commas (Excel's "Unicode text" export), else comma. */
function guessDelimiter(text: string): string {
  const head = text.split(/\r?\n/, 10).join('\n');
  const tabs = head.split('\t').length;
  const commas = head.split(',').length;
  return tabs > commas ? '\t' : ',';
}

export function csvTable(text: string, file: string): Table & { warnings: string[] } {
  let records: string[][];
  const delimiter = guessDelimiter(text);
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(file, `malformed CSV: ${err.message.replace(/^Invalid [^:]*: /, '')}`, err.lines ? `line ${err.lines}` : undefined);
  }
  return { rows: records.map((cells, i) => ({ index: i + 1, cells: cells.map(textCell) })), warnings: shapeChecks(records, delimiter) };
}

/**
 * An unbalanced quote makes csv-parse read on to the next quote, so later rows end up inside one cell: rows
 * whose cell count differs from the table's, and cells holding lines that look like rows of their own, are
 * reported rather than silently merged.
 */
function shapeChecks(records: string[][], delimiter: string): string[] {
  const warnings: string[] = [];
  const counts = new Map<number, number>();
  for (const r of records) if (r.filter((c) => c.trim()).length >= 2) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  const width = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
  const rowStart = new RegExp(`\\n\\s*"?[0-9０-９]{1,5}"?\\s*${delimiter === '\t' ? '\\t' : ','}`);
  records.forEach((r, i) => {
    const swallowed = r.map((c) => c.split('\n').filter((line) => rowStart.test(`\n${line}`)).length).reduce((a, b) => a + b, 0);
    if (swallowed) {
      warnings.push(`row ${i + 1}: a quoted cell holds ${swallowed} line(s) that look like rows of their own (an unbalanced quote "?); they were merged into this row; check the file around it`);
    } else if (width !== undefined && r.length !== width && r.some((c) => c.trim())) {
      warnings.push(`row ${i + 1}: ${r.length} cells where the table has ${width} (an unbalanced quote or a stray delimiter?)`);
    }
  });
  return warnings;
}

/** Printed numbers that jump (No.3 then No.7) where rows may have been merged. */
function numberingChecks(numbers: (string | null)[]): string[] {
  const out: string[] = [];
  let last: number | null = null;
  for (const n of numbers) {
    if (n === null || !/^\d+$/.test(n)) continue;
    const v = Number(n);
    if (last !== null && v > last + 1) out.push(`numbering jumps from No.${last} to No.${v}: ${v - last - 1} number(s) missing (rows merged or left out?)`);
    last = v;
  }
  return out;
}

export const readCsv: FormatReader = async (input, opts) => {
  const { text } = decodeText(opts.file, input);
  const table = csvTable(text, opts.file);
  const doc = tableToDocument(table, opts);
  doc.warnings.push(...table.warnings, ...numberingChecks(doc.items.map((it) => it.number)));
  return doc;
};
