// .pdf files through pdfjs-dist. A result table is rebuilt from the page geometry (pdf-table.ts: ruling lines,
// column headings, x-gaps) and read like any other table (tabular.ts). A PDF with no table to find falls back
// to its text layer, placed back on lines by y and split into columns by x, and read by the same layout logic
// as pdftotext output (pdf-text.ts).
import { InputError } from '../core/errors.ts';
import { nonWhitespaceLength } from '../core/text.ts';
import { readPdfPages, type PdfPage, type Run } from './pdf-page.ts';
import { pdfTable } from './pdf-table.ts';
import { layoutToDocument, type LayoutLine, type Segment } from './pdf-text.ts';
import { tableToDocument } from './tabular.ts';
import type { FormatReader, ParsedDocument, ParseOptions } from './types.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 10;
}

/** Runs on one baseline, left to right; runs closer than a character become one segment. */
function pageLines(runs: Run[], page: number, unit: number, firstIndex: number): LayoutLine[] {
  const sorted = [...runs].sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: Run[][] = [];
  for (const run of sorted) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(row[0].y - run.y) <= 0.4 * Math.max(row[0].size, run.size)) row.push(run);
    else rows.push([run]);
  }
  // A vertical gap well over the usual line spacing becomes a blank line, as pdftotext -layout prints it:
  // the layout logic reads blank lines as cell borders.
  const gaps = rows.slice(1).map((row, k) => rows[k][0].y - row[0].y);
  const spacing = median(gaps);
  const out: LayoutLine[] = [];
  rows.forEach((row, k) => {
    if (k > 0 && gaps[k - 1] > 1.6 * spacing) {
      out.push({ index: firstIndex + out.length, page, raw: '', segments: [] });
    }
    out.push(rowLine(row, page, unit, firstIndex + out.length));
  });
  return out;
}

function rowLine(row: Run[], page: number, unit: number, index: number): LayoutLine {
  row.sort((a, b) => a.x - b.x);
  const segments: (Segment & { right: number })[] = [];
  for (const run of row) {
    const last = segments[segments.length - 1];
    const gap = last ? run.x - last.right : Infinity;
    if (last && gap < run.size) {
      const space = gap > 0.2 * run.size && /[A-Za-z0-9]$/.test(last.text) && /^[A-Za-z0-9]/.test(run.text) ? ' ' : '';
      last.text += space + run.text;
      last.right = run.x + run.width;
      last.end = Math.round(last.right / unit);
    } else {
      segments.push({ x: Math.round(run.x / unit), end: Math.round((run.x + run.width) / unit), right: run.x + run.width, text: run.text });
    }
  }
  // The line as text, each segment at its column (at least two spaces after the previous one).
  let raw = '';
  for (const s of segments) raw += ' '.repeat(Math.max(raw ? 2 : 0, s.x - raw.length)) + s.text;
  return { index, page, raw, segments: segments.map(({ x, end, text }) => ({ x, end, text })) };
}

/** The text layer as lines for layoutToDocument, when the geometry shows no table. */
function readTextLayer(pages: PdfPage[], opts: ParseOptions, inputChars: number): ParsedDocument {
  const all = pages.flatMap((p) => p.runs);
  // Half an em of the usual font size: a full-width character is two columns, as in pdftotext -layout.
  const unit = median(all.map((r) => r.size)) / 2;
  const lines: LayoutLine[] = [];
  for (const p of pages) lines.push(...pageLines(p.runs, p.page, unit, lines.length + 1));
  const parsed = layoutToDocument(lines, opts, 2, inputChars);
  if (parsed.items.every((it) => !it.response)) {
    throw new InputError(opts.file, 'not a result table: no ruled table, no column headings (意見の概要 / 意見に対する考え方) and no numbered comments with responses; is this the minutes or prose?');
  }
  return parsed;
}

/** The table rebuilt from geometry, read by tabular.ts; page furniture joins the accounts in page order. */
function readGeometry(pages: PdfPage[], opts: ParseOptions, inputChars: number): ParsedDocument | null {
  const found = pdfTable(pages);
  if (!found) return null;
  const doc = tableToDocument(found.table, opts);
  const accounts = [...doc.accounts.map((a) => ({ ...a, page: found.pageOfRow.get(a.index) })), ...found.furniture].sort(
    (a, b) => a.index - b.index,
  );
  const items = doc.items.map((it) => {
    const rows = it.source.rows ?? [];
    const split = rows.some((r) => found.splitRows.has(r));
    const flags = split ? [...new Set([...it.flags, 'merged_rows' as const])].sort() : it.flags;
    return { ...it, flags, source: { ...it.source, page: found.pageOfRow.get(rows[0] ?? 0) } };
  });
  const furnitureChars = found.furniture.reduce((n, a) => n + a.chars, 0);
  if (doc.inputChars + furnitureChars !== inputChars) {
    throw new Error(`pdf table lost characters: ${doc.inputChars} in cells + ${furnitureChars} furniture, the text layer has ${inputChars}`);
  }
  return { items, accounts, warnings: [...found.warnings, ...doc.warnings], inputChars };
}

export const readPdf: FormatReader = async (input, opts) => {
  const pages = await readPdfPages(input, opts.file);
  const all = pages.flatMap((p) => p.runs);
  if (!all.length) {
    throw new InputError(opts.file, `no text layer on any of ${pages.length} page(s) (scanned images?); run OCR first`);
  }
  const warnings = pages.filter((p) => !p.runs.length).map((p) => `page ${p.page}: no text layer (scanned image?); nothing extracted`);
  const inputChars = all.reduce((n, r) => n + nonWhitespaceLength(r.text), 0);
  const parsed = readGeometry(pages, opts, inputChars) ?? readTextLayer(pages, opts, inputChars);
  parsed.warnings.unshift(...warnings);
  return parsed;
};
