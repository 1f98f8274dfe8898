// Reader for result tables published as tab-separated text (a web page's table copied or exported as text),
// like the seed. Every line gets a fate in the accounts; every character of an item line is attributed to the
// heading, number, comment or response piece it was cut into.
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { deriveModel, type ModelFile } from '../core/models.ts';
import type { Item, ItemFlag, LineAccount, LinePart } from '../core/schema.ts';
import { cleanText, nonWhitespaceLength, normalize } from '../core/text.ts';
import { isSectionHeading, matchRole, parseNumber } from './columns.ts';
import { buildItem } from './item.ts';
import { Pattern } from './pattern.ts';
import type { ParseOptions, ParsedDocument } from './types.ts';
import { minOf, pushAll } from '../core/arrays.ts';

const TextModel = z.object({
  about: z.string(),
  glued_headings: z.object({ rationale: z.string(), patterns: z.array(Pattern).min(1) }),
  glued_number: z.object({ rationale: z.string(), pattern: Pattern, max_gap: z.number().int().positive() }),
  separator: z.object({ rationale: z.string(), pattern: Pattern }),
  skip_lines: z.array(z.object({ id: z.string(), pattern: Pattern, reason: z.string(), rationale: z.string() })),
});

interface Rules {
  gluedHeadings: RegExp[];
  gluedNumber: RegExp;
  maxGap: number;
  separator: RegExp;
  skips: { re: RegExp; reason: string }[];
}
function compileRules({ value: m }: ModelFile<z.infer<typeof TextModel>>): Rules {
  return {
    gluedHeadings: m.glued_headings.patterns.map((p) => new RegExp(p, 'u')),
    gluedNumber: new RegExp(m.glued_number.pattern, 'u'),
    maxGap: m.glued_number.max_gap,
    separator: new RegExp(m.separator.pattern, 'u'),
    skips: m.skip_lines.map((s) => ({ re: new RegExp(s.pattern, 'u'), reason: s.reason })),
  };
}
const loadRules = (): Rules => deriveModel('parse/text.json', TextModel, compileRules);

type LineKind = 'blank' | 'preamble' | 'separator' | 'header' | 'heading' | 'skip' | 'data';

interface TextLine {
  index: number;
  raw: string;
  cells: string[];
  kind: LineKind;
  reason?: string;
  heading?: string;
}

/** One table row, cut into the pieces its characters went to. */
interface DataRow {
  line: number;
  cellCount: number;
  headingRaw: string;
  heading: string | null;
  numberRaw: string;
  number: string | null;
  /** The number as an integer when it is one (not "3-1"), for reasoning about the numbering. */
  value: number | null;
  comment: string;
  response: string;
  /** A blank line, header, heading, separator or skipped line stands between this row and the previous row. */
  breakBefore: boolean;
  /** A section heading stands between this row and the previous row, or is glued to this row. */
  sectionBreak: boolean;
  section: string | null;
}

interface Draft {
  rows: DataRow[];
  number: string | null;
  inferred: string | null;
  flags: Set<ItemFlag>;
}

const filled = (s: string): boolean => s.trim() !== '';
const HTML_TAG = /<\/?[a-z][^>]*>/i;

function isHeaderRow(cells: string[]): boolean {
  const texts = cells.map((c) => c.trim()).filter(Boolean);
  // Column headings are short; checking the length first spares normalising every long comment cell.
  if (texts.length < 2 || texts.some((t) => t.length > 40)) return false;
  let commentOrResponse = false;
  for (const t of texts) {
    const m = matchRole(t);
    // A loose ("contains") match is a heading only if it reads like one: 「ご意見として承ります。」 is a response.
    if (!m || (m.rank >= 1000 && /[。、]/.test(t))) return false;
    if (m.role === 'comment' || m.role === 'response') commentOrResponse = true;
  }
  return commentOrResponse;
}

