// The item list's data as embedded in report.html: compact, so a 100,000-comment round still gives a file a
// browser opens (issue 14: ≤ 15 MB). Every string is stored once in a table and referred to by index, and
// texts are stored as lists of sentence pieces: ministries answer with the same few hundred sentences, and
// mass submissions repeat the same campaign paragraphs, so most pieces occur many times. The inline script
// (assets/report.js) rebuilds a card's text from its pieces only when the card is drawn.
import { deflateRawSync } from 'node:zlib';
import type { Disposition } from '../core/schema.ts';
import { scriptSafe } from './escape.ts';
import { evidencePhraseRange, segments } from './highlight.ts';
import { DISPOSITIONS, NO_SECTION } from './labels.ts';
import type { RunSet } from './schema.ts';
import { displayNumber } from '../core/tables/table.ts';
import { needsReview } from './tables.ts';
import { SharedCache } from './shared.ts';

/** A text: indexes into the string table of its pieces, in order. */
export type Pieces = number[];

/**
 * One item, as a row: [id, number, section, comment, response, evidence marks, labels, stance | 0, themes,
 * duplicate group, response template, cluster, response group, map mark, the document's own 対応区分]. Embedded as
 * columns (one array per field), which deflate packs tighter than rows.
 * - id: null when it is `idPrefix` + the number (the usual `<slug>#<n>`), else the id; number: the display
 *   number, as a number when it is one (ids and numbers are unique, so a string table would not shorten them)
 * - evidence marks: [start, end, label, why, 1 = primary classifier's evidence / 0 = another's], character
 *   offsets into the response (the response stays whole, so a search finds words across a mark's edge)
 * - labels, per classifier: [label, confidence, also[], evidence[], 1 = needs review / 0], label -1 when the
 *   classifier gave none; evidence: [from, start, end, to, cut, rule, label, number of the item quoted | -1],
 *   offsets into the response of the span (start, end) and of the phrase around it (from, to; a supervised
 *   n-gram 「いて、」 alone says nothing to a reader), cut = 1 when the phrase was cut before, + 2 after; a span
 *   not in the response (quoted from another item) is [-1, span text, 0, 0, 0, …]
 * - stance: [stance | -1, confidence, [[span, rule]…]]
 * - groups, cluster and 対応区分: string index or -1; map mark: index of the map mark that stands for the item, or -1
 * Labels index `labelOrder` (DISPOSITIONS order), themes index `themeIds`; every other number is a string index.
 */
export type ItemRow = [
  string | null,
  string | number,
  number,
  Pieces,
  Pieces,
  [number, number, number, number, number][],
  [number, number, number[], [number, number, number, number, number, number, number, number][], number][],
  [number, number, [number, number][]] | 0,
  number[],
  number,
  number,
  number,
  number,
  number,
  number,
];

export interface ItemData {
  /** Every distinct string and sentence piece, in order of first use. */
  strings: string[];
  labelOrder: readonly Disposition[];
  themeIds: string[];
  /** What ids are made of: an id equal to idPrefix + number is stored as null. */
  idPrefix: string;
  /** ItemRow fields as columns: columns[f][i] is field f of item i. */
  columns: unknown[][];
}

/** Fields of an ItemRow. */
const ITEM_FIELDS = 15;

/** Sentence pieces: each ends after 。！？ or a line break, so they recur across comments and answers. */
const PIECE = /[^。！？!?\n]*[。！？!?\n]+|[^。！？!?\n]+/g;

class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  of(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
  /** Null and undefined as -1, so the row keeps its shape. */
  opt(s: string | null | undefined): number {
    return s === null || s === undefined ? -1 : this.of(s);
  }
  private readonly piecesOf = new Map<string, Pieces>();
  /** A text's pieces; a recurring text (a campaign comment, a reused answer) is cut once and its list shared. */
  pieces(text: string): Pieces {
    if (!text) return [];
    let p = this.piecesOf.get(text);
    if (!p) this.piecesOf.set(text, (p = (text.match(PIECE) ?? [text]).map((x) => this.of(x))));
    return p;
  }
}

