// A section heading row of a ruled Word table is one merged cell, but its text (set in whatever font the printing
// machine substitutes) may run past the column rules drawn in the rows below it. LibreOffice then cuts the line
// into runs at glyph changes, so the runs start in several columns. The heading must stay one text in one cell,
// not become an unnumbered item made of its pieces (seen when the seed's Word table was printed with IPA Mincho).
// And the other way round: a cell line that merely contains heading words is not a column heading line (seen when
// the seed was printed borderless at 11 pt).
import { describe, expect, it } from 'vitest';
import type { PdfPage, Run } from '../pipeline/parse/pdf-page.ts';
import { isHeadingStart } from '../pipeline/parse/columns.ts';
import { pdfTable } from '../pipeline/parse/pdf-table.ts';

const SIZE = 10.5;
/** Runs set edge to edge from x, as LibreOffice writes a line whose font changes between glyphs. */
function runsFrom(x: number, y: number, pieces: string[]): Run[] {
  return pieces.map((text) => {
    const run = { x, y, width: [...text].length * SIZE, size: SIZE, text };
    x += run.width;
    return run;
  });
}

/** The column headings at height y (番号 at numberX: Word centres it, so it may end close to the comment column). */
const headingsAt = (y: number, numberX = 61) => [...runsFrom(numberX, y, ['番号']), ...runsFrom(175, y, ['意見の概要']), ...runsFrom(376, y, ['意見に対する考え方'])];
/** One line of a row at height y: its number (or ''), comment and answer text (either may be ''). */
const rowLine = (y: number, number: string, comment: string, response: string) =>
  [[64, number], [94, comment], [316, response]].flatMap(([x, text]) => (text ? runsFrom(x as number, y, [text as string]) : []));
/** An A4 page without rules. */
const plainPage = (page: number, runs: Run[]): PdfPage => ({ page, width: 595, height: 842, runs, hRules: [], vRules: [] });
const tableRows = (pages: PdfPage[]) => pdfTable(pages)!.table.rows.map((r) => r.cells.map((c) => c.text));

const cols = [52, 90, 312, 534];
const rowRules = [785, 772, 740, 727, 690];
const page: PdfPage = {
  page: 1,
  width: 595,
  height: 842,
  runs: [
    ...headingsAt(775),
    ...rowLine(760, '1', '戦略全体に賛成する。', 'ご意見として承ります。'),
    // The heading runs across both inner column rules: 「サイバー」 starts in the number column.
    ...runsFrom(57, 730, ['サイバー', '犯罪への対策を通じた', 'サイバー空間の安全・安心の', '確保に係る意見']),
    ...rowLine(715, '2', '詐欺対策を強化すべき。', '引き続き対策に努めてまいります。'),
  ],
  hRules: rowRules.map((at) => ({ at, a: cols[0], b: cols[3] })),
  // Inner column rules stop at the heading row, as Word draws a merged cell.
  vRules: [
    { at: cols[0], a: 690, b: 785 },
    { at: cols[1], a: 740, b: 785 },
    { at: cols[1], a: 690, b: 727 },
    { at: cols[2], a: 740, b: 785 },
    { at: cols[2], a: 690, b: 727 },
    { at: cols[3], a: 690, b: 785 },
  ],
} as PdfPage;

describe('a section heading row that runs across the column rules', () => {
  it('stays one text in the first cell of its row', () => {
    const rows = tableRows([page]);
    expect(rows).toContainEqual(['サイバー犯罪への対策を通じたサイバー空間の安全・安心の確保に係る意見', '', '']);
    expect(rows).toContainEqual(['2', '詐欺対策を強化すべき。', '引き続き対策に努めてまいります。']);
  });

  it('a heading wrapped over two lines stays one text too', () => {
    const wrapped: PdfPage = {
      ...page,
      runs: page.runs.flatMap((r) =>
        r.y !== 730
          ? [r]
          : r.text === '確保に係る意見'
            ? [{ ...r, x: 57, y: 731.5 }]
            : [{ ...r, y: 744 }],
      ),
      hRules: [785, 772, 755, 727, 690].map((at) => ({ at, a: cols[0], b: cols[3] })),
      vRules: page.vRules.map((v) => (v.a === 740 ? { ...v, a: 755 } : v)),
    } as PdfPage;
    const rows = tableRows([wrapped]);
    expect(rows).toContainEqual(['サイバー犯罪への対策を通じたサイバー空間の安全・安心の確保に係る意見', '', '']);
  });

  it('a numbered row whose comment looks like a heading is still cut into its cells', () => {
    const numbered = { ...page, runs: page.runs.map((r) => (r.text === '詐欺対策を強化すべき。' ? { ...r, text: '第2章に係る意見' } : r)) };
    const rows = tableRows([numbered]);
    expect(rows).toContainEqual(['2', '第2章に係る意見', '引き続き対策に努めてまいります。']);
  });
});

describe('a wrapped cell line whose halves both contain a heading word', () => {
  // Borderless: rows start at numbers and column heading lines, so a cell line read as headings would cut the item.
  const borderless = plainPage(1, [
    ...headingsAt(775),
    ...rowLine(760, '1', '7頁の段落に関して、「サイバ', '緊迫度合いについては、「サイバ'),
    ...rowLine(747, '', 'ー対応に必要な人材・技術', 'ー対応能力を支える人材・技術'),
    ...rowLine(734, '', 'とあるが、起源を示すべき。', 'と記載しております。'),
    ...rowLine(721, '2', '賛成する。', 'ご意見として承ります。'),
  ]);

  it('is cell text, not a repeated column heading: the item keeps its three lines', () => {
    const rows = tableRows([borderless]);
    expect(rows).toContainEqual(['1', '7頁の段落に関して、「サイバー対応に必要な人材・技術とあるが、起源を示すべき。', '緊迫度合いについては、「サイバー対応能力を支える人材・技術と記載しております。']);
  });
});

describe('the first part of a column heading wrapped in a narrow column', () => {
  it('is known as the start of a heading name, not the whole of one', () => {
    expect(isHeadingStart('N')).toBe(true);
    expect(isHeadingStart('通し番')).toBe(true);
    expect(isHeadingStart('通し番号')).toBe(false);
    expect(isHeadingStart('サイバー')).toBe(false);
    expect(isHeadingStart('')).toBe(false);
  });
});

describe('a cell’s last words printed right under the repeated column headings', () => {
  const pages = [
    plainPage(1, [...headingsAt(775, 68), ...rowLine(760, '1', '指針を策定す', '検討します。')]),
    // 「べき。」 sits one line under the headings, as close as a wrapped heading's second line would, and within a
    // character of 番号 (centred over its column, as Word sets it).
    plainPage(2, [...headingsAt(775, 68), ...rowLine(763, '', 'べき。', ''), ...rowLine(745, '2', '賛成する。', '承ります。')]),
  ];

  it('belong to the row cut by the page break, not to the headings', () => {
    const rows = tableRows(pages);
    expect(rows).toContainEqual(['1', '指針を策定すべき。', '検討します。']);
    expect(rows.filter((r) => r[1].startsWith('意見の概要'))).toEqual([
      ['番号', '意見の概要', '意見に対する考え方'],
      ['番号', '意見の概要', '意見に対する考え方'],
    ]);
  });
});