function gluedNumber(text: string, lastValue: number, sectionStart: boolean): { token: string; number: string } | null {
  const r = loadRules();
  const m = r.gluedNumber.exec(text);
  const token = m?.groups?.token;
  if (!m || !token) return null;
  const number = parseNumber(token);
  if (number === null || !/^\d+$/.test(number)) return null;
  const v = Number(number);
  const continues = v > lastValue && v <= lastValue + r.maxGap;
  const restarts = sectionStart && v >= 1 && v <= r.maxGap;
  return continues || restarts ? { token: m[0], number } : null;
}

function classify(lines: TextLine[], file: string): void {
  const r = loadRules();
  for (const l of lines) {
    const texts = l.cells.map((c) => c.trim()).filter(Boolean);
    if (!texts.length) {
      l.kind = 'blank';
      l.reason = 'blank line';
    } else if (texts.every((t) => r.separator.test(t))) {
      l.kind = 'separator';
      l.reason = 'separator row';
    } else if (isHeaderRow(l.cells)) {
      l.kind = 'header';
    } else if (texts.length === 1 && filled(l.cells[0]) && r.skips.some((s) => s.re.test(texts[0]))) {
      l.kind = 'skip';
      l.reason = r.skips.find((s) => s.re.test(texts[0]))!.reason;
    } else if (texts.length === 1 && filled(l.cells[0]) && !HTML_TAG.test(texts[0]) && isSectionHeading(texts[0])) {
      l.kind = 'heading';
      l.heading = normalize(cleanText(texts[0]));
    } else {
      l.kind = 'data';
    }
  }
  // The table starts at the first column-header row, or failing that at the first numbered row of two cells or
  // more; what comes before it (title, notes on how comments were summarised) is preamble.
  const firstHeader = lines.findIndex((l) => l.kind === 'header');
  const firstNumbered = lines.findIndex((l) => {
    if (l.kind !== 'data') return false;
    const texts = l.cells.map((c) => c.trim()).filter(Boolean);
    return texts.length >= 2 && ((texts[0].length <= 16 && parseNumber(texts[0]) !== null) || gluedNumber(texts[0], 0, true) !== null);
  });
  const candidates = [firstHeader, firstNumbered].filter((i) => i >= 0);
  if (!candidates.length) {
    throw new InputError(
      file,
      'not a result table: no column header row (意見の概要 / 意見に対する考え方) and no numbered tab-separated rows; ' +
        'for text copied from a PDF or a web page (columns aligned by spaces, or cells one after another), try --format pdf-text',
    );
  }
  const start = minOf(candidates);
  for (const l of lines.slice(0, start)) {
    if (l.kind === 'blank') continue;
    l.kind = 'preamble';
    l.reason = 'title or preamble before the table';
  }
  let seenHeader = false;
  for (const l of lines.slice(start)) {
    if (l.kind !== 'header') continue;
    l.reason = seenHeader ? 'column header row (repeated)' : 'column header row';
    seenHeader = true;
  }
}

/** Most common cell count of the table rows under each header: tells a lone comment cell from a lone response cell. */
function blockWidths(lines: TextLine[]): Map<number, number> {
  const widths = new Map<number, number>();
  let block: TextLine[] = [];
  const flush = () => {
    const counts = new Map<number, number>();
    for (const l of block) {
      if (l.cells.filter(filled).length >= 2) counts.set(l.cells.length, (counts.get(l.cells.length) ?? 0) + 1);
    }
    let best = 0;
    let bestCount = 0;
    for (const [w, c] of counts) if (c > bestCount || (c === bestCount && w > best)) [best, bestCount] = [w, c];
    for (const l of block) widths.set(l.index, best || l.cells.length);
    block = [];
  };
  for (const l of lines) {
    if (l.kind === 'header') flush();
    if (l.kind === 'data') block.push(l);
  }
  flush();
  return widths;
}

