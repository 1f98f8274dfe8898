// Text taken from PDFs (pdftotext -layout, or lines rebuilt from pdfjs-dist by pdf.ts). A result table
// printed to PDF arrives as positioned runs of text: page furniture to drop, a number column, a comment
// column and a response column side by side, and cells hard-wrapped over several lines and pages.
import type { ItemFlag, LineAccount } from '../core/schema.ts';
import { cleanText, listFirst, nonWhitespaceLength, normalize } from '../core/text.ts';
import { decodeText } from './detect.ts';
import { serialisedToDocument } from './pdf-serial.ts';
import { rowOrderToDocument } from './pdf-rows.ts';
import { buildItem } from './item.ts';
import { labelFromName } from '../core/label-names.ts';
import { isSectionHeading, lineLabel, lineLabelRole, matchRole, numberBeforeLabel, parseNumber } from './columns.ts';
import type { FormatReader, ParseOptions, ParsedDocument } from './types.ts';

/** A run of text on a line; x and end in column units (characters for pdftotext, half-ems for pdf.ts). */
export interface Segment {
  x: number;
  end: number;
  text: string;
}

export interface LayoutLine {
  /** 1-based line number in the input (pdftotext) or in the rebuilt text (pdf.ts). */
  index: number;
  page: number;
  raw: string;
  segments: Segment[];
}

interface Geometry {
  numberX?: number;
  /** The 該当箇所 column (page and chapter references), between the number and the comment. */
  locationX?: number;
  commentX?: number;
  responseX?: number;
  /**
   * A column to the right of the response (対応区分: 反映, 参考…), whose short codes are not answer text; the
   * table readers leave such a column out of the item the same way.
   */
  afterResponseX?: number;
  /** Set when that column is headed as the document's own code (対応区分): its text is then the item's category. */
  categoryX?: number;
}

type Kind =
  | { fate: 'blank' }
  | { fate: 'header'; reason: string; role?: string }
  | { fate: 'content' };

/** Display width: pdftotext -layout may align columns by characters or by width (full-width = 2). */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

/** Runs of two or more spaces (or a tab) separate columns in pdftotext -layout output. */
export function textLines(text: string, byWidth = false): LayoutLine[] {
  let page = 1;
  return text.split(/\r?\n/).map((line, i) => {
    const breaks = (line.match(/\f/g) ?? []).length;
    // pdftotext puts the form feed at the start of the next page's first line.
    const lead = /^\f/.test(line);
    if (lead) page += breaks;
    const raw = line.replace(/\f/g, '');
    const segments: Segment[] = [];
    for (const m of raw.matchAll(/[^ \t\u3000]+(?:[ \u3000][^ \t\u3000]+)*/g)) {
      const x = byWidth ? displayWidth(raw.slice(0, m.index)) : m.index!;
      segments.push({ x, end: x + (byWidth ? displayWidth(m[0]) : m[0].length), text: m[0] });
    }
    const out = { index: i + 1, page, raw, segments };
    if (!lead) page += breaks;
    return out;
  });
}

const PAGE_NUMBER_RES = [
  /^[-－‐―ー]\s*\d+\s*[-－‐―ー]$/,
  /^\d+\s*(ページ|頁)$/,
  /^第\s*\d+\s*(ページ|頁)$/,
  /^(p|P|ページ)\.?\s*\d+$/,
  /^\d+\s*\/\s*\d+$/,
  /^\d+\s*\/\s*\d+\s*(ページ|頁)$/,
];

/** The page-number forms that are also how a 該当箇所 cites the draft's page (P5, P.12, 12ページ, 第3頁). */
const PAGE_REFERENCE = /^(?:(?:p|P|ページ)\.?\s*\d+|第?\s*\d+\s*(?:ページ|頁))$/;

function isColumnHeadingLine(line: LayoutLine): Geometry | null {
  const parts = line.segments.length > 1 ? line.segments.map((s) => s.text) : normalize(line.raw).split(' ');
  if (parts.length < 2) return null;
  const matches = parts.map((p) => matchRole(p));
  const roles = matches.map((m) => m?.role);
  if (roles.some((r) => !r) || !(roles.includes('comment') || roles.includes('response'))) return null;
  // A wrapped data line can hold words a heading contains (「対応に重点を置くことは、」 beside 「…の連携・対応関係の…」):
  // headings carry no sentence punctuation, and at least one names its column exactly.
  if (parts.some((p) => /[、。]/.test(p)) || !matches.some((m) => m!.rank < 1000)) return null;
  const g: Geometry = {};
  if (line.segments.length > 1) {
    line.segments.forEach((s, i) => {
      if (roles[i] === 'number') g.numberX ??= s.x;
      if (roles[i] === 'location') g.locationX ??= s.x;
      if (roles[i] === 'comment') g.commentX ??= s.x;
      if (roles[i] === 'response' && g.responseX === undefined) g.responseX = s.x;
      else if (g.responseX !== undefined) {
        g.afterResponseX ??= s.x;
        if (roles[i] === 'category' && g.afterResponseX === s.x) g.categoryX = s.x;
      }
    });
  }
  return g;
}

