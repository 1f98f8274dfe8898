// The text layer of a result table whose columns come out one after another on each page, as some PDF text
// extractors print a ruled table: the running title and column headings, then the page's numbers, then its
// comment cells, then its answer cells, then the page number. Cells are hard-wrapped to their column's width,
// and a row that does not fit on a page continues on the next one without its number.
// By default cells are separated by blank lines; `blankLines: false` prints every line back to back, as pdftotext
// without -layout or the pdfjs text order often do. An empty cell prints nothing at all.
// `displayWidth` wraps by display width (full-width characters 2, half-width 1) with the line-start rule a
// browser applies (、。）」 never start a line: the character before them moves down with them), instead of
// cutting every `width` characters.

export interface SerialRow {
  number: string;
  comment: string;
  response: string;
  /** The 該当箇所 cell, printed as its own column between the numbers and the comments with `location: true`. */
  location?: string;
  /** A section heading row (第2章 …) before this row: its text starts at the table's left edge, so a reader
   *  that serialises by column prints it in the number column, before this row's number. */
  section?: string;
}

export interface SerialOptions {
  title: string;
  linesPerPage: number;
  /** Characters per line (or display width with `displayWidth`), both columns. */
  width: number;
  /** The answer column's width when it differs from the comment column's. */
  responseWidth?: number;
  blankLines?: boolean;
  displayWidth?: boolean;
  /** Column headings printed under the title on each page. */
  headings?: string[];
  /** The page number line; 「- N -」 by default. */
  pageNumber?: (page: number, pages: number) => string;
  /** A 該当箇所 column (its cells one line each, width `locationWidth`, 10 by default) after the numbers. */
  location?: boolean;
  locationWidth?: number;
}

const NO_LINE_START = /[、。，．）」』】：:,.)]/;
const cellWidth = (ch: string) => (/[\u0000-\u00ff\uff61-\uff9f]/.test(ch) ? 1 : 2);

export function wrap(text: string, width: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out.length ? out : [''];
}

export function wrapDisplay(text: string, width: number): string[] {
  const out: string[][] = [];
  let line: string[] = [];
  let used = 0;
  for (const ch of text) {
    if (used + cellWidth(ch) > width) {
      // The browser's line-start rule: a closing mark takes the last character of the line down with it.
      const carry = NO_LINE_START.test(ch) && line.length > 1 ? [line.pop()!] : [];
      out.push(line);
      line = carry;
      used = carry.reduce((n, c) => n + cellWidth(c), 0);
    }
    line.push(ch);
    used += cellWidth(ch);
  }
  if (line.length) out.push(line);
  return out.length ? out.map((l) => l.join('')) : [''];
}

export function serialisedText(rows: SerialRow[], opts: SerialOptions): string {
  const blank = opts.blankLines ?? true;
  // An empty cell prints nothing, not even the blank line that would end it.
  const cut = (text: string, width: number) => (!text ? [] : opts.displayWidth ? wrapDisplay(text, width) : wrap(text, width));
  type Piece = { number: string | null; section?: string; location: string[]; comment: string[]; response: string[] };
  const pages: Piece[][] = [[]];
  let room = opts.linesPerPage;
  for (const r of rows) {
    if (r.section) {
      if (room < 5) {
        pages.push([]);
        room = opts.linesPerPage;
      }
      pages[pages.length - 1].push({ number: null, section: r.section, location: [], comment: [], response: [] });
      room -= 2;
    }
    let comment = cut(r.comment, opts.width);
    let response = cut(r.response, opts.responseWidth ?? opts.width);
    let location = opts.location ? cut(r.location ?? '', opts.locationWidth ?? 10) : [];
    let number: string | null = r.number;
    while (comment.length || response.length || number !== null) {
      const height = Math.max(comment.length, response.length, location.length, 1);
      if (room < 3) {
        pages.push([]);
        room = opts.linesPerPage;
      }
      const take = Math.min(height, room);
      pages[pages.length - 1].push({ number, location: location.slice(0, take), comment: comment.slice(0, take), response: response.slice(0, take) });
      comment = comment.slice(take);
      response = response.slice(take);
      location = location.slice(take);
      number = null;
      room -= take + 1;
    }
  }
  const gap = blank ? [''] : [];
  const pageNumber = opts.pageNumber ?? ((p: number) => `- ${p} -`);
  return pages
    .map((pieces, p) => {
      const out = [opts.title, ...(opts.headings ?? ['番号', ...(opts.location ? ['該当箇所'] : []), '意見の概要', '意見に対する考え方']), ...gap];
      for (const x of pieces) if (x.number) out.push(x.number);
      else if (x.section) out.push(x.section);
      out.push(...gap);
      for (const col of [...(opts.location ? (['location'] as const) : []), 'comment', 'response'] as const) {
        for (const x of pieces) if (x[col].length) out.push(...x[col], ...gap);
      }
      out.push(pageNumber(p + 1, pages.length));
      return out.join('\n');
    })
    .join('\n\f');
}