function splitRow(l: TextLine, width: number, lastValue: number, sectionStart: boolean): Omit<DataRow, 'breakBefore' | 'sectionBreak' | 'section'> {
  const r = loadRules();
  const cells = l.cells;
  const k = cells.findIndex(filled);
  let first = cells[k];
  let headingRaw = '';
  let heading: string | null = null;
  if (k === 0) {
    for (const re of r.gluedHeadings) {
      const m = re.exec(first);
      if (m?.groups?.heading) {
        headingRaw = m[0];
        heading = normalize(m.groups.heading);
        first = first.slice(m[0].length);
        break;
      }
    }
  }
  let number: string | null = null;
  let numberRaw = '';
  const content: { pos: number; text: string }[] = [];
  const own = first.trim().length <= 16 ? parseNumber(first) : null;
  if (own !== null) {
    number = own;
    numberRaw = first;
  } else {
    const g = gluedNumber(first, lastValue, sectionStart || heading !== null);
    if (g) {
      number = g.number;
      numberRaw = g.token;
      first = first.slice(g.token.length);
    }
    content.push({ pos: k, text: first });
  }
  for (let i = k + 1; i < cells.length; i++) content.push({ pos: i, text: cells[i] });
  const texts = content.filter((c) => filled(c.text));
  let comment = '';
  let response = '';
  if (texts.length >= 2) {
    response = texts[texts.length - 1].text;
    comment = texts
      .slice(0, -1)
      .map((c) => c.text)
      .join('\n');
  } else if (texts.length === 1) {
    // A lone text cell is the response only when it sits in the table's last column; a numbered row's lone text
    // is its comment unless the table has a separate number column before comment and response.
    const last = Math.max(width, cells.length) - 1;
    const c = texts[0];
    const inLastColumn = c.pos === last && c.pos > 0 && heading === null;
    if (inLastColumn && (number === null || last >= 2)) response = c.text;
    else comment = c.text;
  }
  const pieces = [headingRaw, numberRaw, comment, response].map(nonWhitespaceLength).reduce((a, b) => a + b, 0);
  if (pieces !== nonWhitespaceLength(l.raw)) {
    throw new Error(`text reader lost characters on line ${l.index}: ${pieces} of ${nonWhitespaceLength(l.raw)} attributed`);
  }
  const value = number !== null && /^\d+$/.test(number) ? Number(number) : null;
  return { line: l.index, cellCount: cells.length, headingRaw, heading, numberRaw, number, value, comment, response };
}

/*
 * New item or continuation? A row without a printed number is one or the other, and the numbering decides:
 *
 * 1. A printed number opens an item; the same number printed again on a following row (a merged number cell
 *    printed twice) continues it.
 * 2. For a run of unnumbered rows, let p be the last number so far (printed or inferred; 0 at the start) and n
 *    the next printed number. The numbering leaves room = n - p - 1 items for the run.
 *    - room = 0: no row of the run can be an item of its own. Rows attach to the previous item (continuation
 *      rows: an answer that goes on over three more rows), except a tail of rows that runs straight into row n
 *      and is cut off from the previous item by a blank line or header, or has n's cell layout and not the
 *      previous item's: that tail is the start of item n, whose number is printed on a later row (a number cell
 *      vertically centred on a two-row item is printed on its second row).
 *    - room ≥ 1: the run is cut into segments; a segment starts at a row that has a comment and either a response
 *      of its own or a break before it (rows without both continue the segment). When there are exactly `room`
 *      segments, each is an item and its number p+1, p+2, … is certain (two unnumbered rows at the start are
 *      items 1 and 2 when the next printed number is 3). When only the tail is left over, the tail belongs to n as
 *      above. Otherwise the numbering cannot tell which rows are items: each segment becomes an item without a
 *      number and a warning says so.
 *    - n unknown (end of the table, or numbering going backwards): segments become items without numbers.
 * 3. A section heading ends every item before it: rows after a heading never continue an item above it.
 * 4. A document with no printed numbers at all gives no evidence for merging: every row with a comment is an
 *    item, and a row with only a response continues the previous item's response.
 */
function assemble(rows: DataRow[], warnings: string[]): Draft[] {
  const a = new Assembler(rows.some((r) => r.number !== null), warnings);
  for (let i = 0; i < rows.length; ) {
    if (rows[i].number === null) {
      let j = i;
      while (j < rows.length && rows[j].number === null) j++;
      a.unnumberedRun(rows.slice(i, j), rows[j] ?? null);
      i = j;
    } else {
      a.numberedRow(rows[i]);
      i++;
    }
  }
  return a.finish();
}

