// The text layer of a result table read row by row with every line back to back, as pdftotext -raw prints a ruled
// table a browser painted: on each page the running title and the column headings on one line, then each row as
// its number followed by the comment's first line (or the number alone on its line), the comment's other
// hard-wrapped lines, then the answer's lines, and the page number at the foot; no blank line anywhere. A row that
// does not fit on the page prints the piece of each column that fits, and the rest of both at the top of the next
// page. A one-line comment may share its line with the answer's first line (`sharedBaseline`), as pdftotext does
// with two cells on one baseline. An empty answer prints nothing. A 該当箇所 column (`location`) prints its cell on
// the row's first line, between the number and the comment's first line.
import { wrap, wrapDisplay } from './serial-text.ts';

export interface RowTextRow {
  number: string;
  comment: string;
  response: string;
  /** A section heading row printed before this row. */
  section?: string;
  /** The 該当箇所 cell, printed with `location: true` on the row's first line between the number and the comment. */
  location?: string;
}

export interface RowTextOptions {
  title: string;
  linesPerPage: number;
  width: number;
  responseWidth?: number;
  displayWidth?: boolean;
  headings?: string[];
  pageNumber?: (page: number, pages: number) => string;
  /** Rows whose number is printed alone on its line. */
  numberAlone?: (row: RowTextRow, k: number) => boolean;
  sharedBaseline?: boolean;
  /** A 該当箇所 column (one line per cell) between the numbers and the comments. */
  location?: boolean;
}

export function rowOrderText(rows: RowTextRow[], opts: RowTextOptions): string {
  const cut = (text: string, width: number) => (!text ? [] : opts.displayWidth ? wrapDisplay(text, width) : wrap(text, width));
  const pages: string[][] = [[]];
  let room = opts.linesPerPage;
  const need = (n: number) => {
    if (room < n) {
      pages.push([]);
      room = opts.linesPerPage;
    }
  };
  rows.forEach((r, k) => {
    if (r.section) {
      need(4);
      pages[pages.length - 1].push(r.section);
      room -= 1;
    }
    let comment = cut(r.comment, opts.width);
    let response = cut(r.response, opts.responseWidth ?? opts.width);
    let first = true;
    while (comment.length || response.length) {
      need(3);
      const take = Math.min(Math.max(comment.length, response.length), room);
      const c = comment.slice(0, take);
      const a = response.slice(0, take);
      const out = pages[pages.length - 1];
      if (first) {
        const alone = opts.numberAlone?.(r, k) ?? false;
        const lead = opts.location && r.location ? `${r.number} ${r.location}` : r.number;
        if (opts.location) out.push(`${lead} ${c[0] ?? ''}`.trimEnd(), ...c.slice(1), ...a);
        else if (alone) out.push(r.number, ...c, ...a);
        else if (opts.sharedBaseline && c.length === 1 && a.length) out.push(`${r.number} ${c[0]} ${a[0]}`, ...a.slice(1));
        else out.push(`${r.number} ${c[0] ?? ''}`.trimEnd(), ...c.slice(1), ...a);
      } else out.push(...c, ...a);
      comment = comment.slice(take);
      response = response.slice(take);
      room -= take;
      first = false;
    }
  });
  const pageNumber = opts.pageNumber ?? ((p: number) => `- ${p} -`);
  const headings = (opts.headings ?? ['番号', '意見の概要', '意見に対する考え方']).join(' ');
  return pages.map((body, p) => [opts.title, headings, ...body, pageNumber(p + 1, pages.length)].join('\n')).join('\n\f');
}
