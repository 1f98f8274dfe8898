// A table of string cells → ParsedDocument. CSV, XLSX, HTML and JSON readers each build a Table and
// share everything after that: header detection, --map, sections, continuation rows and response groups.
import type { Item, ItemFlag, LineAccount } from '../core/schema.ts';
import { InputError } from '../core/errors.ts';
import { cleanText, listFirst, nonWhitespaceLength } from '../core/text.ts';
import { buildItem } from './item.ts';
import type { ColumnMap, ParseOptions, ParsedDocument } from './types.ts';
import { ROLES, headingKey, isSectionHeading, matchRole, parseNumberCell, type Role } from './columns.ts';
import { maxOf } from '../core/arrays.ts';

export interface TableCell {
  /** Raw text as found (an HTML cell keeps its inner markup). */
  text: string;
  /** Non-whitespace characters the cell adds to the input; 0 for positions covered by a merged cell. */
  chars: number;
  /** Position (row index into Table.rows, column) of the merged/rowspan/colspan cell covering this one. */
  copyOf?: { row: number; col: number };
}

export interface TableRow {
  /** 1-based row number in the source (CSV record, sheet row, <tr> ordinal, JSON record index + 1). */
  index: number;
  cells: TableCell[];
}

export interface Table {
  rows: TableRow[];
  sheet?: string;
  /** Column names when the format has them outside the rows (JSON field paths); then no header row is searched. */
  columns?: string[];
  /** What the reader calls a column in messages: "column" (default) or "field". */
  columnWord?: string;
  /** Columns the reader itself used (JSON --join keys): read, so never reported as left unread. */
  readByReader?: string[];
}

/** Rows searched for the header; results published by ministries put a title and notes above it. */
const HEADER_SCAN_ROWS = 50;

export function textCell(text: string): TableCell {
  return { text, chars: nonWhitespaceLength(text) };
}

/**
 * Rows made as wide as the widest, in place: a heading row (a title between tables) spans the width as a merged cell
 * does, and every other gap is an empty cell. For readers that lay out rows themselves (HTML, Markdown).
 */
export function spanHeadingRows(grid: TableCell[][], isHeading: (row: number) => boolean): void {
  const width = maxOf(grid.map((cells) => cells.length), 0) || 1;
  for (const [r, cells] of grid.entries()) {
    for (let c = 0; c < width; c++) {
      if (cells[c]) continue;
      cells[c] = isHeading(r) ? { text: cells[0].text, chars: 0, copyOf: { row: r, col: 0 } } : { text: '', chars: 0 };
    }
  }
}

type Columns = Partial<Record<Role, number>>;

interface Layout {
  /** Index into rows of the (first) header row; -1 when columns come from Table.columns or --map positions. */
  headerRow: number;
  /** Rows the headings take from headerRow on: 2 when a second row names the columns a heading above groups. */
  headerRows: number;
  cols: Columns;
  names: string[];
}

function cellKey(c: TableCell | undefined): string {
  return c ? headingKey(cleanText(c.text)) : '';
}

function autoColumns(names: string[], taken: Set<number> = new Set(), preset: Columns = {}): Columns {
  const cols: Columns = { ...preset };
  const best: Partial<Record<Role, number>> = {};
  names.forEach((name, col) => {
    if (taken.has(col)) return;
    const m = matchRole(cleanText(name));
    if (!m || preset[m.role] !== undefined) return;
    if (best[m.role] === undefined || m.rank < best[m.role]!) {
      best[m.role] = m.rank;
      cols[m.role] = col;
    }
  });
  return cols;
}

/** Longest cell a disposition code column holds (A, 反映, 原案どおり, 記載済み); an answer runs longer somewhere. */
const CODE_MAX_CHARS = 8;

/**
 * A table may head a column of short codes (A/B/C, 反映/参考) 対応 beside the column of answers (市の対応): the exact name
 * 対応 outranks the contains match, and every response came out as "A". Among the columns whose headings name a response,
 * one whose filled cells are all codes is not the answer when another holds longer text. The codes are then the
 * document's own disposition code (対応区分), read as the item's category when no column is one already: kept
 * verbatim beside the labels (dispositions_by_category), never read by a classifier.
 */
