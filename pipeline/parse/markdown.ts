// Result tables written as Markdown pipe tables (| 番号 | ご意見の概要 | 市の考え方 |), as web clippers, wiki and
// note-taking exports and chat assistants give a web page's table. Each table row becomes a row of the tabular
// reader, numbered by its line in the file; a `#` heading between tables becomes a one-cell row (a section title),
// as HTML headings do. Pipes, the |---| delimiter rows and other lines are not table text: their characters are
// counted and said in a note, like the text outside an HTML page's tables.
import { InputError } from '../core/errors.ts';
import { listFirst, nonWhitespaceLength, stripHtml } from '../core/text.ts';
import { decodeText, hasPipe, pipeTableStarts } from './detect.ts';
import { spanHeadingRows, tableToDocument, type TableCell, type TableRow } from './tabular.ts';
import type { FormatReader } from './types.ts';

/** An ATX heading (# 第1章 総則), or a line that is all bold (**第1章 総則**), as exports write a title: a section title between tables. */
const HEADING = /^\s{0,3}(?:(#{1,6})\s+(.*?)\s*#*|(\*\*|__)(.+?)\3)\s*$/;

/** The cells of one pipe-table row: split on unescaped pipes, the outer pipes dropped, `\|` read as a pipe. */
export function pipeCells(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, '|').trim());
}

/** A cell's text without inline Markdown: **bold**, __bold__, `code` and [text](address) keep only their text. */
export function plainInline(cell: string): string {
  return cell
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/`([^`]*)`/g, '$1');
}

// `<br>` inside a cell is Markdown's only line break in a table; stripHtml turns it into one, as for HTML cells.
const cellChars = (text: string): number => nonWhitespaceLength(stripHtml(text));

export const readMarkdown: FormatReader = async (input, opts) => {
  const { text } = decodeText(opts.file, input);
  const lines = text.split(/\r\n|\n|\r/);
  const starts = pipeTableStarts(lines);
  if (!starts.size) {
    throw new InputError(opts.file, 'not a Markdown result table: no pipe table (a | header | row above a |---| row) found');
  }
  const rows: TableRow[] = [];
  const headingRows = new Set<number>();
  let outside = 0;
  let outsideLines = 0;
  let inTable = false;
  // Cells a table's delimiter row has: a row with more had a pipe inside a cell that was not escaped (\|).
  let delimiterCells = 0;
  const overfull: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (starts.has(i)) {
      inTable = true;
      delimiterCells = pipeCells(lines[i + 1]).length;
    } else if (inTable && (!hasPipe(line) || !line.trim())) inTable = false;
    if (inTable) {
      if (starts.has(i - 1)) continue; // the delimiter row
      const cells = pipeCells(line);
      if (cells.length > delimiterCells) overfull.push(i + 1);
      rows.push({ index: i + 1, cells: cells.map((c): TableCell => { const text = plainInline(c); return { text, chars: cellChars(text) }; }) });
      continue;
    }
    const heading = HEADING.exec(line);
    const title = heading ? (heading[2] ?? heading[4]) : '';
    if (title) {
      headingRows.add(rows.length);
      rows.push({ index: i + 1, cells: [{ text: title, chars: cellChars(title) }] });
    } else if (line.trim()) {
      outside += nonWhitespaceLength(line);
      outsideLines++;
    }
  }
  spanHeadingRows(rows.map((row) => row.cells), (r) => headingRows.has(r));
  const doc = tableToDocument({ rows }, opts);
  doc.warnings.unshift(`read as Markdown pipe table(s); row numbers are the file's line numbers`);
  if (overfull.length) {
    doc.warnings.push(`line(s) ${listFirst(overfull, 10)}: more cells than the table's delimiter row (a | inside a cell not written \\|?); their cells were read in order, so text may sit in the wrong column`);
  }
  if (outside) doc.warnings.push(`${outside} characters on ${outsideLines} line(s) outside the tables and # headings (title, notes) were not read`);
  return doc;
};
