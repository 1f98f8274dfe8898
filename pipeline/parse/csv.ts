// CSV (and tab-separated "Unicode text") exports of result tables, in UTF-8 (with or without BOM),
// CP932 or UTF-16; quoted cells may span lines.
import { parse } from 'csv-parse/sync';
import { InputError } from '../core/errors.ts';
import { listFirst } from '../core/text.ts';
import { decodeText } from './detect.ts';
import { tableToDocument, textCell, type Table, type TableCell } from './tabular.ts';
import type { Item } from '../core/schema.ts';
import type { FormatReader, ParsedDocument } from './types.ts';

/**
 * Tab when more of the first lines hold a tab than a comma (Excel's "Unicode text" and tab-delimited exports), else
 * comma; on a tie, the more frequent of the two. Lines rather than counts: a tab-separated comment quoting figures
 * (1,000万kW、2,000万kW、3,000万kW) holds more commas than its row holds tabs, but every row holds a tab.
 */
function guessDelimiter(text: string): string {
  const lines = text.split(/\r?\n/, 10);
  const tabLines = lines.filter((l) => l.includes('\t')).length;
  const commaLines = lines.filter((l) => l.includes(',')).length;
  if (tabLines !== commaLines) return tabLines > commaLines ? '\t' : ',';
  const head = lines.join('\n');
  return head.split('\t').length > head.split(',').length ? '\t' : ',';
}

/**
 * RFC 4180 records of a well-formed file, read straight from the string: csv-parse decodes every field through a
 * Buffer slice, which was most of the parse stage on a 200,000-row round. Anything irregular (a closing quote not
 * followed by a delimiter or line end, an unclosed quote, a line end other than the file's first one) returns
 * null, and csv-parse reads the file instead, with its exact recovery rules and error messages. Same options as
 * below: quote `"` (doubled inside quotes), a quote inside an unquoted cell kept as it is (relax_quotes), rows
 * of any length, an empty line a row with one empty cell, no row after a final line end.
 */
export function fastRecords(text: string, delimiter: string): string[][] | null {
  const records: string[][] = [];
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  // The record delimiter is the first line end outside quotes, as csv-parse discovers it.
  let eol = '';
  let row: string[] = [];
  let i = 0;
  while (i < n) {
    // One cell starting at i.
    if (text.charCodeAt(i) === 34) {
      let cell = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return null; // unclosed quote
        if (text.charCodeAt(q + 1) === 34) {
          cell += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        cell += text.slice(from, q);
        i = q + 1;
        break;
      }
      row.push(cell);
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === d || c === 10 || c === 13) break;
        j++;
      }
      row.push(text.slice(i, j));
      i = j;
    }
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (c === d) {
      i++;
      if (i === n) row.push('');
      continue;
    }
    if (c !== 10 && c !== 13) return null; // text after a closing quote
    const end = c === 13 && text.charCodeAt(i + 1) === 10 ? '\r\n' : c === 13 ? '\r' : '\n';
    if (!eol) eol = end;
    else if (end !== eol) return null;
    records.push(row);
    row = [];
    i += end.length;
  }
  if (row.length) records.push(row);
  return records;
}

/** What the shape checks say of one row; `oddWidth` when it is only that its cell count differs from the table's. */
interface ShapeNote {
  row: number;
  text: string;
  oddWidth: boolean;
}

export function csvTable(text: string, file: string): Table & { shapeNotes: ShapeNote[] } {
  let records: string[][];
  const delimiter = guessDelimiter(text);
  try {
    records = fastRecords(text, delimiter) ?? parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(file, `malformed CSV: ${err.message.replace(/^Invalid [^:]*: /, '')}`, err.lines ? `line ${err.lines}` : undefined);
  }
  // Copies of a campaign text share one cell (and so one string): a mass round holds each text once, and the
  // later per-cell work (whitespace count, cleaning) is done once per distinct text.
  const cellOf = new Map<string, TableCell>();
  const cell = (text: string): TableCell => {
    let c = cellOf.get(text);
    if (!c) cellOf.set(text, (c = textCell(ownCopy(text))));
    return c;
  };
  const rows = records.map((cells, i) => ({ index: i + 1, cells: cells.map(cell) }));
  return { rows, shapeNotes: shapeChecks(records, delimiter) };
}

/**
 * The text as a string of its own. A cell cut from the file's text is a slice that keeps the whole decoded file
 * alive (a 240 MB input: half a gigabyte of UTF-16) for as long as any item holds its raw text, which is the whole
 * run; a copy of each distinct cell lets the file's text go when parsing ends. Short slices are copies already.
 */
function ownCopy(s: string): string {
  // Concatenation makes a cons string, which the slice flattens into a new string and cuts back to `s`.
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}

/**
 * An unbalanced quote makes csv-parse read on to the next quote, so later rows end up inside one cell: rows
 * whose cell count differs from the table's, and cells holding lines that look like rows of their own, are
 * reported rather than silently merged.
 */