function answerOverCodes(cols: Columns, names: string[], rows: readonly TableRow[], taken: ReadonlySet<number>): Columns {
  if (cols.response === undefined) return cols;
  const others = new Set(Object.entries(cols).flatMap(([role, col]) => (role === 'response' ? [] : [col])));
  const candidates = names
    .map((name, col) => ({ col, m: matchRole(cleanText(name)) }))
    .filter(({ col, m }) => m?.role === 'response' && !others.has(col) && !taken.has(col))
    .sort((a, b) => a.m!.rank - b.m!.rank);
  if (candidates.length < 2) return cols;
  const isCodes = (col: number): boolean => {
    let filled = 0;
    for (const row of rows) {
      const c = row.cells[col];
      if (!c || c.copyOf) continue;
      const t = cleanText(c.text);
      if (!t) continue;
      if ([...t].length > CODE_MAX_CHARS) return false;
      filled++;
    }
    return filled > 0;
  };
  if (!isCodes(cols.response)) return cols;
  const answer = candidates.find(({ col }) => col !== cols.response && !isCodes(col));
  if (!answer) return cols;
  return { ...cols, response: answer.col, ...(cols.category === undefined ? { category: cols.response } : {}) };
}

function looksLikeHeader(cells: readonly TableCell[]): Columns | null {
  const names = cells.map((c) => (c.copyOf ? '' : c.text));
  const cols = autoColumns(names);
  if (cols.comment === undefined) return null;
  const others = (['number', 'response', 'section'] as const).filter((r) => cols[r] !== undefined).length;
  // Alone, only an exact comment heading (意見の概要) counts: a list of comments not yet answered.
  return others >= 1 || (matchRole(cleanText(names[cols.comment]))?.rank ?? 1000) < 1000 ? cols : null;
}

/**
 * Headings printed on two rows, as a workbook prints a heading merged over the columns it groups (番号 | ご意見 over
 * two columns | 市の考え方, then 該当箇所 | 意見の概要 under ご意見): read alone, the upper row took the group heading as
 * the comment column and the lower row became an item. The lower row is a second heading row only if it holds
 * names, no numbers or sentences (so a first item row never is), puts each under a blank or merged upper cell or
 * under a heading spanning the column to its right, and names a comment, location or response column where the
 * upper row is blank or merged. Each column is then named by its lower name where it has one, as the more specific.
 */
function subHeadingCells(upper: TableRow, lower: TableRow | undefined): TableCell[] | null {
  if (!lower) return null;
  const own = (c: TableCell | undefined): string => (c && !c.copyOf ? cleanText(c.text) : '');
  const open = (col: number): boolean => !own(upper.cells[col]);
  const spansRight = (col: number): boolean => !open(col) && col + 1 < upper.cells.length && open(col + 1);
  const names = lower.cells.map((c, col) => ({ col, t: own(c) })).filter(({ t }) => t);
  if (!names.length) return null;
  let namesRoleUnderOpen = false;
  for (const { col, t } of names) {
    if (parseNumberCell(t) || [...t].length > 24 || t.includes('。')) return null;
    if (!open(col) && !spansRight(col)) return null;
    const role = matchRole(t)?.role;
    if (open(col) && (role === 'comment' || role === 'location' || role === 'response')) namesRoleUnderOpen = true;
  }
  if (!namesRoleUnderOpen) return null;
  const width = Math.max(upper.cells.length, lower.cells.length);
  return Array.from({ length: width }, (_, col) => (own(lower.cells[col]) ? lower.cells[col] : (upper.cells[col] ?? textCell(''))));
}

function describeColumns(names: string[]): string {
  const shown = names.map((n) => cleanText(n)).filter(Boolean);
  return shown.length ? shown.map((n) => `"${n}"`).join(', ') : '(none)';
}