/** The text of a line that is one bracketed cell (【修正する】, 【風水害等対策編 21頁】), else null. */
function bracketedLine(raw: string): string | null {
  return /^【([^】]+)】$/.exec(raw.trim())?.[1] ?? null;
}

/** A line that is nothing but a label (【意見】, 回答：): it switches the column, it does not head the table. */
function isBareLabel(text: string): boolean {
  return lineLabel(text)?.length === text.length;
}

/** Most common x among the given positions, allowing `tol` either way; returns the cluster's leftmost x. */
function modeX(xs: number[], tol: number): { x: number; count: number } | null {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  let best = { x: sorted[0], count: 0 };
  let hi = 0;
  for (let lo = 0; lo < sorted.length; lo++) {
    while (hi < sorted.length && sorted[hi] <= sorted[lo] + 2 * tol) hi++;
    if (hi - lo > best.count) best = { x: sorted[lo], count: hi - lo };
  }
  return best;
}

const SENTENCE_END = /[。．.！？!?」』）)]$/;
const LIST_START = /^(?:[・●○◆◇■□※＊*－-]|[（(]?[0-9０-９]+[)）.．、](?![0-9０-９])|[①-⑳]|[ア-ン][.．、)）])/;

/** Re-joins hard-wrapped lines: no space inside Japanese text, a space between Latin words, a line break
 *  where the previous line ended a sentence or the next starts a list item. */
export function joinWrapped(parts: string[]): string {
  let out = '';
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    if (!out) out = part;
    else if (SENTENCE_END.test(out) || LIST_START.test(part)) out += '\n' + part;
    else if (/[A-Za-z0-9,;:]$/.test(out) && /^[A-Za-z0-9(]/.test(part)) out += ' ' + part;
    else out += part;
  }
  return out;
}

function leadingInt(n: string): number {
  return Number.parseInt(n, 10);
}

/** The next printed number continues the sequence: larger than the last, by a plausible step. */
function plausibleNext(prev: string | null, n: string): boolean {
  if (prev === null) return leadingInt(n) <= 50;
  const [a, b] = [leadingInt(prev), leadingInt(n)];
  return (b > a && b - a <= 20) || (b === a && n !== prev && n.includes('-'));
}

function columnAlignment(lines: LayoutLine[]): number {
  return modeX(lines.flatMap((l) => l.segments.slice(1).map((s) => s.x)), 2)?.count ?? 0;
}

interface Draft {
  number: string | null;
  lines: number[];
  pages: number[];
  location: string[];
  comment: string[];
  response: string[];
  category: string[];
  section: string | null;
  mode: 'comment' | 'response';
  /** One-column text: the item's lines by blank-separated paragraph, for reading-order output. */
  paragraphs: string[][];
  /** The column heading printed just before each paragraph, if any (Block.afterHeading). */
  paragraphRoles: (string | null)[];
  lastBlock: number;
  startsAlone: boolean;
  /** Paragraphs before the answer's bracketed code (【修正する】): the comment's; those after it, the answer's. */
  codeAt?: number;
  flags: Set<ItemFlag>;
}

interface Parsed {
  number: string | null;
  location: string;
  left: string;
  right: string;
  /** Runs in the 対応区分 column, right of the response. */
  codes: string;
  crossing: boolean;
}

type NonBlank = (page: number) => number[];

/** Page numbers: decorated ones anywhere on their own line, a bare one only as a page's last line. */
function markPageNumbers(lines: LayoutLine[], kinds: Kind[], pages: number[], nonBlank: NonBlank): void {
  for (const p of pages) {
    const idx = nonBlank(p);
    for (const i of idx) {
      const t = normalize(lines[i].raw);
      if (PAGE_NUMBER_RES.some((re) => re.test(t))) kinds[i] = { fate: 'header', reason: 'page number' };
    }
    const last = idx[idx.length - 1];
    if (last !== undefined && kinds[last].fate === 'content' && normalize(lines[last].raw) === String(p)) {
      kinds[last] = { fate: 'header', reason: 'page number' };
    }
    // Reading-order output prints 「- 1 -」 as three lines.
    const tail = idx.slice(-3);
    if (tail.length === 3 && tail.map((i) => normalize(lines[i].raw)).join(' ').match(PAGE_NUMBER_RES[0])) {
      for (const i of tail) kinds[i] = { fate: 'header', reason: 'page number' };
    }
  }
}

/**
 * Running titles: a one-run line repeated in the top or bottom three lines of at least half the pages. Not the
 * tail of a wrapped cell that happens to repeat (「ほしい。」): such a tail ends a sentence or a clause, and
 * starts where a column starts.
 */