function shapeChecks(records: string[][], delimiter: string): ShapeNote[] {
  const notes: ShapeNote[] = [];
  const counts = new Map<number, number>();
  for (const r of records) if (r.filter((c) => c.trim()).length >= 2) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  const width = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
  const rowStart = new RegExp(`\\n\\s*"?[0-9０-９]{1,5}"?\\s*${delimiter === '\t' ? '\\t' : ','}`);
  records.forEach((r, i) => {
    const swallowed = r.map((c) => c.split('\n').filter((line) => rowStart.test(`\n${line}`)).length).reduce((a, b) => a + b, 0);
    if (swallowed) {
      notes.push({ row: i + 1, oddWidth: false, text: `row ${i + 1}: a quoted cell holds ${swallowed} line(s) that look like rows of their own (an unbalanced quote "?); they were merged into this row; check the file around it` });
    } else if (width !== undefined && r.length !== width && r.some((c) => c.trim())) {
      notes.push({ row: i + 1, oddWidth: true, text: `row ${i + 1}: ${r.length} cells where the table has ${width} (an unbalanced quote or a stray delimiter?)` });
    }
  });
  return notes;
}

/** Printed numbers that jump (No.3 then No.7) where rows may have been merged. */
function numberingChecks(numbers: (string | null)[]): string[] {
  const out: string[] = [];
  let last: number | null = null;
  for (const n of numbers) {
    // A merged cell's list ("56,57,58") runs from its first number to its last.
    if (n === null || !/^\d+(,\d+)*$/.test(n)) continue;
    const list = n.split(',').map(Number);
    const v = list[0];
    if (last !== null && v > last + 1) out.push(`numbering jumps from No.${last} to No.${v}: ${v - last - 1} number(s) missing (rows merged or left out?)`);
    last = list[list.length - 1];
  }
  return out;
}

/** Items named in full in the blank-answer warning; the rest are counted. */
const SHOWN_BLANK_RUNS = 10;

/**
 * A merged answer cell saved as CSV keeps its text in its first row only, so the comments sharing it come out with an
 * empty answer. A blank answer can also be a real one (a comment left unanswered), so nothing is filled in: the items
 * whose empty answer sits directly below an answered row are named, with the inputs that give them their answer.
 */
export function blanksBelowAnswers(items: readonly Item[]): string[] {
  const label = (it: Item) => (it.number ? `No.${it.number}` : `row ${it.source.rows?.at(-1)}`);
  const runs: { above: Item; blanks: Item[] }[] = [];
  let run: { above: Item; blanks: Item[] } | null = null;
  items.forEach((it, i) => {
    const prev = items[i - 1];
    const first = it.source.rows?.[0];
    const below = prev !== undefined && first !== undefined && first === (prev.source.rows?.at(-1) ?? -1) + 1;
    if (it.response || !below) {
      run = null;
      return;
    }
    if (run) run.blanks.push(it);
    else if (prev.response) runs.push((run = { above: prev, blanks: [it] }));
  });
  if (!runs.length) return [];
  const count = runs.reduce((n, r) => n + r.blanks.length, 0);
  const rowsOf = (blanks: Item[]) => {
    const from = blanks[0].source.rows![0];
    const to = blanks[blanks.length - 1].source.rows!.at(-1)!;
    return from === to ? `row ${from}` : `rows ${from}–${to}`;
  };
  const shown = runs
    .slice(0, SHOWN_BLANK_RUNS)
    .map((r) => {
      const numbers = r.blanks.flatMap((it) => (it.number ? [`No.${it.number}`] : []));
      return `${numbers.length ? `${numbers.join(', ')}: ` : ''}${rowsOf(r.blanks)}, below ${label(r.above)}`;
    })
    .join('; ');
  const more = runs.length > SHOWN_BLANK_RUNS ? `; and ${runs.length - SHOWN_BLANK_RUNS} more place(s)` : '';
  return [
    `${count} item(s) have an empty answer directly below an answered row (${shown}${more}): the answer cell may have been merged ` +
      'in the source, and a merged cell saved as CSV keeps its text in its first row only; their response is left empty, and the ' +
      'XLSX (merged cells are read) or a CSV with the answer filled in gives them their answer',
  ];
}

export const readCsv: FormatReader = async (input, opts) => {
  const { text } = decodeText(opts.file, input);
  const table = csvTable(text, opts.file);
  const doc = tableToDocument(table, opts);
  doc.warnings.push(...shapeWarnings(table.shapeNotes, doc), ...numberingChecks(doc.items.map((it) => it.number)), ...blanksBelowAnswers(doc.items));
  return doc;
};

/**
 * A title, a period or a small summary table (区分, 件数) above the column headings has fewer cells than the result
 * table by nature: one line says so instead of a "stray delimiter?" note per row.
 */
function shapeWarnings(notes: readonly ShapeNote[], doc: ParsedDocument): string[] {
  const above = new Set(doc.accounts.filter((a) => a.fate === 'header' && a.reason?.startsWith('above the column headings')).map((a) => a.index));
  const aboveHeadings = notes.filter((n) => n.oddWidth && above.has(n.row)).map((n) => n.row);
  const kept = notes.filter((n) => !(n.oddWidth && above.has(n.row))).map((n) => n.text);
  if (aboveHeadings.length) {
    kept.unshift(`${aboveHeadings.length} row(s) above the column headings (${listFirst(aboveHeadings, 5)}) have fewer or more cells than the table: a title, notes or a summary table; read as text above the table`);
  }
  return kept;
}
