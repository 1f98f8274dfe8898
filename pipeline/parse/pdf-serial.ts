// Text layers in which a table's columns come out one after another on each page: the page's numbers, then its
// comment cells, then its answer cells (each cell a paragraph of hard-wrapped lines), with the running title,
// column headings and page number around them. Detected per page and reassembled: the k numbers on a page
// take the first k comment paragraphs and the k answer paragraphs after them; one more paragraph at the head
// of either column continues the row cut by the page break. When the cells are not separated by blank lines
// (pdftotext without -layout, the pdfjs text order), each page's lines are cut into its cells by the evidence of
// the line ends instead (pdf-serial-cut.ts), as are pages with empty cells (which print nothing). Section heading
// rows printed in the number column set the items' sections, and the numbering may start again under each; a
// 該当箇所 column prints its cells between the numbers and the comments (pdf-serial-location.ts).
import type { Item, LineAccount } from '../core/schema.ts';
import { nonWhitespaceLength, normalize } from '../core/text.ts';
import { isSectionHeading, matchRole, parseNumber } from './columns.ts';
import { buildItem } from './item.ts';
import { alignAnswers, cutPages, MAX_MISSING, type PageCells } from './pdf-serial-cut.ts';
import { hasLocationColumn, peelLocations } from './pdf-serial-location.ts';
import type { LayoutLine } from './pdf-text.ts';
import { joinWrapped } from './pdf-text.ts';
import { locationSection } from './tabular.ts';
import type { ParseOptions, ParsedDocument } from './types.ts';

const PAGE_NUMBER = /^(?:[-－‐―ー]\s*\d+\s*[-－‐―ー]|\d+\s*(?:ページ|頁)|\d+\s*\/\s*\d+)$/;
const SENTENCE_END = /[。．.！？!?」』）)]$/;
// Score units (pdf-serial-cut.ts) by which the chosen reading of a page break must beat the next best one.
const UNSURE_BREAK = 2;
// At most this many empty cells on a page whose cells are separated by blank lines, as pdf-serial-cut.ts allows.
const MAX_EMPTY = MAX_MISSING;
// Score units by which the page's count of empty cells must beat any other count, else its items are named.
const UNSURE_EMPTY = 2;

export interface PageParts {
  page: number;
  numbers: { line: number; number: string; section?: string }[];
  /** Section heading rows (第2章 …) printed in the number column, before the number they head. */
  headings: { line: number; text: string }[];
  paragraphs: number[][];
  /** The 該当箇所 cells, one per number, in a table with that column (peelLocations). */
  locations?: number[][];
}

/** One item being assembled from a text layer's lines (both text-layer readers). */
export interface Draft {
  number: string;
  section?: string | null;
  location?: string;
  comment: string[];
  response: string[];
  lines: number[];
  pages: Set<number>;
}

export type Fate = { fate: 'header' | 'skipped'; reason: string };

const SERIAL_LEFTOVER = 'text outside the reassembled columns';