const lineSpan = (rs: DataRow[]) => (rs.length > 1 ? `lines ${rs[0].line}–${rs[rs.length - 1].line}` : `line ${rs[0].line}`);
/** A row that can start an item of its own: a comment, and a response or a break before it. */
const itemLike = (r: DataRow) => filled(r.comment) && (filled(r.response) || r.breakBefore);

/** Cuts rows into groups, each starting at a section break or a row `starts` accepts. */
function segment(rs: DataRow[], starts: (r: DataRow) => boolean): DataRow[][] {
  const segs: DataRow[][] = [];
  for (const r of rs) {
    if (!segs.length || r.sectionBreak || starts(r)) segs.push([r]);
    else segs[segs.length - 1].push(r);
  }
  return segs;
}

/** A run of unnumbered rows and what the numbering around it says (rule 2 above). */
interface Run {
  rows: DataRow[];
  next: DataRow | null;
  /** The last item the run may continue, and how many of its rows it may reach (up to a section break). */
  prev: Draft | null;
  prevReach: number;
  /** The last number before the run, and how many items the numbering leaves room for (null: unknown). */
  p: number;
  room: number | null;
  /** Where the tail that may belong to the next printed number starts (rows.length: no such tail). */
  tail: number;
}

/** The state of assemble(): the drafts so far, the last one, the last number and rows waiting for their number. */
class Assembler {
  readonly drafts: Draft[] = [];
  private last: Draft | null = null;
  private lastValue = 0;
  private pending: DataRow[] = [];

  constructor(
    private readonly anyNumbers: boolean,
    private readonly warnings: string[],
  ) {}

  private open(rs: DataRow[], number: string | null, inferred: string | null): Draft {
    const d: Draft = { rows: [...rs], number, inferred, flags: new Set() };
    this.drafts.push(d);
    this.last = d;
    return d;
  }

  /** A row with a printed number: it continues an item with the same number, or opens one (rule 1). */
  numberedRow(r: DataRow): void {
    const prev = this.last;
    if (prev && !this.pending.length && !r.sectionBreak && prev.number === r.number) {
      prev.rows.push(r);
      return;
    }
    if (this.drafts.length && !this.pending.length && r.value !== null && r.value > this.lastValue + 1) {
      this.warnings.push(`line ${r.line}: numbering jumps from No.${this.lastValue} to No.${r.number}`);
    }
    const d = this.open([...this.pending, r], r.number, null);
    if (this.pending.length) d.flags.add('number_on_later_row');
    this.pending = [];
    if (r.value !== null) this.lastValue = r.value;
  }

  finish(): Draft[] {
    // Only reachable when the table ends on rows meant for a number that never came.
    if (this.pending.length) for (const seg of segment(this.pending, itemLike)) this.open(seg, null, null);
    return this.drafts;
  }

  /** A run of unnumbered rows before `next` (null at the end of the table). */
  unnumberedRun(rows: DataRow[], next: DataRow | null): void {
    const run = this.measure(rows, next);
    const { prev } = run;
    if (prev && next && next.number === prev.number && run.prevReach === rows.length && !next.sectionBreak) {
      pushAll(prev.rows, rows);
      return;
    }
    if (!this.anyNumbers) {
      this.withoutNumbers(run);
      return;
    }
    let lead = 0;
    while (prev && lead < run.prevReach && lead < run.tail && !itemLike(rows[lead])) lead++;
    if (prev) pushAll(prev.rows, rows.slice(0, lead));
    if (run.room === 0) this.noRoom(run, lead);
    else this.withRoom(run, lead);
  }