function markRunningTitles(lines: LayoutLine[], kinds: Kind[], pages: number[], nonBlank: NonBlank, pageGeometry: Map<number, Geometry>, tol: number): void {
  if (pages.length > 1) {
    const seenOn = new Map<string, Set<number>>();
    const columnStarts = [...pageGeometry.values()].flatMap((g) => [g.commentX, g.responseX]).filter((x) => x !== undefined);
    const atColumnStart = (x: number) => columnStarts.some((c) => Math.abs(c - x) <= tol);
    for (const p of pages) {
      const idx = nonBlank(p).filter((i) => kinds[i].fate === 'content');
      for (const i of [...idx.slice(0, 3), ...idx.slice(-3)]) {
        const key = normalize(lines[i].raw).replace(/\s+/g, '');
        if (lines[i].segments.length !== 1 || parseNumber(lines[i].segments[0].text)) continue;
        if (/[。、，,．]$/.test(key) || atColumnStart(lines[i].segments[0].x)) continue;
        seenOn.set(key, (seenOn.get(key) ?? new Set()).add(p));
      }
    }
    const need = Math.max(2, Math.ceil(pages.length / 2));
    lines.forEach((l, i) => {
      if (kinds[i].fate !== 'content') return;
      const key = normalize(l.raw).replace(/\s+/g, '');
      if ((seenOn.get(key)?.size ?? 0) >= need) kinds[i] = { fate: 'header', reason: 'running page header/footer' };
    });
  }
}

/**
 * The fate of every line that is not table text (page numbers, column headings, running titles, the title above
 * the headings) and the column geometry: x of the comment and response columns, per page where a heading line
 * gave it, else the usual x of the runs.
 */
function layoutOf(lines: LayoutLine[], tol: number) {
  const kinds: Kind[] = lines.map((l) => (l.segments.length ? { fate: 'content' } : { fate: 'blank' }));
  const pages = [...new Set(lines.filter((l) => l.segments.length).map((l) => l.page))];
  const byPage = new Map<number, number[]>();
  lines.forEach((l, i) => {
    if (!byPage.has(l.page)) byPage.set(l.page, []);
    byPage.get(l.page)!.push(i);
  });
  const nonBlank = (p: number) => (byPage.get(p) ?? []).filter((i) => kinds[i].fate !== 'blank');

  markPageNumbers(lines, kinds, pages, nonBlank);

  // Column headings, wherever repeated; their positions give the page's column geometry.
  const pageGeometry = new Map<number, Geometry>();
  let firstHeading = -1;
  // A 該当箇所 heading printed alone (reading-order output): each item's first paragraph is then its location.
  let locationHeading = false;
  // The text columns whose headings stand one per line (意見の概要 ⏎ 市の考え方): how many cells an item has.
  const cellRoles = new Set<string>();
  lines.forEach((l, i) => {
    if (kinds[i].fate !== 'content') return;
    const g = isColumnHeadingLine(l);
    if (!g) {
      // Reading-order output prints each column heading on a line of its own.
      const m = l.segments.length === 1 && !isBareLabel(l.segments[0].text) ? matchRole(l.segments[0].text) : null;
      if (m && m.rank < 1000 && ['number', 'location', 'comment', 'response'].includes(m.role)) {
        kinds[i] = { fate: 'header', reason: 'column heading', role: m.role };
        if (m.role === 'location') locationHeading = true;
        if (m.role !== 'number') cellRoles.add(m.role);
        if (firstHeading < 0) firstHeading = i;
      }
      return;
    }
    kinds[i] = { fate: 'header', reason: firstHeading < 0 ? 'column headings' : 'repeated column headings' };
    if (firstHeading < 0) firstHeading = i;
    if (g.responseX !== undefined && !pageGeometry.has(l.page)) pageGeometry.set(l.page, g);
  });

  // With 該当箇所 headed on a line of its own, a page reference right after a number printed alone (1 ⏎ P5) is that
  // item's 該当箇所, not the page's number. Only a reference (P5, 12ページ), and not as the page's last line: a
  // footer (- 1 -, 1/5, a bare 1) after a number printed at the foot of a page stays the page's number.
  if (locationHeading) {
    let previous = -1;
    lines.forEach((l, i) => {
      if (kinds[i].fate === 'blank') return;
      const afterNumber = previous >= 0 && kinds[previous].fate === 'content' && parseNumber(normalize(lines[previous].raw)) !== null;
      const k = kinds[i];
      const lastOfPage = nonBlank(l.page).at(-1) === i;
      if (afterNumber && !lastOfPage && k.fate === 'header' && k.reason === 'page number' && PAGE_REFERENCE.test(normalize(l.raw))) {
        kinds[i] = { fate: 'content' };
      }
      previous = i;
    });
  }

  // Cell starts before running titles: a centred title can sit where a centred heading does, not where cells start.
  for (const [page, g] of pageGeometry) pageGeometry.set(page, alignToCells(g, nonBlank(page).filter((i) => kinds[i].fate === 'content').map((i) => lines[i]), tol));
  markRunningTitles(lines, kinds, pages, nonBlank, pageGeometry, tol);

  // Above the first column headings: the document's title and notes.
  if (firstHeading >= 0) {
    for (let i = 0; i < firstHeading; i++) {
      if (kinds[i].fate === 'content') kinds[i] = { fate: 'header', reason: 'above the column headings (title, notes)' };
    }
  }

  // Column geometry where no heading line gave it: the usual x of runs after the first.
  const content = lines.map((_, i) => i).filter((i) => kinds[i].fate === 'content');
  let global: Geometry = { ...pageGeometry.get(pages.find((p) => pageGeometry.has(p)) ?? -1) };
  // Text under comment and answer labels is one column by construction: an indented list in an answer (  •  …) must
  // not be taken for a second column.
  if (global.responseX === undefined && !labelledLayout(lines, content)) {
    const later = content.flatMap((i) => {
      const segs = lines[i].segments;
      const start = parseNumber(segs[0].text) ? 1 : 0;
      return segs.slice(start + 1).map((s) => s.x);
    });
    const m = modeX(later, tol);
    const multi = content.filter((i) => lines[i].segments.length > 1).length;
    if (m && m.count >= 3 && m.count >= 0.2 * multi) global = { ...global, responseX: m.x };
  }
  if (global.commentX === undefined) {
    const firsts = content.map((i) => {
      const segs = lines[i].segments;
      return (parseNumber(segs[0].text) && segs[1] ? segs[1] : segs[0]).x;
    });
    const m = modeX(firsts.filter((x) => global.responseX === undefined || x < global.responseX - tol), tol);
    if (m) global.commentX = m.x;
  }
  const cellColumns = cellRoles.has('comment') && cellRoles.has('response') ? cellRoles.size : 0;
  return { kinds, pages, content, global, pageGeometry, locationHeading, cellColumns };
}

