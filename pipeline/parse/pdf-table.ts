// A result table printed to PDF, rebuilt from geometry: columns from the vertical ruling lines, else from the
// column headings and the x-gaps that run down the whole page; rows from the horizontal rules, else from the
// number column. Page numbers, running titles and footnotes are set aside (accounted, never item text), a row
// split by a page break is joined again, and the result is a Table for tabular.ts, like CSV or HTML.
import type { LineAccount } from '../core/schema.ts';
import { nonWhitespaceLength, normalize } from '../core/text.ts';
import { isSectionHeading, parseNumber } from './columns.ts';
import type { PdfPage, Rule, Run } from './pdf-page.ts';
import { findHeading, headingLines, headingRoles, isHeadingLine, isOnePiece, joinRuns, pageLines, sameHeading, type Line } from './pdf-lines.ts';
import { joinWrapped } from './pdf-text.ts';
import { textCell, type Table, type TableRow } from './tabular.ts';

/**
 * A band that is a section heading row: one line, or a heading wrapped over a few lines that starts in the first
 * column (a cell's text continued at the top of a page may also be short, but sits in its own column).
 */
function isHeadingBand(lines: Line[], bounds: number[]): boolean {
  if (lines.length === 1) return isHeadingLine(lines[0]);
  return lines.length <= 3 && columnOf(lines[0].runs[0].x, bounds) === 0 && lines.every(isOnePiece) && isSectionHeading(cellText(lines));
}

interface Furniture {
  line: Line;
  fate: 'header' | 'skipped';
  reason: string;
}

interface Band {
  page: number;
  top: number;
  lines: Line[];
  /** The band's text per column. */
  cells: Line[][];
  ruled: boolean;
  /** Joined with its continuation on the next page. */
  split?: boolean;
}

export interface PdfTableResult {
  table: Table;
  /** Lines that are not table text (page numbers, titles, footnotes), accounted as rows of their own. */
  furniture: LineAccount[];
  pageOfRow: Map<number, number>;
  /** Rows joined across a page break. */
  splitRows: Set<number>;
  warnings: string[];
  /** How the columns were found, for the parse notes. */
  method: string;
}

const PAGE_NUMBER_RES = [/^[-－‐―ー]\s*\d+\s*[-－‐―ー]$/, /^\d+\s*(ページ|頁)$/, /^第\s*\d+\s*(ページ|頁)$/, /^(p|P)\.?\s*\d+$/, /^\d+\s*\/\s*\d+$/];
const FOOTNOTE_RE = /^(?:※|＊|\*|注[0-9０-９]*[:：）)]|（注|\(注|注記|備考)/;

function median(xs: number[], fallback = 10): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : fallback;
}

/** Positions within `tol` of each other are one; each cluster weighs the summed lengths of its rules. */
function clusterRules(rules: Rule[], tol: number): { at: number; length: number; a: number; b: number }[] {
  const sorted = [...rules].sort((p, q) => p.at - q.at);
  const out: { at: number; length: number; a: number; b: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.at - last.at <= tol) {
      last.length += r.b - r.a;
      last.a = Math.min(last.a, r.a);
      last.b = Math.max(last.b, r.b);
    } else out.push({ at: r.at, length: r.b - r.a, a: r.a, b: r.b });
  }
  return out;
}

function isPageNumber(text: string): boolean {
  const t = normalize(text);
  return PAGE_NUMBER_RES.some((re) => re.test(t));
}

/**
 * Text repeated at the same height among the first or last three lines of at least half the pages (two or
 * more): a running title or footer. Ruled pages are left out: there, whatever lies outside the table is furniture
 * anyway, and a cell line repeated at the same height (a stock answer) is not.
 */
function runningLines(pages: Line[][], ruled: (number[] | null)[], heads: Set<Line>): Set<Line> {
  const out = new Set<Line>();
  if (pages.length < 2) return out;
  const seen = new Map<string, Set<number>>();
  const key = (l: Line) => `${Math.round(l.y / 4)}|${normalize(l.text).replace(/\s+/g, '')}`;
  const edges = pages.map((lines, i) => (ruled[i] ? [] : [...new Set([...lines.slice(0, 3), ...lines.slice(-3)])]));
  for (const lines of edges) for (const l of lines) seen.set(key(l), (seen.get(key(l)) ?? new Set()).add(l.page));
  const need = Math.max(2, Math.ceil(pages.length / 2));
  for (const lines of edges) for (const l of lines) if ((seen.get(key(l))?.size ?? 0) >= need && !heads.has(l)) out.add(l);
  return out;
}