  private measure(rows: DataRow[], next: DataRow | null): Run {
    const firstBreak = rows.findIndex((r) => r.sectionBreak);
    const prev = this.last;
    const prevReach = prev ? (firstBreak < 0 ? rows.length : firstBreak) : 0;
    let p = this.lastValue;
    let room: number | null = null;
    if (next?.value != null) {
      if (next.value > p) room = next.value - p - 1;
      else if (firstBreak >= 0 || next.sectionBreak) {
        p = 0;
        room = next.value - 1;
      }
    }
    // The tail that runs straight into row n may be the first rows of item n.
    let tail = rows.length;
    if (next && !next.sectionBreak && !next.breakBefore) {
      let s = rows.length - 1;
      while (s > 0 && !rows[s].breakBefore) s--;
      const prevRow = prev ? prev.rows[prev.rows.length - 1] : null;
      const cutOff = rows[s].breakBefore || s >= prevReach;
      const shapedLikeNext = rows[s].cellCount === next.cellCount && prevRow?.cellCount !== rows[s].cellCount;
      if (cutOff || shapedLikeNext) tail = s;
    }
    return { rows, next, prev, prevReach, p, room, tail };
  }

  /** Rule 4: with no printed numbers anywhere, every row with a comment is an item. */
  private withoutNumbers({ rows, prev, prevReach }: Run): void {
    let i = 0;
    for (; i < rows.length && prev && i < prevReach && !filled(rows[i].comment); i++) prev.rows.push(rows[i]);
    for (const seg of segment(rows.slice(i), (r) => filled(r.comment))) this.open(seg, null, null);
  }

  /** room = 0: the rows continue the previous item, except a tail that waits for the next number. */
  private noRoom({ rows, next, prev, prevReach, p, tail }: Run, lead: number): void {
    const body = rows.slice(lead, tail);
    const attachable = body.filter((_, i) => lead + i < prevReach);
    if (prev) pushAll(prev.rows, attachable);
    const stray = body.slice(attachable.length);
    if (stray.length) {
      this.warnings.push(`${lineSpan(stray)}: unnumbered rows after a section heading where the numbering leaves no room for an item (No.${p} is followed by No.${next?.number}); kept as items without a number`);
      for (const seg of segment(stray, itemLike)) this.open(seg, null, null);
    }
    this.pending = rows.slice(tail);
  }

  /** room ≥ 1 or unknown: numbers are inferred when the row groups fill the room exactly, else left out. */
  private withRoom({ rows, next, room, tail, p: start }: Run, lead: number): void {
    const all = segment(rows.slice(lead), itemLike);
    const beforeTail = tail < rows.length ? segment(rows.slice(lead, tail), itemLike) : null;
    const infer = (segs: DataRow[][]) => {
      let p = start;
      for (const seg of segs) {
        p += 1;
        this.open(seg, null, String(p)).flags.add('number_inferred');
      }
      this.lastValue = p;
      this.warnings.push(`${lineSpan(segs.flat())}: ${segs.length > 1 ? `numbers ${p - segs.length + 1}–${p}` : `number ${p}`} not printed; inferred from the numbering (the next printed number is ${next?.number})`);
    };
    if (room !== null && room >= 1 && all.length === room) {
      infer(all);
      return;
    }
    if (room !== null && room >= 1 && beforeTail && beforeTail.length === room) {
      infer(beforeTail);
      this.pending = rows.slice(tail);
      return;
    }
    const segs = beforeTail ?? all;
    if (segs.length) {
      const why =
        room === null
          ? next
            ? `the next printed number (No.${next.number}) does not follow No.${this.lastValue}`
            : `no printed number follows`
          : `the numbering leaves room for ${room} item(s) between No.${this.lastValue} and No.${next?.number} but ${segs.length} row group(s) look like items`;
      this.warnings.push(`${lineSpan(segs.flat())}: ${segs.length} unnumbered item(s) whose numbers cannot be inferred (${why}); kept without a number`);
      for (const seg of segs) this.open(seg, null, null);
    }
    if (beforeTail) this.pending = rows.slice(tail);
  }
}