/**
 * Column headings are often centred over their columns (a browser's <th>, Word's table styles), so the cells start
 * left of their heading: the comment and response columns start where most runs on the page's content lines
 * start, searched between the previous heading and this one. Left-aligned headings give the same x back.
 */
function alignToCells(g: Geometry, content: LayoutLine[], tol: number): Geometry {
  if (g.responseX === undefined) return g;
  const out = { ...g };
  // Every run start except a leading item number; a column starts where many runs start.
  const starts = content.flatMap((l) => (parseNumber(l.segments[0].text) ? l.segments.slice(1) : l.segments).map((s) => s.x));
  const need = Math.max(3, 0.3 * content.filter((l) => l.segments.length > 1).length);
  let floor = (g.numberX ?? -Infinity) + tol;
  for (const key of ['locationX', 'commentX', 'responseX'] as const) {
    const heading = g[key];
    if (heading === undefined) continue;
    const m = modeX(starts.filter((x) => x > floor && x <= heading + tol), tol);
    if (m && m.count >= need) out[key] = Math.min(m.x, heading);
    floor = out[key]! + tol;
  }
  return out;
}

interface LayoutFacts {
  pages: number[];
  /** The column headings, printed one per line, include 該当箇所. */
  locationHeading: boolean;
  /** How many text columns (comment, response, 該当箇所) have their heading printed on a line of its own; 0 if not both comment and response. */
  cellColumns: number;
  crossingPages: Map<number, number>;
  twoColumn: boolean;
  anyLabel: boolean;
  labelled: boolean;
  hasNumbers: boolean;
}

/** Reading-order text re-cut into comment and response, and a warning for everything the layout could not tell. */
function explainLayout(drafts: Draft[], { pages, crossingPages, twoColumn, anyLabel, labelled, hasNumbers, locationHeading, cellColumns }: LayoutFacts, warnings: string[]): void {
  // Reading-order output (pdftotext without -layout, a pdfjs text dump): each cell is a paragraph after a
  // number printed alone, so an item's first paragraph is the comment and the rest the response.
  const readingOrder =
    !twoColumn && !anyLabel && drafts.length > 0 && drafts.filter((d) => d.startsAlone).length >= drafts.length / 2;
  if (readingOrder) {
    const linePerCell: string[] = [];
    for (const d of drafts) {
      // A table flattened one cell per line with no blank line between cells (a web page's table copied as text):
      // an item with exactly as many lines as the headings name columns has one line per cell.
      if (cellColumns >= 2 && d.codeAt === undefined && d.paragraphs.length === 1 && d.paragraphs[0].length === cellColumns) {
        d.paragraphs = d.paragraphs[0].map((line) => [line]);
        d.paragraphRoles = d.paragraphs.map((_, k) => (k === 0 ? d.paragraphRoles[0] : null));
        d.flags.add('cells_by_line');
        linePerCell.push(d.number ?? `L${d.lines[0]}`);
      }
      const skip = locationHeading && d.paragraphs.length >= 3 ? 1 : 0;
      if (skip) d.location = d.paragraphs[0];
      const paragraphs = d.paragraphs.slice(skip);
      const roles = d.paragraphRoles.slice(skip);
      if (paragraphs.length < 2) continue;
      if (d.codeAt !== undefined) {
        d.comment = paragraphs.slice(0, d.codeAt - skip).flat();
        d.response = paragraphs.slice(d.codeAt - skip).flat();
        continue;
      }
      // A paragraph after a repeated 「意見の概要」 heading continues the comment across a page break.
      d.comment = paragraphs.filter((_, k) => k === 0 || roles[k] === 'comment').flat();
      d.response = paragraphs.filter((_, k) => k > 0 && roles[k] !== 'comment').flat();
    }
    const byCode = drafts.filter((d) => d.codeAt !== undefined).length;
    const split =
      (byCode
        ? `; in ${byCode} item(s) an answer code on its own line (【修正する】…) divided them instead: the paragraphs before it the comment, those after it the response`
        : '') +
      (linePerCell.length
        ? `; ${linePerCell.length} item(s) had no blank line between cells and exactly ${cellColumns} lines, one per column named in the headings: each line was taken as one cell (flag cells_by_line; a wrapped cell beside an empty one counts the same, so check them: ${listFirst(linePerCell, 10)})`
        : '');
    warnings.push(
      `pages ${pages[0]}–${pages[pages.length - 1]}: no column layout (text in reading order); took each item's first paragraph as the comment and the following ones as the response${split}`,
    );
  }

  for (const [page, n] of [...crossingPages].sort((a, b) => a[0] - b[0])) {
    if (n > 0) {
      warnings.push(
        `page ${page}: could not find the column boundary on ${n} line(s) (text runs across the response column); their text was kept with the comment`,
      );
    }
  }
  if (!twoColumn && !readingOrder && drafts.length && drafts.every((d) => !d.response.length)) {
    warnings.push(
      `pages ${pages[0]}–${pages[pages.length - 1]}: could not find the column boundary (no second column and no 考え方/回答 labels); responses are not separated from comments`,
    );
  }
  if (!hasNumbers && drafts.length) {
    warnings.push(
      labelled
        ? 'no item numbers found: each comment label (意見, 【意見】…) after an answer began an item'
        : 'no item numbers found: each block of lines between blank lines was taken as one item',
    );
  }
}