/** Column boundaries from the vertical rules of a page: ≥ 3 positions (two columns or more), else null. */
function ruledColumns(page: PdfPage): number[] | null {
  const clusters = clusterRules(page.vRules, 2).filter((c) => c.length >= 20);
  if (clusters.length < 3) return null;
  return clusters.map((c) => c.at);
}

/**
 * Column boundaries without rules: the x-ranges no body line covers (gaps running down the page), matched to the
 * headings when there are any, so a centred heading or a stray wide line does not invent or hide a column.
 */
function gapColumns(body: Line[], heading: Line | null): { bounds: number[]; missing: number } | null {
  if (!body.length) return null;
  const lo = Math.floor(Math.min(...body.flatMap((l) => l.runs.map((r) => r.x))));
  const hi = Math.ceil(Math.max(...body.flatMap((l) => l.runs.map((r) => r.x + r.width))));
  const cover = new Array<number>(hi - lo + 1).fill(0);
  // Heading rows spanning the table (第1章 …) cross the gaps; they do not count.
  for (const l of body.filter((x) => !isHeadingLine(x))) {
    for (const r of l.runs) for (let x = Math.ceil(r.x); x < r.x + r.width; x++) cover[x - lo]++;
  }
  const allowed = Math.floor(0.03 * body.length);
  const size = median(body.map((l) => l.size));
  const gaps: { a: number; b: number }[] = [];
  for (let x = 0; x < cover.length; x++) {
    if (cover[x] > allowed) continue;
    let e = x;
    while (e + 1 < cover.length && cover[e + 1] <= allowed) e++;
    if (e - x + 1 >= 0.6 * size) gaps.push({ a: lo + x, b: lo + e + 1 });
    x = e;
  }
  if (!heading) return gaps.length ? { bounds: [lo - 1, ...gaps.map((g) => (g.a + g.b) / 2), hi + 1], missing: 0 } : null;
  const heads = heading.runs;
  const bounds = [Math.min(lo, heads[0].x) - 1];
  let missing = 0;
  for (let k = 1; k < heads.length; k++) {
    const inside = gaps.filter((g) => (g.a + g.b) / 2 > heads[k - 1].x && (g.a + g.b) / 2 < heads[k].x);
    const best = inside.sort((p, q) => q.b - q.a - (p.b - p.a))[0];
    if (best) bounds.push((best.a + best.b) / 2);
    else {
      missing++;
      bounds.push((heads[k - 1].x + heads[k - 1].width + heads[k].x) / 2);
    }
  }
  bounds.push(Math.max(hi, ...heads.map((h) => h.x + h.width)) + 1);
  return { bounds, missing };
}

function columnOf(x: number, bounds: number[]): number {
  for (let c = bounds.length - 2; c >= 0; c--) if (x >= bounds[c] - 1.5) return c;
  return 0;
}

/**
 * A band's lines cut into cells by column; a run starting in column c belongs to c. A section heading row is one
 * merged cell: its text stays whole in the column it starts in, even where (set in a wider or substituted font, or
 * wrapped over two lines) it runs across the column boundaries below it.
 */
function cellsOf(lines: Line[], bounds: number[]): Line[][] {
  const cells: Line[][] = Array.from({ length: bounds.length - 1 }, () => []);
  if (lines.length && isHeadingBand(lines, bounds)) {
    cells[columnOf(lines[0].runs[0].x, bounds)].push(...lines);
    return cells;
  }
  for (const l of lines) {
    const byCol = new Map<number, Run[]>();
    for (const r of l.runs) {
      const c = columnOf(r.x, bounds);
      byCol.set(c, [...(byCol.get(c) ?? []), r]);
    }
    for (const [c, runs] of byCol) cells[c].push({ ...l, runs, text: joinRuns(runs) });
  }
  return cells;
}

function cellText(lines: Line[]): string {
  return joinWrapped(lines.map((l) => l.text));
}

interface PageLayout {
  bounds: number[];
  /** Rows from horizontal rules (y positions, top first), when the page has them. */
  hRules: number[] | null;
  top: number;
  bottom: number;
}