/** Running titles: the same text among the first or last three lines of at least half the pages. */
export function runningTitles(pages: LayoutLine[][]): Set<string> {
  const seen = new Map<string, number>();
  for (const lines of pages) {
    const filled = lines.filter((l) => l.raw.trim());
    for (const key of new Set([...filled.slice(0, 3), ...filled.slice(-3)].map((l) => normalize(l.raw)))) {
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  const need = Math.max(2, Math.ceil(pages.length / 2));
  return new Set([...seen].filter(([k, n]) => n >= need && !parseNumber(k)).map(([k]) => k));
}

export function furnitureOf(l: LayoutLine, titles: Set<string>): Fate | null {
  const t = normalize(l.raw);
  if (!t) return { fate: 'skipped', reason: 'blank line' };
  if (PAGE_NUMBER.test(t)) return { fate: 'header', reason: 'page number' };
  if (titles.has(t)) return { fate: 'header', reason: 'running page header/footer' };
  // The column headings, one to a line or all on one line (pdftotext -raw prints a heading row as one line).
  const heading = (x: string) => {
    const m = matchRole(x);
    return !!m && m.rank < 1000 && ['number', 'comment', 'response', 'section', 'location'].includes(m.role);
  };
  const parts = t.split(' ');
  if (heading(t) || (parts.length > 1 && parts.every(heading))) return { fate: 'header', reason: 'column heading' };
  return null;
}

/**
 * Whether the printed number n (as parseNumber gives it) follows prev in a table's numbering: one more (3 → 4),
 * the next of a compound number (2-3 → 2-4 or 3-1), or, right after a section heading, 1 (or N-1) again, since
 * many tables number the comments under each heading afresh (第1章 1, 2, 3… 第2章 1, 2…).
 */
export function followsNumber(prev: string, n: string, afterHeading: boolean, gap = 1): boolean {
  const [a, b] = prev.split('-').map(Number);
  const [c, d] = n.split('-').map(Number);
  if (afterHeading && (d === undefined ? c === 1 : d === 1)) return true;
  if ((b === undefined) !== (d === undefined)) return false;
  if (d === undefined) return c > a && c - a <= gap;
  return (c === a && d > b && d - b <= gap) || (c > a && c - a <= gap && d === 1);
}

/**
 * The page's run of bare numbers, each following the last (with section headings between them, after which the
 * numbering may start again), and the paragraphs after it.
 */
function pageParts(lines: LayoutLine[], fates: Map<number, Fate>, prevNumber: string | null): PageParts | null {
  const content = lines.filter((l) => !fates.has(l.index) || fates.get(l.index)!.reason === 'blank line');
  const numbers: PageParts['numbers'] = [];
  const headings: PageParts['headings'] = [];
  let k = 0;
  let last = prevNumber;
  let section: string | undefined;
  while (k < content.length && !content[k].raw.trim()) k++;
  for (; k < content.length; k++) {
    const raw = content[k].raw;
    if (!raw.trim() && numbers.length) continue;
    // A heading row spanning the table starts at its left edge, in the number column: it goes with the numbers
    // when a number follows it.
    const next = content.slice(k + 1).find((l) => l.raw.trim());
    if (isSectionHeading(raw) && !parseNumber(raw) && next && parseNumber(next.raw)) {
      section = normalize(raw);
      headings.push({ line: content[k].index, text: section });
      continue;
    }
    const n = parseNumber(raw);
    if (!n || (last !== null && numbers.length + headings.length > 0 && !followsNumber(last, n, section !== undefined && (numbers.at(-1)?.section !== section)))) break;
    numbers.push({ line: content[k].index, number: n, section });
    last = n;
  }
  // A heading after the run's last number heads the next page's numbers: it is not part of this run.
  while (headings.length && (!numbers.length || headings.at(-1)!.line > numbers.at(-1)!.line)) {
    const h = headings.pop()!;
    k = content.findIndex((l) => l.index === h.line);
  }
  const paragraphs: number[][] = [];
  let open = false;
  for (const l of content.slice(k)) {
    if (!l.raw.trim()) open = false;
    else {
      if (!open) paragraphs.push([]);
      paragraphs[paragraphs.length - 1].push(l.index);
      open = true;
    }
  }
  return { page: lines[0]?.page ?? 0, numbers, headings, paragraphs };
}

/**
 * A title or a few lines of preamble before the table on its first page (a title not repeated as a running
 * header, an introduction): when a number run starting at 1 follows within a few lines, the lines before it are
 * skipped with that reason instead of hiding the run. Returns how many lines were skipped.
 */
function markPreamble(pages: LayoutLine[][], fates: Map<number, Fate>): number {
  const first = pages.find((p) => p.some((l) => !fates.has(l.index)));
  if (!first) return 0;
  const content = first.filter((l) => !fates.has(l.index));
  const second = (i: number) => parseNumber(content[i + 1]?.raw ?? '');
  let start = content.findIndex((l, i) => {
    const n = parseNumber(l.raw);
    return i <= 8 && (n === '1' || n === '1-1') && !!second(i) && followsNumber(n, second(i)!, false);
  });
  // A section heading right above the first number heads the table's first rows: not preamble.
  while (start > 0 && isSectionHeading(content[start - 1].raw)) start--;
  if (start <= 0) return 0;
  for (const l of content.slice(0, start)) fates.set(l.index, { fate: 'skipped', reason: 'text before the column-serialised table (title or preamble)' });
  return start;
}

/**
 * Column-serialised pages: most pages with a number run whose paragraphs number twice the run, give or take the
 * cut row, or a few fewer (an empty cell prints nothing, not even a blank line).
 */
function isSerialised(parts: PageParts[]): boolean {
  const withNumbers = parts.filter((p) => p.numbers.length >= 2);
  const fits = withNumbers.filter((p) => p.paragraphs.length >= fewest(p.numbers.length) && p.paragraphs.length - 2 * p.numbers.length <= 2);
  return withNumbers.length > 0 && fits.length >= 0.8 * parts.filter((p) => p.paragraphs.length).length;
}

/** The fewest paragraphs a page of k numbers with cells separated by blank lines holds: a few empty cells, and
 *  more paragraphs than numbers (a page of run-on lines is one paragraph). */
const fewest = (k: number) => Math.max(2 * k - MAX_EMPTY, k + 1);

/** A serialised page with fewer paragraphs than its numbers call for cells: some cells are empty. */
const hasEmptyCells = (parts: PageParts[]) =>
  parts.some((p) => p.paragraphs.length < 2 * p.numbers.length && p.paragraphs.length >= fewest(p.numbers.length));

/**
 * Column-serialised pages without blank lines between cells: most pages with text hold a number run and fewer
 * paragraphs than the 2k cells it calls for, but enough lines for them, and the document has at least two numbers.
 */
function isDense(parts: PageParts[]): boolean {
  const lines = (p: PageParts) => p.paragraphs.reduce((n, x) => n + x.length, 0);
  const withText = parts.filter((p) => p.paragraphs.length);
  const fits = withText.filter((p) => p.numbers.length >= 1 && p.paragraphs.length < 2 * p.numbers.length && lines(p) >= 2 * p.numbers.length);
  const numbers = parts.reduce((n, p) => n + p.numbers.length, 0);
  return numbers >= 2 && parts.some((p) => p.numbers.length >= 2) && fits.length >= 0.8 * withText.length;
}

/**
 * Reassembled items, or null when the text is not column-serialised (the caller reads it line by line). A page
 * whose paragraphs do not add up is reported and its text skipped with that reason.
 */
export function serialisedToDocument(lines: LayoutLine[], opts: ParseOptions, inputChars: number): ParsedDocument | null {
  const byPage = new Map<number, LayoutLine[]>();
  for (const l of lines) byPage.set(l.page, [...(byPage.get(l.page) ?? []), l]);
  const pages = [...byPage.values()];
  const titles = runningTitles(pages);
  const fates = new Map<number, Fate>();
  for (const l of lines) {
    const f = furnitureOf(l, titles);
    if (f) fates.set(l.index, f);
  }
  const preamble = markPreamble(pages, fates);
  const parts: PageParts[] = [];
  for (const p of pages) parts.push(pageParts(p, fates, parts.flatMap((x) => x.numbers).at(-1)?.number ?? null)!);
  // Each number's section: the last heading above it, on its page or an earlier one.
  let section: string | undefined;
  for (const p of parts) for (const n of p.numbers) n.section = section = n.section ?? section;
  const headingOf = new Map(parts.flatMap((p) => p.headings.map((h) => [h.line, h.text] as const)));
  const text = new Map(lines.map((l) => [l.index, l.raw]));
  const para = (p: number[]) => joinWrapped(p.map((i) => text.get(i) ?? ''));
  const located = hasLocationColumn(lines, fates);
  const locationNotes: string[] = [];
  if (located) peelLocations(parts, text, locationNotes);
  // Pages with empty cells are cut like pages without blank lines, where a blank line is a sure cell border and
  // the empty cells are found by the same evidence (voice, wording shared with the other column).
  if (!isSerialised(parts) || hasEmptyCells(parts)) {
    if (!isDense(parts) && !(isSerialised(parts) && hasEmptyCells(parts))) return null;
    const warnings = [...preambleNote(preamble, parts), ...locationNotes];
    return finishDrafts(denseDrafts(parts, text, para, fates, warnings, isSerialised(parts)), lines, fates, headingOf, opts, inputChars, warnings, located, SERIAL_LEFTOVER);
  }
  const drafts: Draft[] = [];
  const warnings = [...preambleNote(preamble, parts), ...locationNotes];
  for (const p of parts) {
    const k = p.numbers.length;
    const extra = p.paragraphs.length - 2 * k;
    const prev = drafts[drafts.length - 1];
    if (extra < 0 || extra > 2 || (extra > 0 && !prev)) {
      warnings.push(`page ${p.page}: ${k} numbers but ${p.paragraphs.length} text paragraphs; could not reassemble the columns, its text was skipped`);
      for (const i of p.paragraphs.flat()) fates.set(i, { fate: 'skipped', reason: 'column-serialised page that could not be reassembled' });
      for (const n of p.numbers) fates.set(n.line, { fate: 'skipped', reason: 'column-serialised page that could not be reassembled' });
      continue;
    }
    // One extra paragraph: the cut row continues in the column whose text had not finished.
    const commentCont = extra === 2 || (extra === 1 && !SENTENCE_END.test(prev.comment.join('')));
    const answerCont = extra === 2 || (extra === 1 && !commentCont);
    const comments = p.paragraphs.slice(commentCont ? 1 : 0, (commentCont ? 1 : 0) + k);
    const answersFrom = (commentCont ? 1 : 0) + k;
    if (commentCont) addTo(prev, 'comment', p.paragraphs[0], para, p.page);
    if (answerCont) addTo(prev, 'response', p.paragraphs[answersFrom], para, p.page);
    const answers = p.paragraphs.slice(answersFrom + (answerCont ? 1 : 0));
    p.numbers.forEach((n, j) => {
      const d: Draft = { number: n.number, section: n.section, comment: [], response: [], lines: [n.line], pages: new Set([p.page]) };
      takeLocation(d, p.locations?.[j], para);
      addTo(d, 'comment', comments[j], para, p.page);
      addTo(d, 'response', answers[j], para, p.page);
      drafts.push(d);
    });
  }
  return finishDrafts(drafts, lines, fates, headingOf, opts, inputChars, warnings, located, SERIAL_LEFTOVER);
}

function takeLocation(d: Draft, cell: number[] | undefined, para: (p: number[]) => string): void {
  if (!cell?.length) return;
  // A location is one value wrapped by a narrow column: its lines join without the line break a 「P.」 would get.
  d.location = para(cell).replace(/\n/g, '');
  d.lines.push(...cell);
}

function preambleNote(skipped: number, parts: PageParts[]): string[] {
  const page = parts.find((p) => p.numbers.length)?.page ?? 1;
  return skipped ? [`page ${page}: ${skipped} line(s) before the number column taken for a title or preamble and skipped`] : [];
}

/** Pages whose cells follow one another without blank lines, cut into cells by pdf-serial-cut.ts. */
function denseDrafts(
  parts: PageParts[],
  text: Map<number, string>,
  para: (p: number[]) => string,
  fates: Map<number, Fate>,
  warnings: string[],
  blankCells: boolean,
): Draft[] {
  const flat = parts.map((p) => p.paragraphs.flatMap((x) => x.map((i, j) => ({ i, blankBefore: j === 0 && x !== p.paragraphs[0] }))));
  const cut = cutPages(parts.map((p, n) => ({ k: p.numbers.length, lines: flat[n].map((l) => ({ text: text.get(l.i) ?? '', blankBefore: l.blankBefore })) })));
  // Cells separated by blank lines come here when some are empty (they print nothing, not even a blank line).
  const how = blankCells ? 'cells separated by blank lines, some of them empty' : 'no blank lines between cells';
  const drafts: Draft[] = [];
  const firstDraft: number[] = [];
  parts.forEach((p, n) => {
    firstDraft.push(drafts.length);
    const got: PageCells | null = cut.pages[n];
    const k = p.numbers.length;
    // A page of furniture only (a last page holding the running title and page number) has nothing to cut.
    if (!k && !flat[n].length) return;
    if (!got || ((got.commentCont || got.answerCont) && !drafts.length)) {
      const lineCount = flat[n].length;
      warnings.push(`page ${p.page}: ${k} numbers but ${lineCount} text lines ${blankCells ? 'in cells separated by blank lines' : 'with no blank lines between cells'}; could not cut them into ${2 * k} cells, its text was skipped`);
      for (const l of flat[n]) fates.set(l.i, { fate: 'skipped', reason: 'column-serialised page that could not be reassembled' });
      for (const x of p.numbers) fates.set(x.line, { fate: 'skipped', reason: 'column-serialised page that could not be reassembled' });
      return;
    }
    const cells = got.cells.map(([a, b]) => flat[n].slice(a, b + 1).map((l) => l.i));
    const prev = drafts[drafts.length - 1];
    const c0 = got.commentCont ? 1 : 0;
    const kc = k - got.missingComments;
    const a0 = c0 + kc + (got.answerCont ? 1 : 0);
    if (got.commentCont) addTo(prev, 'comment', cells[0], para, p.page);
    if (got.answerCont) addTo(prev, 'response', cells[c0 + kc], para, p.page);
    const first = drafts.length;
    const comments = cells.slice(c0, c0 + kc).map(para);
    const answers = cells.slice(a0).map(para);
    // Fewer answer cells than numbers: the answers go to the items whose comments share most of their wording.
    // Fewer comment cells: the other way round, the comments go to the rows whose answers take up their wording.
    let commentOf: (number | null)[] = p.numbers.map((_, j) => j);
    let answerOf: (number | null)[] = p.numbers.map((_, j) => j);
    if (got.missingComments && !got.missing) commentOf = alignAnswers(answers, comments);
    else if (got.missing && !got.missingComments) answerOf = alignAnswers(comments, answers);
    else if (got.missing) {
      // Both short: comments and answers are paired by their wording, and the pairs laid on the numbers in order.
      const pairs = alignAnswers(comments, answers);
      const rows: [number | null, number | null][] = [];
      let a = 0;
      pairs.forEach((x, c) => {
        for (; x !== null && a < x; a++) rows.push([null, a]);
        rows.push([c, x]);
        if (x !== null) a = x + 1;
      });
      for (; a < answers.length; a++) rows.push([null, a]);
      commentOf = p.numbers.map((_, j) => rows[j]?.[0] ?? null);
      answerOf = p.numbers.map((_, j) => rows[j]?.[1] ?? null);
    }
    p.numbers.forEach((x, j) => {
      const d: Draft = { number: x.number, section: x.section, comment: [], response: [], lines: [x.line], pages: new Set([p.page]) };
      takeLocation(d, p.locations?.[j], para);
      const c = commentOf[j];
      if (c !== null) addTo(d, 'comment', cells[c0 + c], para, p.page);
      const a = answerOf[j];
      if (a !== null) addTo(d, 'response', cells[a0 + a], para, p.page);
      drafts.push(d);
    });
    const range = `check No.${p.numbers[0].number}–No.${p.numbers[k - 1].number}`;
    if (got.missing) {
      const none = p.numbers.filter((_, j) => answerOf[j] === null).map((x) => `No.${x.number}`);
      warnings.push(`page ${p.page}: ${k} numbers but ${k - got.missing} answer cells; ${none.join(', ')} taken to have no answer (the answers were given to the comments they share most wording with), ${range}`);
    }
    if (got.missingComments) {
      const none = p.numbers.filter((_, j) => commentOf[j] === null).map((x) => `No.${x.number}`);
      warnings.push(`page ${p.page}: ${k} numbers but ${kc} comment cells; ${none.join(', ')} taken to have no comment (the comments were given to the answers that share most of their wording), ${range}`);
    }
    // Whether the page holds empty cells, and how many, is a close call: every item on it may be shifted.
    if (got.emptyMargin < UNSURE_EMPTY) {
      const read = got.missing + got.missingComments ? `with ${got.missing + got.missingComments} empty cell(s)` : 'with no empty cell';
      warnings.push(`page ${p.page}: ${how}; read ${read}, but another count of empty cells reads almost as well (within ${got.emptyMargin.toFixed(1)}), ${range}`);
    }
    // Which item a cell belongs to, to name the items a weak cut may have mixed up.
    const owner = (j: number) =>
      j < c0 || (j >= c0 + kc && j < a0) ? prev : drafts[first + Math.max(0, j < c0 + kc ? commentOf.indexOf(j - c0) : answerOf.indexOf(j - a0))];
    for (const j of got.weakCuts) {
      const names = [...new Set([owner(j - 1), owner(j)].map((d) => `No.${d.number}`))].join(' and ');
      warnings.push(`page ${p.page}: ${how}; the cut before line ${cells[j][0]} (${names}) has no sentence end or short line to go by, check ${names}`);
    }
  });
  // A page break where another continuation reading scores almost as well: every cell after it may be shifted.
  parts.forEach((p, n) => {
    if (n + 1 >= parts.length || cut.breakMargin[n] >= UNSURE_BREAK || !cut.pages[n] || !cut.pages[n + 1]) return;
    const affected = drafts.slice(Math.max(0, firstDraft[n + 1] - 1), firstDraft[n + 2] ?? drafts.length);
    if (!affected.length) return;
    const names = `No.${affected[0].number}–No.${affected[affected.length - 1].number}`;
    warnings.push(`pages ${p.page}–${parts[n + 1].page}: ${how}, and whether a row goes on across the page break is unsure; check ${names}`);
  });
  return drafts;
}

function addTo(d: Draft, role: 'comment' | 'response', lines: number[] | undefined, para: (p: number[]) => string, page: number): void {
  if (!lines?.length) return;
  d[role].push(para(lines));
  d.lines.push(...lines);
  d.pages.add(page);
}

/**
 * Items from the drafts of either text-layer reader (column-serialised here, row order in pdf-rows.ts), with every
 * line accounted for; `otherwise` is the reason given to lines no item, heading or header took. A draft's first
 * line is the one its number was read from.
 */
export function finishDrafts(
  drafts: readonly Draft[],
  lines: LayoutLine[],
  fates: Map<number, Fate>,
  headingOf: Map<number, string>,
  opts: ParseOptions,
  inputChars: number,
  warnings: string[],
  located: boolean,
  otherwise: string,
): ParsedDocument {
  const items: Item[] = drafts.map((d) =>
    buildItem({
      slug: opts.slug,
      number: d.number,
      fallbackKey: `L${d.lines[0]}`,
      section: d.section ?? (located ? locationSection(d.location ?? null) : null),
      ...(located ? { location: d.location ?? null } : {}),
      commentRaw: joinWrapped(d.comment),
      responseRaw: joinWrapped(d.response),
      source: { file: opts.file, lines: [...new Set(d.lines)].sort((a, b) => a - b), page: Math.min(...d.pages) },
      flags: [...(d.pages.size > 1 ? (['merged_rows'] as const) : []), 'joined_lines'],
    }),
  );
  const accounts = lineAccounts(lines, drafts, items, fates, headingOf, otherwise);
  return { items, accounts, warnings, inputChars };
}

/**
 * Every line's fate, for a text layer read by cells (this file, pdf-rows.ts): in the item whose draft holds it,
 * a section heading, page furniture, or skipped with `otherwise` as the reason.
 */
export function lineAccounts(
  lines: readonly LayoutLine[],
  drafts: readonly { lines: readonly number[] }[],
  items: readonly Item[],
  fates: ReadonlyMap<number, Fate>,
  headingOf: ReadonlyMap<number, string>,
  otherwise: string,
): LineAccount[] {
  const owner = new Map<number, string>();
  drafts.forEach((d, k) => d.lines.forEach((i) => owner.set(i, items[k].id)));
  return lines.map((l) => {
    const base = { unit: 'line' as const, index: l.index, page: l.page, chars: nonWhitespaceLength(l.raw) };
    const ref = owner.get(l.index);
    if (ref) return { ...base, fate: 'item', ref };
    const h = headingOf.get(l.index);
    if (h !== undefined) return { ...base, fate: 'heading', ref: h };
    const f = fates.get(l.index) ?? { fate: 'skipped' as const, reason: otherwise };
    return { ...base, fate: f.fate, reason: f.reason };
  });
}