function findLayout(table: Table, opts: ParseOptions): Layout {
  const word = table.columnWord ?? 'column';
  const map = opts.map ?? {};
  const mapped = ROLES.filter((r) => map[r as keyof ColumnMap]);
  const scan = table.rows.slice(0, HEADER_SCAN_ROWS);

  if (table.columns) {
    const names = table.columns;
    const cols: Columns = {};
    for (const role of mapped) {
      const want = map[role as keyof ColumnMap]!;
      const col = names.indexOf(want);
      if (col < 0) {
        throw new InputError(opts.file, `--map ${role}=${want}: no ${word} "${want}"; available ${word}s: ${describeColumns(names)}`);
      }
      cols[role] = col;
    }
    // Field paths are matched on their last part (opinion.summary → summary); a key ending in a dot (No.) leaves an
    // empty part after it, so the last non-empty one is the key. Joined records answer the main ones, so a joined text
    // field is the response: join.text, join.answer.
    const last = names.map((n) => n.split('.').filter(Boolean).pop() ?? n);
    const own = new Set(names.flatMap((n, i) => (n.startsWith('join.') ? [i] : [])));
    // An explicit --map wins: roles it does not name are not guessed from other fields (a field called
    // "group" must not become the response group).
    const all = mapped.length ? { ...cols } : autoColumns(last, new Set([...Object.values(cols), ...own]), cols);
    if (all.response === undefined && !mapped.length) {
      const joined = names.map((n, i) => ({ n, i, m: matchRole(last[i]) })).filter(({ n, m }) => n.startsWith('join.') && (m?.role === 'response' || m?.role === 'comment'));
      const pick = joined.find(({ m }) => m?.role === 'response') ?? joined[0];
      if (pick) all.response = pick.i;
    }
    if (all.comment === undefined) throw noCommentColumn(opts.file, names, word);
    return { headerRow: -1, headerRows: 0, cols: mapped.length ? all : answerOverCodes(all, last, table.rows, own), names };
  }

  if (mapped.length) {
    const wanted = mapped.map((role) => ({ role, name: map[role as keyof ColumnMap]! }));
    let bestRow = -1;
    let bestHits = -1;
    let bestCells: TableCell[] = [];
    const hitsOf = (cells: TableCell[]) => {
      const keys = cells.map((c) => (c.copyOf ? '' : cellKey(c)));
      return { keys, hits: wanted.filter((w) => keys.includes(headingKey(w.name))).length };
    };
    for (let r = 0; r < scan.length; r++) {
      const one = { cells: scan[r].cells, rows: 1, ...hitsOf(scan[r].cells) };
      // A title merged above the headings is no heading row: the upper row must name a mapped column itself.
      const lower = one.hits ? subHeadingCells(scan[r], scan[r + 1]) : null;
      const two = lower ? { cells: lower, rows: 2, ...hitsOf(lower) } : null;
      const head = two && two.hits > one.hits ? two : one;
      if (head.hits > bestHits) [bestRow, bestHits, bestCells] = [r, head.hits, head.cells];
      if (head.hits === wanted.length) {
        const cols: Columns = {};
        for (const w of wanted) cols[w.role] = head.keys.indexOf(headingKey(w.name));
        const names = head.cells.map((c) => c.text);
        if (cols.comment === undefined) throw noCommentColumn(opts.file, names, word);
        return { headerRow: r, headerRows: head.rows, cols, names };
      }
    }
    // Headerless tables: --map comment=2 addresses columns by 1-based position.
    if (wanted.every((w) => /^[1-9][0-9]*$/.test(w.name))) {
      const cols: Columns = {};
      for (const w of wanted) cols[w.role] = Number(w.name) - 1;
      if (cols.comment === undefined) throw new InputError(opts.file, '--map by position needs comment=<column number>');
      const width = maxOf(table.rows.map((r) => r.cells.length), 0);
      return { headerRow: -1, headerRows: 0, cols, names: Array.from({ length: width }, (_, i) => String(i + 1)) };
    }
    const names = bestCells.map((c) => c.text);
    const keys = names.map((n) => headingKey(cleanText(n)));
    const missing = wanted.find((w) => !keys.includes(headingKey(w.name)))!;
    throw new InputError(
      opts.file,
      `--map ${missing.role}=${missing.name}: no ${word} "${missing.name}"; available ${word}s: ${describeColumns(names)}`,
      bestRow >= 0 ? `row ${table.rows[bestRow].index}` : undefined,
    );
  }

  for (let r = 0; r < scan.length; r++) {
    const upperCols = looksLikeHeader(scan[r].cells);
    if (!upperCols) continue;
    const lower = subHeadingCells(scan[r], scan[r + 1]);
    const lowerCols = lower && looksLikeHeader(lower);
    const [cells, cols, rows] = lower && lowerCols ? [lower, lowerCols, 2] : [scan[r].cells, upperCols, 1];
    const names = cells.map((c) => (c.copyOf ? '' : c.text));
    return { headerRow: r, headerRows: rows, cols: answerOverCodes(cols, names, table.rows.slice(r + rows), new Set()), names: cells.map((c) => c.text) };
  }
  const firstFilled = scan.find((r) => r.cells.some((c) => c.text.trim()));
  throw noCommentColumn(opts.file, firstFilled ? firstFilled.cells.map((c) => c.text) : [], word);
}