function ruledLayout(page: PdfPage, bounds: number[]): PageLayout {
  const [l, r] = [bounds[0], bounds[bounds.length - 1]];
  const inTable = page.hRules.filter((h) => h.b > l + 2 && h.a < r - 2);
  const ys = clusterRules(inTable, 1.5)
    .filter((c) => c.length >= 0.25 * (r - l))
    .map((c) => c.at)
    .sort((a, b) => b - a);
  const vs = page.vRules.filter((v) => bounds.some((x) => Math.abs(x - v.at) <= 2));
  const top = Math.max(...vs.map((v) => v.b), ...(ys.length ? [ys[0]] : []));
  const bottom = Math.min(...vs.map((v) => v.a), ...(ys.length ? [ys[ys.length - 1]] : []));
  // A row cut by the page break has no rule under it (or over it, on the next page): the vertical rules end there.
  if (ys.length && top > ys[0] + 3) ys.unshift(top);
  if (ys.length && bottom < ys[ys.length - 1] - 3) ys.push(bottom);
  return { bounds, hRules: ys.length >= 2 ? ys : null, top: top + 1, bottom: bottom - 1 };
}

/**
 * A page's table starts at its column headings when they are repeated there: the rows continue below them. Above
 * them there is only the margin, where Chromium still draws the clipped borders of the row cut at the page break,
 * which would otherwise pull the running title into that row.
 */
function startAtHeadings(layout: PageLayout, heading: Line | undefined): PageLayout {
  if (!heading || !layout.hRules) return layout;
  const over = layout.hRules.filter((y) => y > mid(heading));
  if (over.length < 2) return layout;
  const top = Math.min(...over);
  return { ...layout, hRules: layout.hRules.filter((y) => y <= top), top: top + 1 };
}

/** Centre of a line's glyphs (baseline + a third of the size), for deciding which band it sits in. */
const mid = (l: Line) => l.y + 0.33 * l.size;

function bandsByRules(lines: Line[], layout: PageLayout, page: number): Band[] {
  const ys = layout.hRules!;
  const bands: Band[] = [];
  for (let k = 0; k + 1 < ys.length; k++) {
    const inBand = lines.filter((l) => mid(l) < ys[k] && mid(l) >= ys[k + 1]);
    if (inBand.length) bands.push({ page, top: ys[k], lines: inBand, cells: cellsOf(inBand, layout.bounds), ruled: true });
  }
  // Text between the outer frame and the first or last rule (a frame drawn without inner rules at the edge).
  const outside = lines.filter((l) => mid(l) >= ys[0] || mid(l) < ys[ys.length - 1]);
  for (const l of outside) bands.push({ page, top: l.y, lines: [l], cells: cellsOf([l], layout.bounds), ruled: false });
  return bands.sort((a, b) => b.top - a.top);
}

/**
 * Without horizontal rules, a row starts at a number in the number column, a heading line or a column heading;
 * unless the cells are centred vertically (bandsByGaps).
 */
function bandsByNumbers(lines: Line[], bounds: number[], numberCol: number | undefined, page: number, heads: Set<Line>): Band[] {
  // The lines with a number in the number column, read once for both ways of cutting the rows.
  const numbered = new Set(numberCol === undefined ? [] : lines.filter((l) => parseNumber(cellsOf([l], bounds)[numberCol].map((c) => c.text).join('')) !== null));
  const centred = numberCol === undefined ? null : bandsByGaps(lines, bounds, numbered, page, heads);
  if (centred) return centred;
  const bands: Band[] = [];
  const spacing = median(lines.slice(1).map((l, k) => lines[k].y - l.y), 14);
  lines.forEach((l, k) => {
    const starts =
      k === 0 ||
      (heads.has(l) && !heads.has(lines[k - 1])) ||
      numbered.has(l) ||
      isHeadingLine(l) ||
      (numberCol === undefined && lines[k - 1].y - l.y > 1.6 * spacing) ||
      (k > 0 && heads.has(lines[k - 1]) && !heads.has(l));
    if (starts) bands.push({ page, top: l.y, lines: [], cells: [], ruled: false });
    bands[bands.length - 1].lines.push(l);
  });
  for (const b of bands) b.cells = cellsOf(b.lines, bounds);
  return bands;
}

/**
 * A borderless table whose cells are centred vertically prints each number halfway down its row, so the lines above
 * it belong to that row, not to the one before. Its rows are then told apart by the cell padding: a gap between
 * lines clearly wider than the line pitch. Used only when those gap-separated blocks agree with the numbers (at most
 * one number each) and most numbers are not on their block's first line; otherwise null.
 */