/** The marked stretches of a response, from its segments (non-overlapping, in order). */
function evidenceMarks(response: string, labels: RunSet['items'][number]['labels'], t: StringTable): ItemRow[5] {
  const out: ItemRow[5] = [];
  let at = 0;
  for (const s of segments(response, labels)) {
    if (s.label) out.push([at, at + s.text.length, DISPOSITIONS.indexOf(s.label), t.of(s.why ?? ''), s.primary ? 1 : 0]);
    at += s.text.length;
  }
  return out;
}

type Item = RunSet['items'][number];

/** An item's labels, per classifier: see ItemRow. */
function itemLabels(run: RunSet, it: Item, t: StringTable, numberOf: () => ReadonlyMap<string, string>): ItemRow[6] {
  const labelIndex = (d: Disposition) => DISPOSITIONS.indexOf(d);
  return run.info.classifiers.map((c): ItemRow[6][number] => {
    const l = it.labels.find((x) => x.classifier === c.name);
    if (!l) return [-1, 0, [], [], 0];
    const evidence = l.evidence.map((e): ItemRow[6][number][3][number] => {
      // Evidence quoted from another item (a pointer 「No.3の回答のとおり」) is shown as quoted, unwidened.
      const r = e.source_item ? null : evidencePhraseRange(it.response, e);
      const quoted = t.opt(e.source_item ? (numberOf().get(e.source_item) ?? e.source_item) : null);
      const rule = t.of(e.rule);
      const label = labelIndex(e.label ?? l.label);
      return r
        ? [r.from, r.start, r.end, r.to, (r.cutBefore ? 1 : 0) + (r.cutAfter ? 2 : 0), rule, label, quoted]
        : [-1, t.of(e.text), 0, 0, 0, rule, label, quoted];
    });
    return [labelIndex(l.label), Math.round(l.confidence * 100) / 100, l.also.map(labelIndex), evidence, needsReview(l) ? 1 : 0];
  });
}

/** An item's stance field, the same array for items with the same stance evidence, stance and confidence. */
function stanceField(it: Item, t: StringTable, made: SharedCache<ItemRow[7][]>): ItemRow[7] {
  if (it.stance === undefined) return 0;
  const confidence = Math.round((it.stance_confidence ?? 0) * 100) / 100;
  const evidence = it.stance_evidence ?? NO_EVIDENCE;
  const stance = t.opt(it.stance);
  const list = made.get(evidence, () => []);
  for (const f of list) if (f !== 0 && f[0] === stance && f[1] === confidence) return f;
  const f: ItemRow[7] = [stance, confidence, evidence.map((e) => [t.of(e.text), t.of(e.rule)])];
  list.push(f);
  return f;
}
const NO_EVIDENCE: readonly { text: string; rule: string }[] = [];

/**
 * The rows of the item list. `markOf` gives the map mark each item is drawn in (an aggregated mark on a large
 * round), so a click on a mark lists its items.
 */
