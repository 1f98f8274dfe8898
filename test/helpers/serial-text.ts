// The text layer of a result table whose columns come out one after another on each page, as some PDF text
// extractors print a ruled table: the running title and column headings, then the page's numbers, then its
// comment cells, then its answer cells (blank lines between cells), then 「- N -」. Cells are hard-wrapped to
// their column's width, and a row that does not fit on a page continues on the next one without its number.

export interface SerialRow {
  number: string;
  comment: string;
  response: string;
}

function wrap(text: string, width: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out.length ? out : [''];
}

export function serialisedText(rows: SerialRow[], opts: { title: string; linesPerPage: number; width: number }): string {
  type Piece = { number: string | null; comment: string[]; response: string[] };
  const pages: Piece[][] = [[]];
  let room = opts.linesPerPage;
  for (const r of rows) {
    let comment = wrap(r.comment, opts.width);
    let response = wrap(r.response, opts.width);
    let number: string | null = r.number;
    while (comment.length || response.length) {
      const height = Math.max(comment.length, response.length);
      if (room < 3) {
        pages.push([]);
        room = opts.linesPerPage;
      }
      const take = Math.min(height, room);
      pages[pages.length - 1].push({ number, comment: comment.slice(0, take), response: response.slice(0, take) });
      comment = comment.slice(take);
      response = response.slice(take);
      number = null;
      room -= take + 1;
    }
  }
  return pages
    .map((pieces, p) => {
      const out = [opts.title, '番号', '意見の概要', '意見に対する考え方', ''];
      for (const x of pieces) if (x.number) out.push(x.number);
      out.push('');
      for (const col of ['comment', 'response'] as const) {
        for (const x of pieces) if (x[col].length) out.push(...x[col], '');
      }
      out.push(`- ${p + 1} -`);
      return out.join('\n');
    })
    .join('\n\f');
}