function bandsByGaps(lines: Line[], bounds: number[], numbered: Set<Line>, page: number, heads: Set<Line>): Band[] | null {
  if (lines.length < 3) return null;
  // The pitch of a cell's lines; gaps under a line's height are centred cells' lines falling between another cell's.
  const size = median(lines.map((l) => l.size), 10);
  const pitch = median(lines.slice(1).map((l, k) => lines[k].y - l.y).filter((g) => g >= 0.9 * size), 1.4 * size);
  const blocks: Line[][] = [];
  lines.forEach((l, k) => {
    const prev = lines[k - 1];
    const starts = k === 0 || prev.y - l.y > 1.35 * pitch || heads.has(l) !== heads.has(prev) || isHeadingLine(l) || isHeadingLine(prev);
    if (starts) blocks.push([]);
    blocks[blocks.length - 1].push(l);
  });
  const has = (l: Line) => numbered.has(l);
  if (blocks.some((b) => b.filter(has).length > 1)) return null;
  // Centred: most numbered rows of two lines or more have their number below their first line. (A top-aligned
  // table may show one such block, where a cell continued from the page before runs into the next row.)
  const tall = blocks.filter((b) => b.length > 1 && b.some(has));
  const late = tall.filter((b) => b.findIndex(has) > 0).length;
  if (late < 2 || late * 2 <= tall.length) return null;
  return blocks.map((b) => ({ page, top: b[0].y, lines: b, cells: cellsOf(b, bounds), ruled: false }));
}

/**
 * The document's table, or null when there is none to find (no ruled grid and no column headings): the caller
 * then reads the text layer line by line.
 */
export function pdfTable(pages: PdfPage[]): PdfTableResult | null {
  const linesByPage = pages.map((p) => pageLines(p.runs, p.page));
  const ruled = pages.map(ruledColumns);
  const heads = headingLines(linesByPage);
  const running = runningLines(linesByPage, ruled, heads);
  const { heading, roles } = findHeading(linesByPage, heads);
  const anyRuled = ruled.some(Boolean);
  if (!anyRuled && !heading) return null;
  const warnings: string[] = [];
  const furniture: Furniture[] = [];
  const bands: Band[] = [];
  let method = anyRuled ? 'ruling lines' : 'column headings and x-gaps';
  let fallback: number[] | null = null;
  const numberCol = roles ? roles.indexOf('number') : -1;

  pages.forEach((page, i) => {
    const lines = linesByPage[i].filter((l) => {
      const why = isPageNumber(l.text) ? 'page number' : running.has(l) ? 'running page header/footer' : null;
      if (why) furniture.push({ line: l, fate: 'header', reason: why });
      return !why;
    });
    const bounds = ruled[i];
    if (bounds) {
      const layout = startAtHeadings(ruledLayout(page, bounds), lines.find((l) => heads.has(l)));
      const inside = lines.filter((l) => mid(l) <= layout.top && mid(l) >= layout.bottom);
      for (const l of lines.filter((x) => !inside.includes(x))) furniture.push(outsideLine(l, mid(l) > layout.top, i === 0 || !bands.length));
      if (layout.hRules) bands.push(...bandsByRules(inside, layout, page.page));
      else bands.push(...bandsByNumbers(inside, bounds, numberCol >= 0 ? numberCol : undefined, page.page, heads));
      fallback ??= bounds;
      return;
    }
    const pageHeading = lines.find((l) => headingRoles(l));
    const start = pageHeading ? lines.indexOf(pageHeading) : bands.length ? 0 : lines.length;
    for (const l of lines.slice(0, start)) furniture.push(outsideLine(l, true, !bands.length));
    const rest = lines.slice(start);
    const body = rest.filter((l) => !heads.has(l));
    const same = !pageHeading || (heading && sameHeading(pageHeading, heading));
    const found = fallback && same ? { bounds: fallback, missing: 0 } : gapColumns(body, pageHeading ?? heading);
    if (!found) return;
    if (found.missing) warnings.push(`page ${page.page}: column boundary not found between ${found.missing + 1} column headings (no gap in the text below them); split halfway between the headings`);
    if (!anyRuled) fallback ??= found.bounds;
    const { kept, notes } = trimFootnotes(rest, found.bounds);
    furniture.push(...notes);
    bands.push(...bandsByNumbers(kept, found.bounds, numberCol >= 0 ? numberCol : undefined, page.page, heads));
  });
  if (!bands.length) return null;
  if (anyRuled && !heading) method = 'ruling lines (no column headings found)';
  const joined = joinPageBreaks(bands, numberCol >= 0 ? numberCol : undefined, warnings, heads);
  return assemble(joined, furniture, method, warnings);
}