/** Parse decoded text. `file` and `slug` come from the options; the text is the whole document. */
export function readTextString(text: string, opts: ParseOptions): ParsedDocument {
  const rawLines = text.split(/\r\n|\n|\r/);
  if (rawLines.length > 1 && rawLines[rawLines.length - 1] === '') rawLines.pop();
  const lines: TextLine[] = rawLines.map((raw, i) => ({ index: i + 1, raw, cells: raw.split('\t'), kind: 'data' }));
  classify(lines, opts.file);
  const widths = blockWidths(lines);
  const warnings: string[] = [];

  const rows: DataRow[] = [];
  const rowOfLine = new Map<number, DataRow>();
  let section: string | null = null;
  let breakBefore = true;
  let sectionBreak = false;
  let lastPrinted = 0;
  let sectionStart = true;
  for (const l of lines) {
    if (l.kind !== 'data') {
      if (l.kind === 'preamble') continue;
      breakBefore = true;
      if (l.kind === 'heading') {
        section = l.heading!;
        sectionBreak = true;
        sectionStart = true;
      }
      continue;
    }
    const cut = splitRow(l, widths.get(l.index) ?? l.cells.length, lastPrinted, sectionStart);
    if (cut.heading !== null) section = cut.heading;
    const row: DataRow = {
      ...cut,
      breakBefore: breakBefore || cut.heading !== null,
      sectionBreak: sectionBreak || cut.heading !== null,
      section,
    };
    if (row.value !== null) lastPrinted = row.value;
    rows.push(row);
    rowOfLine.set(l.index, row);
    breakBefore = false;
    sectionBreak = false;
    sectionStart = false;
  }

  const drafts = assemble(rows, warnings);
  const items: Item[] = [];
  const itemOfLine = new Map<number, Item>();
  const emptyLines = new Set<number>();
  for (const d of drafts) {
    const comment = d.rows.map((r) => r.comment);
    const response = d.rows.map((r) => r.response);
    if (!comment.some(filled) && !response.some(filled)) {
      for (const r of d.rows) emptyLines.add(r.line);
      warnings.push(`line ${d.rows[0].line}: number ${d.number ?? ''} with no comment or response text; not an item`);
      continue;
    }
    const flags = [...d.flags];
    if (d.rows.length > 1) flags.push('merged_rows');
    if (d.rows.some((r) => r.heading !== null)) flags.push('heading_glued');
    const item = buildItem({
      slug: opts.slug,
      number: d.number,
      inferredNumber: d.inferred,
      fallbackKey: `L${d.rows[0].line}`,
      section: d.rows[0].section,
      commentRaw: comment,
      responseRaw: response,
      source: { file: opts.file, lines: d.rows.map((r) => r.line) },
      flags,
    });
    items.push(item);
    for (const r of d.rows) itemOfLine.set(r.line, item);
  }

  // A heading with no item after it is trailing text (a footer, a closing remark), not a section.
  let lastItemLine = 0;
  for (const line of itemOfLine.keys()) lastItemLine = Math.max(lastItemLine, line);
  const accounts: LineAccount[] = lines.map((l) => {
    const chars = nonWhitespaceLength(l.raw);
    const base = { unit: 'line' as const, index: l.index, chars };
    if (l.kind === 'heading') {
      return l.index > lastItemLine
        ? { ...base, fate: 'skipped' as const, reason: 'heading-like line with no item after it' }
        : { ...base, fate: 'heading' as const, ref: l.heading };
    }
    if (l.kind === 'header') return { ...base, fate: 'header' as const, reason: l.reason };
    if (l.kind !== 'data') return { ...base, fate: 'skipped' as const, reason: l.reason };
    if (emptyLines.has(l.index)) return { ...base, fate: 'skipped' as const, reason: 'number with no comment or response text' };
    const row = rowOfLine.get(l.index)!;
    const item = itemOfLine.get(l.index)!;
    const parts: LinePart[] = [];
    if (row.headingRaw) parts.push({ fate: 'heading', role: 'heading', chars: nonWhitespaceLength(row.headingRaw), ref: row.heading! });
    for (const [role, text] of [['number', row.numberRaw], ['comment', row.comment], ['response', row.response]] as const) {
      const n = nonWhitespaceLength(text);
      if (n) parts.push({ fate: 'item', role, chars: n, ref: item.id });
    }
    return { ...base, fate: 'item' as const, ref: item.id, parts };
  });
  return { items, accounts, warnings, inputChars: nonWhitespaceLength(text) };
}

