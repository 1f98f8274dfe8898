// .pdf files through pdfjs-dist: text runs are placed back on lines by their y, split into columns by
// their x, and handed to the same layout logic as pdftotext output. Japanese PDFs mostly reference
// non-embedded CID fonts through predefined CMaps; without cMapUrl pdfjs extracts them as "".
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { nonWhitespaceLength } from '../core/text.ts';
import { layoutToDocument, type LayoutLine, type Segment } from './pdf-text.ts';
import type { FormatReader } from './types.ts';
import { pushAll } from '../core/arrays.ts';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

interface Run {
  x: number;
  y: number;
  width: number;
  size: number;
  text: string;
}

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

export const readPdf: FormatReader = async (input, opts) => {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await pdfjs.getDocument({
      data: new Uint8Array(input),
      cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
      cMapPacked: true,
      standardFontDataUrl: join(pdfjsRoot, 'standard_fonts') + '/',
      isEvalSupported: false,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (e) {
    throw new InputError(opts.file, `not a readable PDF (${(e as Error).message})`);
  }
  try {
    const pages: Run[][] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const runs: Run[] = [];
      for (const item of content.items) {
        if (!('str' in item) || !item.str.trim()) continue;
        const [a, b, , , x, y] = item.transform as number[];
        runs.push({ x, y, width: item.width, size: Math.hypot(a, b) || item.height || 10, text: item.str });
      }
      pages.push(runs);
    }
    const all = pages.flat();
    if (!all.length) {
      throw new InputError(opts.file, `no text layer on any of ${doc.numPages} page(s) (scanned images?); run OCR first`);
    }
    // Half an em of the usual font size: a full-width character is two columns, as in pdftotext -layout.
    const unit = median(all.map((r) => r.size)) / 2;
    const lines: LayoutLine[] = [];
    const warnings: string[] = [];
    pages.forEach((runs, i) => {
      if (!runs.length) warnings.push(`page ${i + 1}: no text layer (scanned image?); nothing extracted`);
      pushAll(lines, pageLines(runs, i + 1, unit, lines.length + 1));
    });
    const inputChars = all.reduce((n, r) => n + nonWhitespaceLength(r.text), 0);
    const parsed = layoutToDocument(lines, opts, 2, inputChars);
    parsed.warnings = [...warnings, ...parsed.warnings];
    return parsed;
  } finally {
    await doc.destroy();
  }
};