function outsideLine(l: Line, above: boolean, firstPage: boolean): Furniture {
  if (above) return { line: l, fate: 'header', reason: firstPage ? 'above the column headings (title, notes)' : 'above the table (running title)' };
  if (FOOTNOTE_RE.test(normalize(l.text))) return { line: l, fate: 'skipped', reason: 'footnote below the table' };
  return { line: l, fate: 'skipped', reason: 'text below the table' };
}

/** Borderless tables: a note after the last row (※…, 注…) or a line running across the columns is not a row. */
function trimFootnotes(lines: Line[], bounds: number[]): { kept: Line[]; notes: Furniture[] } {
  let end = lines.length;
  for (let k = lines.length - 1; k >= 0; k--) {
    const l = lines[k];
    const first = l.runs[0];
    const crosses = l.runs.length === 1 && bounds.slice(1, -1).some((b) => first.x < b - 2 && first.x + first.width > b + 8);
    if (!(FOOTNOTE_RE.test(normalize(l.text)) || (crosses && k === end - 1 && k > 0 && FOOTNOTE_RE.test(normalize(lines[end - 1]?.text ?? '※'))))) break;
    end = k;
  }
  const notes = lines.slice(end).map((l) => ({ line: l, fate: 'skipped' as const, reason: 'footnote below the table' }));
  return { kept: lines.slice(0, end), notes };
}

/**
 * A row cut by a page break continues on the next page: the first row under the page's column headings has no
 * number of its own (the number was printed on the previous page), so it is joined to the previous row.
 */
function joinPageBreaks(bands: Band[], numberCol: number | undefined, warnings: string[], heads: Set<Line>): Band[] {
  const out: Band[] = [];
  const numbered = numberCol !== undefined && bands.some((b) => parseNumber(cellText(b.cells[numberCol])) !== null);
  let joins = 0;
  for (const b of bands) {
    const prev = out[out.length - 1];
    const firstOnPage = prev && prev.page !== b.page;
    const isHead = b.lines.some((l) => heads.has(l));
    if (isHead) {
      out.push(b);
      continue;
    }
    const prevBody = [...out].reverse().find((x) => !x.lines.some((l) => heads.has(l)));
    const afterPageHead = prev && (firstOnPage || (prev.lines.some((l) => heads.has(l)) && prev.page === b.page && prevBody && prevBody.page !== b.page));
    const noNumber = numbered ? parseNumber(cellText(b.cells[numberCol!])) === null : false;
    const heading = b.lines.length === 1 && isHeadingLine(b.lines[0]);
    if (afterPageHead && prevBody && noNumber && !heading && prevBody.cells.length === b.cells.length) {
      prevBody.lines.push(...b.lines);
      b.cells.forEach((c, k) => prevBody.cells[k].push(...c));
      prevBody.split = true;
      joins++;
      continue;
    }
    out.push(b);
  }
  if (joins) warnings.push(`${joins} row(s) split by a page break were joined to the row they continue`);
  return out;
}

function assemble(bands: Band[], furniture: Furniture[], method: string, warnings: string[]): PdfTableResult {
  // One index per band or furniture line, in page and reading order.
  type Entry = { page: number; y: number; band?: Band; furn?: Furniture };
  const entries: Entry[] = [
    ...bands.map((b) => ({ page: b.page, y: b.lines[0]?.y ?? b.top, band: b })),
    ...furniture.map((f) => ({ page: f.line.page, y: f.line.y, furn: f })),
  ].sort((a, b) => a.page - b.page || b.y - a.y);
  const rows: TableRow[] = [];
  const accounts: LineAccount[] = [];
  const pageOfRow = new Map<number, number>();
  const splitRows = new Set<number>();
  entries.forEach((e, k) => {
    const index = k + 1;
    pageOfRow.set(index, e.page);
    if (e.band) {
      rows.push({ index, cells: e.band.cells.map((c) => textCell(cellText(c))) });
      if (e.band.split) splitRows.add(index);
    } else {
      const f = e.furn!;
      accounts.push({ unit: 'row', index, page: e.page, fate: f.fate, reason: f.reason, chars: nonWhitespaceLength(f.line.text) });
    }
  });
  return { table: { rows }, furniture: accounts, pageOfRow, splitRows, warnings, method };
}