interface LineFates {
  draftOfLine: Map<number, number>;
  headingOfLine: Map<number, string>;
  skippedLine: Map<number, string>;
}

/** Items from the drafts, and every line's account: blank, header, item, heading or skipped with its reason. */
function draftsToItems(drafts: Draft[], lines: LayoutLine[], kinds: Kind[], fates: LineFates, opts: ParseOptions, hasLocation: boolean, hasCategory: boolean) {
  const { draftOfLine, headingOfLine, skippedLine } = fates;
  const items = drafts.map((d) => {
    const flags = new Set(d.flags);
    if (d.comment.length > 1 || d.response.length > 1) flags.add('joined_lines');
    if (new Set(d.pages).size > 1) flags.add('merged_rows');
    return buildItem({
      slug: opts.slug,
      number: d.number,
      fallbackKey: `L${d.lines[0]}`,
      section: d.section,
      ...(hasLocation ? { location: joinWrapped(d.location) || null } : {}),
      ...(hasCategory ? { category: cleanText(d.category.join(' ')) || null } : {}),
      commentRaw: joinWrapped(d.comment),
      responseRaw: joinWrapped(d.response),
      source: { file: opts.file, lines: d.lines, page: d.pages[0] },
      flags: [...flags],
    });
  });

  const accounts: LineAccount[] = lines.map((l, i) => {
    const base = { unit: 'line' as const, index: l.index, page: l.page, chars: nonWhitespaceLength(l.raw) };
    const k = kinds[i];
    if (k.fate === 'blank') return { ...base, fate: 'skipped', reason: 'blank line' };
    if (k.fate === 'header') return { ...base, fate: 'header', reason: k.reason };
    const d = draftOfLine.get(i);
    if (d !== undefined) return { ...base, fate: 'item', ref: items[d].id };
    const h = headingOfLine.get(i);
    if (h !== undefined) return { ...base, fate: 'heading', ref: h };
    return { ...base, fate: 'skipped', reason: skippedLine.get(i) ?? 'not part of the table' };
  });
  return { items, accounts };
}

export function layoutToDocument(lines: LayoutLine[], opts: ParseOptions, tol: number, inputChars: number): ParsedDocument {
  const warnings: string[] = [];
  const { kinds, pages, content, global, pageGeometry, locationHeading, cellColumns } = layoutOf(lines, tol);
  const geometryOf = (page: number): Geometry => ({ ...global, ...(pageGeometry.get(page) ?? {}) });
  const hasNumbers = content.some((i) => parseNumber(lines[i].segments[0].text) || numberBeforeLabel(lines[i].segments[0].text));
  const oneColumn = global.responseX === undefined;
  const answerCodes = oneColumn && content.some((i) => labelFromName(bracketedLine(lines[i].raw) ?? '') !== null);
  const assembler = new DraftAssembler(lines, hasNumbers, !oneColumn, locationHeading, oneColumn && labelledLayout(lines, content), answerCodes);
  for (const [b, block] of contentBlocks(lines, kinds).entries()) assembler.addBlock(block, b, (l, prev) => parseLayoutLine(l, prev, geometryOf(l.page), tol));
  const { drafts, crossingPages, twoColumn, anyLabel, labelled } = assembler;
  explainLayout(drafts, { pages, crossingPages, twoColumn, anyLabel, labelled, hasNumbers, locationHeading, cellColumns }, warnings);
  const hasLocation = locationHeading || assembler.sawLocation || [global, ...pageGeometry.values()].some((g) => g.locationX !== undefined);
  const hasCategory = assembler.sawCategory || [global, ...pageGeometry.values()].some((g) => g.categoryX !== undefined);
  const { items, accounts } = draftsToItems(drafts, lines, kinds, assembler, opts, hasLocation, hasCategory);
  if (!items.length) warnings.push('no items found');
  return { items, accounts, warnings, inputChars };
}