export function itemData(run: RunSet, sections: readonly string[], themeIds: readonly string[], markOf: ReadonlyMap<string, number>): ItemData {
  const t = new StringTable();
  // Item numbers by id, for evidence quoted from another item (rare): made when first needed.
  let numbers: Map<string, string> | undefined;
  const numberOf = () => (numbers ??= new Map(run.items.map((it) => [it.id, displayNumber(it)])));
  const sectionIndex = new Map(sections.map((s, i) => [s, i]));
  const themeIndex = new Map(themeIds.map((id, i) => [id, i]));
  const labelIndex = (d: Disposition) => DISPOSITIONS.indexOf(d);
  const first = run.items[0];
  const idPrefix = first && first.id.endsWith(displayNumber(first)) ? first.id.slice(0, first.id.length - displayNumber(first).length) : '';
  // Filled column by column as each item's row is made: no array of rows beside the columns.
  const columns: unknown[][] = Array.from({ length: ITEM_FIELDS }, () => []);
  // Copies of a campaign text share their label list (run/enrich.ts), stance evidence and theme list, and their
  // response: the fields made from those are made once and the same arrays reused (the JSON is the same; a
  // 200,000-row mass round no longer builds 200,000 of each).
  const labelFields = new SharedCache<[string, ItemRow[5], ItemRow[6]][]>();
  const stanceFields = new SharedCache<ItemRow[7][]>();
  const themeFields = new SharedCache<ItemRow[8]>();
  for (const it of run.items) {
    const n = displayNumber(it);
    const made = labelFields.get(it.labels, () => []);
    // Made in the order the string table first meets their strings (labels, stance, texts, evidence marks), so
    // it lists them in the same order whether or not a field was made before.
    let fields: (typeof made)[number] | undefined;
    for (const f of made) if (f[0] === it.response) fields = f;
    const labels = fields ? fields[2] : itemLabels(run, it, t, numberOf);
    const stance = stanceField(it, t, stanceFields);
    const comment = t.pieces(it.comment);
    const response = t.pieces(it.response);
    if (!fields) made.push((fields = [it.response, evidenceMarks(it.response, it.labels, t), labels]));
    const themes = themeFields.get(it.themes, () => it.themes.map((h) => themeIndex.get(h.theme) ?? -1));
    const row: ItemRow = [
      // it.id === idPrefix + n, without making that string for every item
      it.id.length === idPrefix.length + n.length && it.id.startsWith(idPrefix) && it.id.endsWith(n) ? null : it.id,
      /^[1-9][0-9]{0,8}$/.test(n) ? Number(n) : n,
      sectionIndex.get(it.section ?? NO_SECTION) ?? -1,
      comment,
      response,
      fields[1],
      labels,
      stance,
      themes,
      t.opt(it.duplicate_group),
      t.opt(it.response_template),
      t.opt(it.cluster),
      t.opt(it.response_group),
      markOf.get(it.id) ?? -1,
      t.opt(it.category),
    ];
    for (let f = 0; f < ITEM_FIELDS; f++) columns[f].push(row[f]);
  }
  return { strings: t.strings, labelOrder: DISPOSITIONS, themeIds: [...themeIds], idPrefix, columns };
}

/**
 * Above this many characters of JSON the data is deflated and embedded as base64; the page inflates it with
 * the browser's DecompressionStream. Smaller reports keep plain JSON, readable in the page source.
 */
export const COMPRESS_ABOVE = 1_000_000;

/** The <script> element carrying the data: plain JSON, or deflate-raw + base64 for a large round. */
export function dataScript(data: unknown, compressAbove = COMPRESS_ABOVE): string {
  const pieces = jsonPieces(data);
  const length = pieces.reduce((n, p) => n + p.length, 0);
  if (length <= compressAbove) return `<script type="application/json" id="report-data">${scriptSafe(pieces.join(''))}</script>`;
  // The pieces' UTF-8 written into one buffer: the item columns are ASCII, the string table is not, and the whole
  // JSON as one string would be UTF-16 throughout (a 200,000-row round: 120 MB, and a second to encode).
  const bytes = Buffer.allocUnsafe(pieces.reduce((n, p) => n + Buffer.byteLength(p, 'utf8'), 0));
  let at = 0;
  for (const p of pieces) at += bytes.write(p, at, 'utf8');
  // zlib's default level: level 9 is 2 % smaller and four times slower on a 20,000-comment round. The same data
  // gives the same bytes on every rerun (Node's bundled zlib).
  const packed = deflateRawSync(bytes, { level: 6 }).toString('base64');
  return `<script type="application/octet-stream" id="report-data" data-encoding="deflate-raw+base64">${packed}</script>`;
}

/**
 * JSON.stringify(data) in pieces that join to exactly its text: a plain object's fields one by one, and the
 * elements of a field that is a list of lists (the item columns) one by one.
 */
export function jsonPieces(data: unknown): string[] {
  const plain = typeof data === 'object' && data !== null && Object.getPrototypeOf(data) === Object.prototype && !('toJSON' in data);
  if (!plain) return [JSON.stringify(data) ?? 'undefined'];
  const pieces: string[] = [];
  let sep = '{';
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    pieces.push(sep + JSON.stringify(k) + ':');
    sep = ',';
    if (!Array.isArray(v) || 'toJSON' in v || !v.every(Array.isArray)) {
      pieces.push(JSON.stringify(v));
      continue;
    }
    let inner = '[';
    for (const x of v) {
      // An element JSON cannot hold (undefined, a function) is null in an array.
      pieces.push(inner + (JSON.stringify(x) ?? 'null'));
      inner = ',';
    }
    pieces.push(v.length ? ']' : '[]');
  }
  pieces.push(sep === '{' ? '{}' : '}');
  return pieces;
}