function noCommentColumn(file: string, names: string[], word: string): InputError {
  return new InputError(
    file,
    `no recognisable comment ${word}: expected a heading such as 意見の概要, 提出意見, ご意見の概要 or 意見 ` +
      `(with 番号/No. or 意見に対する考え方/回答 beside it); ${word}s found: ${describeColumns(names)}; ` +
      `name the ${word}s with --map comment=…,response=…`,
  );
}

interface Draft {
  number: string | null;
  key: string | null;
  rows: number[];
  comment: string[];
  response: string[];
  /** Master position of the response cell(s), so rows under one merged cell share a group. */
  responseCells: string[];
  /** 対応区分 cell text(s) of the item's rows. */
  category: string[];
  group: string | null;
  section: string | null;
  location: string | null;
  flags: Set<ItemFlag>;
}

/**
 * Items under one merged response cell, one explicit group value or one joined response record share a
 * response_group, named after the first member as groups.ts names groups. Copied replies and pointers
 * (「No.3の回答のとおり」) are found for every format afterwards by groups.ts.
 */
export function assignStructuralGroups(items: Item[], keys: string[][]): void {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const firstBy = new Map<string, number>();
  keys.forEach((list, i) => {
    for (const key of list) {
      const first = firstBy.get(key);
      if (first === undefined) firstBy.set(key, i);
      else {
        const [a, b] = [find(first), find(i)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const size = new Map<number, number>();
  items.forEach((_, i) => size.set(find(i), (size.get(find(i)) ?? 0) + 1));
  items.forEach((item, i) => {
    const root = find(i);
    if (size.get(root)! < 2) return;
    item.response_group = `group:${items[root].id}`;
    if (!item.flags.includes('shared_response')) item.flags = [...item.flags, 'shared_response' as ItemFlag].sort() as ItemFlag[];
  });
}

/**
 * An item under no heading row takes its section from its 該当箇所 without the page reference (第2章 P.12 →
 * 第2章), so the by-section table groups chapters, never one row per page.
 */
export function locationSection(location: string | null): string | null {
  if (!location) return null;
  const t = cleanText(location)
    .replace(/[（(]?\s*(?:p|P|ｐ|Ｐ)\.?\s*[0-9０-９]+(?:\s*[-～~〜]\s*[0-9０-９]+)?\s*[)）]?/g, '')
    .replace(/[（(]?\s*[0-9０-９]+(?:\s*[-～~〜]\s*[0-9０-９]+)?\s*(?:ページ|頁)\s*[)）]?/g, '')
    .replace(/\s*[、,]\s*$/, '')
    .trim();
  return t || null;
}

/**
 * Items grouped as sharing one response must share one answer. A group column whose members carry different
 * answers is something else (a topic, a submitter): it is not used as a response group, its value is kept as the
 * section of items that have none, and a warning says so.
 */
function checkGroups(drafts: Draft[], column: string, warnings: string[]): void {
  const answers = new Map<string, Set<string>>();
  for (const d of drafts) {
    if (!d.group) continue;
    const text = cleanText(d.response.join('\n'));
    const set = answers.get(d.group) ?? new Set<string>();
    if (text) set.add(text);
    answers.set(d.group, set);
  }
  const mixed = [...answers].filter(([, set]) => set.size > 1).map(([g]) => g);
  if (!mixed.length) return;
  for (const d of drafts) {
    if (!d.group || !mixed.includes(d.group)) continue;
    d.section ??= d.group;
    d.group = null;
  }
  const shown = listFirst(mixed.map((g) => `"${g}"`), 5);
  warnings.push(
    `column "${cleanText(column)}": ${mixed.length} group value(s) (${shown}) hold items with different answers, so it is not a response group; kept as the section of items without one`,
  );
}

export function tableToDocument(table: Table, opts: ParseOptions): ParsedDocument {
  const layout = findLayout(table, opts);
  const assembler = new TableAssembler(table, layout);
  for (let r = 0; r < table.rows.length; r++) assembler.addRow(r);
  const { drafts, warnings, accounts, preamble } = assembler;
  checkGroups(drafts, layout.names[layout.cols.group ?? -1] ?? 'group', warnings);
  warnings.push(...unreadColumns(table, layout, assembler.itemRows()));
  const items = draftsToItems(drafts, table, opts, layout.cols);
  const out: LineAccount[] = accounts.map(({ draft, ...a }) => (draft === undefined ? a : { ...a, ref: items[draft].id }));
  if (!items.length) warnings.push('no items found below the column headings');
  return {
    items,
    accounts: out,
    warnings,
    inputChars: table.rows.reduce((n, _, r) => n + assembler.rowChars(r), 0),
    ...(preamble.length ? { preamble } : {}),
  };
}

/**
 * Columns no role reads (備考, 担当課, a submitter's name) whose cells hold text on item rows: their text is counted in
 * the parse report's characters but kept nowhere, so each is named once, with an example and the --map that keeps
 * it if it is one of the item's fields.
 */
function unreadColumns(table: Table, layout: Layout, itemRows: readonly number[]): string[] {
  const read = new Set<number>(Object.values(layout.cols));
  for (const name of table.readByReader ?? []) read.add(layout.names.indexOf(name));
  const width = maxOf(itemRows.map((r) => table.rows[r].cells.length), 0);
  // A --map names every column it reads (roles it leaves out are not guessed), so the suggestion carries the columns
  // read now: adding one role alone would lose the comment column found automatically.
  const current = ROLES.flatMap((role) => {
    const col = layout.cols[role];
    return col === undefined ? [] : [`${role}=${cleanText(layout.names[col] ?? '') || col + 1}`];
  }).join(',');
  const out: string[] = [];
  for (let col = 0; col < width; col++) {
    if (read.has(col)) continue;
    const texts = itemRows.map((r) => table.rows[r].cells[col]).filter((c) => c && !c.copyOf && cleanText(c.text));
    if (!texts.length) continue;
    const name = cleanText(layout.names[col] ?? '') || `${col + 1}`;
    const example = cleanText(texts[0]!.text);
    out.push(
      `${table.columnWord ?? 'column'} "${name}": text on ${texts.length} item row(s) (e.g. "${[...example].slice(0, 30).join('')}${[...example].length > 30 ? '…' : ''}") ` +
        `is in no item field and not kept; if it is one (${ROLES.join(', ')}), name it with --map <field>=${name}${current ? `,${current}` : ''}`,
    );
  }
  return out;
}

/**
 * Reads the table row by row into items (drafts): a numbered row starts an item, a heading row sets the section,
 * rows under a merged number or spilling one column over continue the item above; every row is accounted for.
 */
class TableAssembler {
  readonly warnings: string[] = [];
  readonly accounts: (LineAccount & { draft?: number })[] = [];
  readonly drafts: Draft[] = [];
  /** As printed (not NFKC-normalised): a title above the headings is quoted, with its full-width brackets. */
  readonly preamble: string[] = [];
  private readonly draftOfRow = new Map<number, number>();
  private readonly rows: Table['rows'];
  private readonly cols: Layout['cols'];
  /** Heading keys of each header row, to know the headings repeated further down (on each printed page). */
  private readonly headerKeys: string[][];
  private readonly anyNumbered: boolean;
  /**
   * First row of the notes printed under the table (「※ 取りまとめの都合上…」): from there on every row with text
   * starts with a note mark and has no answer. Read as rows, a note became the last comment's text, or (in the number
   * column) a row of that item whose text no field kept.
   */
  private readonly notesFrom: number;
  private section: string | null = null;
  /** The number of the numbered heading row the section came from (1 of 「1 計画全体について」), else null. */
  private sectionNumber: string | null = null;
  private location: string | null = null;

  constructor(
    table: Table,
    private readonly layout: Layout,
  ) {
    this.rows = table.rows;
    this.cols = layout.cols;
    this.headerKeys = Array.from({ length: layout.headerRows }, (_, i) => this.rows[layout.headerRow + i].cells.map(cellKey));
    const lastHeaderRow = layout.headerRow + layout.headerRows - 1;
    this.anyNumbered =
      this.cols.number !== undefined && this.rows.some((_, r) => r > lastHeaderRow && parseNumberCell(this.cell(r, 'number')?.text ?? ''));
    this.notesFrom = this.rows.length;
    for (let r = this.rows.length - 1; r > lastHeaderRow; r--) {
      const own = this.rows[r].cells.filter((c) => !c.copyOf && cleanText(c.text));
      if (!own.length) continue;
      if (this.text(r, 'response') || !NOTE_MARK.test(cleanText(own[0].text))) break;
      this.notesFrom = r;
    }
  }

  /** Table row indexes that became (part of) an item. */
  itemRows(): number[] {
    return [...this.draftOfRow.keys()];
  }

  rowChars(r: number): number {
    return this.rows[r].cells.reduce((n, c) => n + c.chars, 0);
  }

  private cell(r: number, role: Role): TableCell | undefined {
    const c = this.cols[role];
    return c === undefined ? undefined : this.rows[r].cells[c];
  }

  private masterKey(r: number, col: number): string {
    const c = this.rows[r].cells[col];
    return c?.copyOf ? `${c.copyOf.row}:${c.copyOf.col}` : `${r}:${col}`;
  }

  private isRepeatedHeader(r: number): boolean {
    const roleCols = Object.values(this.cols) as number[];
    return this.headerKeys.some(
      (keys) => roleCols.every((c) => cellKey(this.rows[r].cells[c]) === keys[c]) && roleCols.some((c) => keys[c]),
    );
  }

  addRow(r: number): void {
    const row = this.rows[r];
    const chars = this.rowChars(r);
    const account = (fate: LineAccount['fate'], reason?: string, ref?: string): void => {
      this.accounts.push({ unit: 'row', index: row.index, fate, chars, ...(ref ? { ref } : {}), ...(reason ? { reason } : {}) });
    };
    const own = row.cells.map((c, i) => ({ c, i })).filter(({ c }) => !c.copyOf && cleanText(c.text));
    const above = this.sectionAboveHeadings(r, own);
    if (above !== null) {
      this.section = above;
      return account('heading', undefined, above);
    }
    if (r < this.layout.headerRow && chars) this.preamble.push(row.cells.filter((c) => !c.copyOf).map((c) => c.text.replace(/\s+/g, ' ').trim()).filter(Boolean).join(' '));
    const hasText = own.length > 0 || row.cells.some((c) => c.copyOf && cleanText(c.text));
    const notItem = nonItemFate(r, this.layout, chars, hasText, (x) => this.isRepeatedHeader(x));
    if (notItem) return account(...notItem);
    if (r >= this.notesFrom) return account('header', 'note below the table (※, 注)');

    const number = parseNumberCell(this.cell(r, 'number')?.text ?? '');
    if (!number && this.underHeadings(r, own)) return account('header', 'column headings (a row of units or notes under them)');
    // A note between numbered rows (※以下の2件は同趣旨のご意見をまとめて掲載しています) belongs to no comment: read as a
    // continuation row, it became the text of the comment above. Only a note about the listing itself: a comment may
    // go on with a ※ line of its own (※特に通院時間帯に増便してほしい。).
    const note = own.length === 1 ? cleanText(own[0].c.text) : '';
    if (!number && this.anyNumbered && !this.text(r, 'response') && NOTE_MARK.test(note) && LISTING_NOTE.test(note)) {
      return account('header', 'note inside the table (※, 注)');
    }
    const heading = number ? this.numberedHeading(r, number, own) : rowHeading(row, r, own, this.cols);
    if (heading !== null) {
      this.section = heading;
      this.sectionNumber = number;
      this.location = null;
      return account('heading', undefined, heading);
    }
    // A number outside the numbered heading's (3 after 2-1) is past the part that heading titles.
    if (number && this.sectionNumber && !number.startsWith(`${this.sectionNumber}-`)) this.section = this.sectionNumber = null;
    this.carryColumns(r);
    const d = this.continuedDraft(r, number) ?? this.newDraft(r, number);
    this.addText(r, d);
    this.accounts.push({ unit: 'row', index: row.index, fate: 'item', chars, draft: d });
  }

  /** Rows from..to-1 hold no text. */
  private blankRows(from: number, to: number): boolean {
    for (let r = from; r < to; r++) if (this.rowChars(r)) return false;
    return true;
  }

  /**
   * A third heading row of short bracketed notes right under the headings ((ページ) under 該当箇所): read as a row, it
   * was a section heading that every item carried.
   */
  private underHeadings(r: number, own: { c: TableCell; i: number }[]): boolean {
    if (this.layout.headerRow < 0) return false; // columns named outside the rows (JSON, --map positions)
    const first = this.layout.headerRow + this.layout.headerRows;
    if (r < first || !own.length) return false;
    if (!this.blankRows(first, r)) return false;
    if (this.text(r, 'comment') || this.text(r, 'response')) return false;
    // A section heading sits in the first (number) column or spans the row; a unit sits under its own heading.
    return own.every(({ c, i }) => i !== this.cols.number && BRACKETED_NOTE.test(cleanText(c.text)));
  }

  /**
   * A numbered part of the draft named on the last row above the column headings (第1章 計画の概要 printed over the
   * table, as a page's heading before its first table): the section of the rows below, as the same heading between
   * two tables is. Only 第N章/節/部/編 or 第N and a title: the other heading forms (…に対する意見, 【別紙】) are how a
   * document's title reads, and the title stays a title.
   */
  private sectionAboveHeadings(r: number, own: { c: TableCell; i: number }[]): string | null {
    if (r >= this.layout.headerRow || own.length !== 1) return null;
    if (!this.blankRows(r + 1, this.layout.headerRow)) return null;
    const text = cleanText(own[0].c.text);
    return NUMBERED_PART.test(text) && isSectionHeading(text) ? text : null;
  }

  /**
   * A numbered row that titles the rows numbered under it (「1 計画全体について」 above 1-1, 1-2): no answer, one short
   * text, and the next numbered row's number continues this one's. Read as an item, it was a comment without an answer.
   */
  private numberedHeading(r: number, number: string, own: { c: TableCell; i: number }[]): string | null {
    if (number.includes(',') || this.text(r, 'response')) return null;
    const texts = own.filter(({ i }) => i !== this.cols.number);
    if (texts.length !== 1) return null;
    const t = cleanText(texts[0].c.text);
    if ([...t].length > HEADING_MAX_CHARS || /。$/.test(t)) return null;
    for (let next = r + 1; next < this.rows.length; next++) {
      const n = parseNumberCell(this.cell(next, 'number')?.text ?? '');
      if (n) return n.startsWith(`${number}-`) ? t : null;
    }
    return null;
  }

  private text(r: number, role: Role): string {
    return cleanText(this.cell(r, role)?.text ?? '');
  }

  /**
   * The item this row continues, if any: the row sits under a merged number cell, or, in a numbered table, carries
   * no number and only comment or only response text (or sits under the previous item's merged reply): that item's
   * text spilling onto another row.
   */
  private continuedDraft(r: number, number: string | null): number | undefined {
    const numberCell = this.cell(r, 'number');
    const responseCell = this.cell(r, 'response');
    const ownText = (c?: TableCell) => !!c && !c.copyOf && !!cleanText(c.text);
    const numberMaster = numberCell?.copyOf ? this.draftOfRow.get(numberCell.copyOf.row) : undefined;
    const prev = this.drafts.length - 1;
    const spill =
      !number && this.anyNumbered && prev >= 0 && !this.text(r, 'group') && !this.text(r, 'id') && !this.text(r, 'section') &&
      (!ownText(this.cell(r, 'comment')) || !ownText(responseCell)) &&
      (!responseCell?.copyOf || this.draftOfRow.get(responseCell.copyOf.row) === prev);
    if (numberMaster === undefined && !spill) return undefined;
    const d = numberMaster ?? prev;
    this.drafts[d].flags.add('merged_rows');
    return d;
  }

  /** A section column sets the section; a 該当箇所 left blank under a merged cell carries down (a heading resets it). */
  private carryColumns(r: number): void {
    const sectionText = this.text(r, 'section');
    if (sectionText) this.section = sectionText;
    const locationText = this.text(r, 'location');
    if (locationText) this.location = locationText;
  }

  private newDraft(r: number, number: string | null): number {
    const groupText = this.text(r, 'group');
    const responseCell = this.cell(r, 'response');
    const responseEmpty = !responseCell || !cleanText(responseCell.text);
    const prev = this.drafts[this.drafts.length - 1];
    // Merged-style export: the group and its reply are written on the group's first row only.
    const carriedGroup = this.cols.group !== undefined && !groupText && responseEmpty && prev?.group ? prev.group : null;
    this.drafts.push({
      number,
      key: this.text(r, 'id') || null,
      rows: [],
      comment: [],
      response: [],
      responseCells: [],
      category: [],
      group: groupText || carriedGroup,
      section: this.section,
      location: this.location || null,
      flags: new Set(),
    });
    const numberCell = this.cell(r, 'number');
    if (numberCell && !number && cleanText(numberCell.text)) {
      this.warnings.push(`row ${this.rows[r].index}: number cell "${cleanText(numberCell.text)}" is not a number; item kept without a number`);
    }
    return this.drafts.length - 1;
  }

  private addText(r: number, d: number): void {
    const draft = this.drafts[d];
    draft.rows.push(this.rows[r].index);
    this.draftOfRow.set(r, d);
    const add = (parts: string[], c: TableCell | undefined, col: number | undefined) => {
      if (!c || !c.text.trim() || col === undefined) return;
      if (c.copyOf && this.draftOfRow.get(c.copyOf.row) === d) return;
      parts.push(c.text.trim());
    };
    const responseCell = this.cell(r, 'response');
    add(draft.comment, this.cell(r, 'comment'), this.cols.comment);
    add(draft.response, responseCell, this.cols.response);
    add(draft.category, this.cell(r, 'category'), this.cols.category);
    if (responseCell && cleanText(responseCell.text) && this.cols.response !== undefined) {
      draft.responseCells.push(this.masterKey(r, this.cols.response));
    }
  }
}

/** The fate of a row that is no item: above or at the column headings, empty, or the headings repeated. */
function nonItemFate(
  r: number,
  { headerRow, headerRows }: Layout,
  chars: number,
  hasText: boolean,
  isRepeatedHeader: (r: number) => boolean,
): [LineAccount['fate'], string] | null {
  if (r < headerRow) return chars ? ['header', 'above the column headings (title, notes)'] : ['skipped', 'empty row'];
  if (r >= headerRow && r < headerRow + headerRows) return ['header', 'column headings'];
  if (!hasText) return ['skipped', 'empty row'];
  if (isRepeatedHeader(r)) return ['header', 'repeated column headings'];
  return null;
}

/** How a note under a table starts: ※, (注), or 注 before a number, colon, full stop, 、 or space (注意… is no note). */
const NOTE_MARK = /^(?:※|\(注[0-9]*\)|注[0-9]*[:.、 ])/;

/** A short note in round brackets, as a heading's unit or aside: (ページ), （単位：件）. 【…】 is how headings are written. */
const BRACKETED_NOTE = /^[(（][^)）]{1,12}[)）]$/;

/** 第1章 …, 第2節, 第3 対象の考え方: a numbered part of the draft. */
const NUMBERED_PART = /^第[0-9一二三四五六七八九十]+(?:[章節部編]|\s)/;

/** What a note about the listing talks of: the comments, their count, how they are grouped or shortened. */
const LISTING_NOTE = /(意見|[0-9]件|掲載|まとめ|要約|抜粋|同趣旨|以下|上記|再掲)/;

/** Longest text a row alone can hold and still be a heading rather than a comment. */
const HEADING_MAX_CHARS = 60;

/** A single text alone on an unnumbered row naming a part of the draft, or one cell spanning the whole table. */
function rowHeading(row: TableRow, r: number, own: { c: TableCell; i: number }[], cols: Columns): string | null {
  const only = own.length === 1 ? own[0] : undefined;
  if (!only) return null;
  const sameCell = (c: TableCell, i: number) => i === only.i || (c.copyOf?.row === r && c.copyOf.col === only.i);
  if (!row.cells.every((c, i) => sameCell(c, i) || !cleanText(c.text))) return null;
  const t = cleanText(only.c.text);
  const spansAll = row.cells.every(sameCell);
  const inRoleText = only.i === cols.comment || only.i === cols.response || only.i === cols.section;
  return (spansAll && row.cells.length > 1 && [...t].length <= 80) || isSectionHeading(t) || (!inRoleText && [...t].length <= HEADING_MAX_CHARS && !/。$/.test(t))
    ? t
    : null;
}

/** Items from the drafts, their response groups from shared cells and group values. */
function draftsToItems(drafts: readonly Draft[], table: Table, opts: ParseOptions, cols: Columns): Item[] {
  // A group's reply written once (merged-style export) belongs to every member.
  const groupReply = new Map<string, string[]>();
  for (const d of drafts) if (d.group && d.response.length && !groupReply.has(d.group)) groupReply.set(d.group, d.response);

  const items = drafts.map((d) => {
    const response = d.response.length ? d.response : d.group ? (groupReply.get(d.group) ?? []) : [];
    return buildItem({
      slug: opts.slug,
      // A mapped id column is the item id as the user's data spells it, so results join back to it.
      ...(opts.map?.id && d.key ? { id: d.key } : {}),
      number: d.number,
      fallbackKey: d.key ?? `r${d.rows[0]}`,
      section: d.section ?? locationSection(d.location),
      ...(cols.location !== undefined ? { location: d.location } : {}),
      ...(cols.category !== undefined ? { category: cleanText(d.category.join(' ')) || null } : {}),
      commentRaw: d.comment,
      responseRaw: response,
      source: { file: opts.file, rows: d.rows, ...(table.sheet ? { sheet: table.sheet } : {}) },
      flags: [...d.flags],
    });
  });
  assignStructuralGroups(
    items,
    drafts.map((d) => [...d.responseCells.map((c) => `cell:${c}`), ...(d.group ? [`group:${d.group}`] : [])]),
  );
  return items;
}