/**
 * One column with both kinds of label (【意見】 … 【回答】 …): each comment label begins an item, so answers
 * that run over several paragraphs stay one answer.
 */
function labelledLayout(lines: LayoutLine[], content: number[]): boolean {
  const roles = new Set<string>();
  for (const i of content) {
    const role = lineLabelRole(lines[i].segments[0].text);
    if (role) roles.add(role);
  }
  return roles.size === 2;
}

/** A line cut at the response column: its number (when it starts a comment), the comment side and the response side. */
function parseLayoutLine(l: LayoutLine, prevNumber: string | null, g: Geometry, tol: number): Parsed {
  const boundary = g.responseX === undefined ? Infinity : g.responseX - tol;
  let segs = [...l.segments];
  let number: string | null = null;
  const first = segs[0];
  const n = parseNumber(first.text);
  if (n && first.x < boundary && plausibleNext(prevNumber, n)) {
    number = n;
    segs = segs.slice(1);
  } else {
    // Number and text printed with a single space in the number column ("12 通学路の…"), or before a label in a
    // one-column layout ("1 意見：…", "2 [お寄せいただいた意見]").
    const m = /^(\S+)[ \u3000]+(.+)$/.exec(first.text);
    const n2 = m ? parseNumber(m[1]) : null;
    const numberColumn = g.commentX !== undefined && first.x < (g.locationX ?? g.commentX) - tol;
    if (m && n2 && (numberColumn || (g.responseX === undefined && lineLabel(m[2]))) && plausibleNext(prevNumber, n2)) {
      number = n2;
      segs = [{ x: first.x + m[1].length + 1, end: first.end, text: m[2] }, ...segs.slice(1)];
    }
  }
  // A 該当箇所 column: runs that start before the comment column.
  const locationEnd = g.locationX !== undefined && g.commentX !== undefined ? g.commentX - tol : -Infinity;
  segs = segs.flatMap((s) => splitAtBoundary(s, boundary, tol));
  if (locationEnd > -Infinity) segs = segs.flatMap((s) => splitAtBoundary(s, locationEnd, tol));
  const location = segs.filter((s) => s.x < locationEnd);
  const left = segs.filter((s) => s.x >= locationEnd && s.x < boundary);
  const rightEnd = g.afterResponseX === undefined ? Infinity : g.afterResponseX - 2 * tol;
  const right = segs.filter((s) => s.x >= boundary && s.x < rightEnd);
  const codes = g.categoryX === undefined ? [] : segs.filter((s) => s.x >= rightEnd);
  return {
    number,
    location: location.map((s) => s.text).join(' '),
    left: left.map((s) => s.text).join(' '),
    right: right.map((s) => s.text).join(' '),
    codes: codes.map((s) => s.text).join(' '),
    crossing: left.some((s) => s.end > boundary + 2 * tol),
  };
}

/**
 * A cell filled to its right edge leaves a single space before the next column (Word's tables through pdftotext
 * -layout), which joins the two cells into one run: such a run is cut at its space nearest the column start.
 */
function splitAtBoundary(s: Segment, boundary: number, tol: number): Segment[] {
  if (!(s.x < boundary - tol && s.end > boundary + tol)) return [s];
  const byChars = s.end - s.x === s.text.length;
  const at = (j: number) => s.x + (byChars ? j : displayWidth(s.text.slice(0, j)));
  // The space after which the next run starts closest to the column start (boundary + tol), within tol + 1 of it.
  let best = -1;
  let bestOff = tol + 1;
  for (let j = s.text.indexOf(' '); j >= 0; j = s.text.indexOf(' ', j + 1)) {
    const off = Math.abs(at(j + 1) - (boundary + tol));
    if (off < bestOff || (best < 0 && off === bestOff)) (best = j), (bestOff = off);
  }
  if (best < 0) return [s];
  return [
    { x: s.x, end: at(best), text: s.text.slice(0, best) },
    { x: at(best + 1), end: s.end, text: s.text.slice(best + 1) },
  ];
}

/** Runs of content lines not interrupted by a blank line, furniture or a page break. */
interface Block {
  lines: number[];
  afterBlank: boolean;
  pageStart: boolean;
  /**
   * The column named by a heading printed alone just before the block (reading order repeats the headings on
   * each page and prints a cell's continuation after its column's heading: 「意見の概要」, then the comment's rest).
   */
  afterHeading: string | null;
}

function headingBefore(kinds: Kind[], i: number): string | null {
  let j = i - 1;
  while (j >= 0 && kinds[j].fate === 'blank') j--;
  const k = j >= 0 ? kinds[j] : null;
  return k?.fate === 'header' && k.role ? k.role : null;
}

function contentBlocks(lines: LayoutLine[], kinds: Kind[]): Block[] {
  const blocks: Block[] = [];
  let open: Block | null = null;
  const pagesStarted = new Set<number>();
  lines.forEach((l, i) => {
    if (kinds[i].fate !== 'content' || (open && lines[open.lines[open.lines.length - 1]].page !== l.page)) {
      if (open) blocks.push(open);
      open = null;
    }
    if (kinds[i].fate === 'content') {
      open ??= { lines: [], afterBlank: i > 0 && kinds[i - 1].fate === 'blank', pageStart: !pagesStarted.has(l.page), afterHeading: headingBefore(kinds, i) };
      pagesStarted.add(l.page);
      open.lines.push(i);
    }
  });
  if (open) blocks.push(open);
  return blocks;
}

/**
 * Builds the items (drafts) block by block: a number starts an item, a heading sets the section, other lines
 * continue the current item; it records where every line went, for the accounting.
 */
class DraftAssembler {
  readonly drafts: Draft[] = [];
  readonly draftOfLine = new Map<number, number>();
  readonly headingOfLine = new Map<number, string>();
  readonly skippedLine = new Map<number, string>();
  readonly crossingPages = new Map<number, number>();
  anyLabel = false;
  /** Bracketed 該当箇所 and answer codes were found in the items (bracketedCell): the items carry those fields. */
  sawLocation = false;
  sawCategory = false;
  private section: string | null = null;
  private lastNumber: string | null = null;
  private current: number | null = null;

  constructor(
    private readonly lines: LayoutLine[],
    private readonly hasNumbers: boolean,
    readonly twoColumn: boolean,
    /** Column headings include 該当箇所: a heading-like line (第2章 P.12) right after an item's number is its location. */
    private readonly locationColumn = false,
    /** One column under comment and answer labels (labelledLayout). */
    readonly labelled = false,
    /** Answers headed by a bracketed disposition code on its own line (【修正する】): see bracketedCell. */
    private readonly answerCodes = false,
  ) {}

  addBlock(block: Block, b: number, parseLine: (l: LayoutLine, prev: string | null) => Parsed): void {
    const { lines } = this;
    const headingLike = block.lines.map((i) => lines[i].segments.length === 1 && isSectionHeading(lines[i].raw) && !isBareLabel(lines[i].raw.trim()));
    let prev: string | null = this.lastNumber;
    let beforePrev: string | null = prev;
    const parsed: Parsed[] = [];
    block.lines.forEach((i, k) => {
      let p = parseLine(lines[i], prev);
      if (headingLike[k] && !p.right) p.number = null;
      // A count printed alone above the first item (意見総数 ⏎ 25 ⏎ 1 ⏎ …) took the numbering, and the items'
      // own 1, 2, … then looked like no sequence: a bare number directly followed by a bare number that continues
      // what came before it was text, not an item's number.
      const last = parsed[k - 1];
      if (!p.number && last?.number && !last.left && !last.right && lines[i].segments.length === 1) {
        const again = parseLine(lines[i], beforePrev);
        if (again.number) {
          parsed[k - 1] = { ...last, number: null, left: lines[block.lines[k - 1]].segments.map((s) => s.text).join(' ') };
          prev = beforePrev;
          p = again;
        }
      }
      if (p.number) (beforePrev = prev), (prev = p.number);
      parsed.push(p);
    });
    const centredAt = this.centredNumber(block, parsed, headingLike);
    block.lines.forEach((i, k) => {
      const p = parsed[k];
      const l = lines[i];
      if (p.crossing) this.crossingPages.set(l.page, (this.crossingPages.get(l.page) ?? 0) + 1);
      const current = this.current;
      const prevText = current !== null ? this.drafts[current].comment.concat(this.drafts[current].response).at(-1) ?? '' : '';
      const awaitsLocation = this.locationColumn && current !== null && !this.drafts[current].comment.length && !this.drafts[current].response.length;
      const bracketed = headingLike[k] && !p.right ? this.bracketedCell(current, l) : null;
      if (bracketed && bracketed !== 'text') {
        // Not a heading: the item's 該当箇所 or its answer's code, kept apart from the comment and answer.
        const inner = p.left.replace(/^【|】$/g, '');
        if (bracketed === 'location') (p.location = inner), (this.sawLocation = true);
        else (p.codes = inner), (this.sawCategory = true), (this.drafts[current!].codeAt = this.drafts[current!].paragraphs.length);
        p.left = '';
      } else if (bracketed !== 'text' && headingLike[k] && !p.right && !awaitsLocation && (k === 0 || SENTENCE_END.test(prevText) || current === null)) {
        if (p.crossing) this.crossingPages.set(l.page, this.crossingPages.get(l.page)! - 1);
        this.section = normalize(l.raw);
        this.headingOfLine.set(i, this.section);
        this.current = null;
        return;
      }
      if (centredAt > 0 && k === 0) {
        this.current = this.startDraft(parsed[centredAt].number);
        this.drafts[this.current].flags.add('number_on_later_row');
      } else if (p.number && !(centredAt > 0 && k === centredAt)) {
        this.current = this.startDraft(p.number);
      } else if (this.labelled && this.beginsComment(p)) {
        this.current = this.startDraft(null);
      } else if (!this.hasNumbers && !this.labelled && k === 0) {
        this.current = this.startDraft(null);
      }
      if (this.current === null) {
        const what = this.hasNumbers ? 'numbered' : 'labelled';
        this.skippedLine.set(i, this.drafts.length ? `text between a heading and the next ${what} comment` : `text before the first ${what} comment`);
        return;
      }
      this.addToDraft(this.current, i, p, b, block.afterHeading);
    });
  }

  /**
   * A bracketed line inside an item whose number stood alone (reading order: the cells follow as paragraphs), as
   * 愛媛県 prints them: right after the number it is the item's 該当箇所 (【風水害等対策編 21頁】); where the document
   * heads its answers with a disposition code (answerCodes: 【修正する】, 【参考】), that code begins the answer, and a
   * bracketed line before it (【理由】) is part of the comment. Taken for section headings, they had ended the item,
   * and its comment and answer were skipped. 'text' keeps the line as the cell's text; null leaves it a heading.
   */
  private bracketedCell(current: number | null, l: LayoutLine): 'location' | 'code' | 'text' | null {
    const d = current === null ? null : this.drafts[current];
    const inner = bracketedLine(l.raw);
    if (inner === null || !d || !d.startsAlone || this.twoColumn || d.response.length || d.codeAt !== undefined) return null;
    if (!d.paragraphs.length && !d.location.length) return 'location';
    if (!this.answerCodes) return null;
    return labelFromName(inner) ? 'code' : 'text';
  }

  /** A comment label after an answer (or before any item) begins the next item; one after a comment continues it. */
  private beginsComment(p: Parsed): boolean {
    if (lineLabel(p.left)?.role !== 'comment') return false;
    return this.current === null || this.drafts[this.current].mode === 'response';
  }

  /**
   * A number centred vertically in its cell: lines above it in the same block belong to it. Not at the top of a
   * page, where unnumbered lines usually continue the previous page's cell. -1 when the block has no such number.
   */
  private centredNumber(block: Block, parsed: Parsed[], headingLike: boolean[]): number {
    const numbered = parsed.map((p, k) => (p.number ? k : -1)).filter((k) => k >= 0);
    if (!(this.hasNumbers && numbered.length === 1 && block.afterBlank && !block.pageStart && this.current !== null)) return -1;
    const k = numbered[0];
    // A section heading printed just above a number (reading order: 「…に係る意見」 then 「25」) is not its cell.
    if (headingLike.slice(0, k).some(Boolean)) return -1;
    return k > 0 && Math.abs(k - (parsed.length - 1 - k)) <= 1 ? k : -1;
  }

  private startDraft(number: string | null): number {
    this.drafts.push({
      number, lines: [], pages: [], location: [], comment: [], response: [], category: [], section: this.section, mode: 'comment',
      paragraphs: [], paragraphRoles: [], lastBlock: -1, startsAlone: false, flags: new Set(),
    });
    if (number) this.lastNumber = number;
    return this.drafts.length - 1;
  }

  private addToDraft(d: number, i: number, p: Parsed, block: number, afterHeading: string | null): void {
    const draft = this.drafts[d];
    if (!draft.lines.length && p.number && !p.left && !p.right) draft.startsAlone = true;
    draft.lines.push(this.lines[i].index);
    draft.pages.push(this.lines[i].page);
    this.draftOfLine.set(i, d);
    let left = p.left;
    if (!this.twoColumn && left) {
      // One column: a label such as 【市の考え方】 switches from the comment to the response.
      const label = lineLabel(left);
      if (label?.role === 'response') draft.mode = 'response';
      if (label && draft.mode === label.role) left = left.slice(label.length);
      if (label) this.anyLabel = true;
      if (left && draft.lastBlock !== block) (draft.paragraphs.push([]), draft.paragraphRoles.push(afterHeading));
      if (left) (draft.paragraphs.at(-1)!.push(left), (draft.lastBlock = block));
    }
    if (left) (draft.mode === 'comment' ? draft.comment : draft.response).push(left);
    if (p.right) draft.response.push(p.right);
    if (p.location) draft.location.push(p.location);
    if (p.codes) draft.category.push(p.codes);
  }
}

export const readPdfText: FormatReader = async (input, opts) => {
  const { text } = decodeText(opts.file, input);
  // Columns line up either by character count or by display width, depending on the tool and font:
  // take whichever metric puts more runs at one column start.
  const byChars = textLines(text, false);
  const byWidth = textLines(text, true);
  const lines = columnAlignment(byWidth) > columnAlignment(byChars) ? byWidth : byChars;
  // Columns printed one after another on each page (numbers, comments, answers) are put side by side again.
  const serial = serialisedToDocument(lines, opts, nonWhitespaceLength(text));
  if (serial) return serial;
  // Rows printed one after another with no blank lines (pdftotext -raw): each row's lines cut into comment and answer.
  const rows = rowOrderToDocument(lines, opts, nonWhitespaceLength(text));
  if (rows) return rows;
  // A column run is at least two spaces from the next; allow 2 characters of drift.
  return layoutToDocument(lines, opts, 2, nonWhitespaceLength(text));
};
