// A PDF text layer that reads a ruled table row by row with no blank lines between cells (pdftotext -raw of a
// browser-printed 番号 / 意見の概要 / 意見に対する考え方 table): each row's lines are cut into comment and answer
// (pipeline/parse/pdf-rows.ts). Every item must be found; ≥ 95% with both texts ≥ 0.95 similar to the truth; every
// item that comes out wrong must be named in a warning.
import { describe, expect, it } from 'vitest';
import { parseBytes, parseDocument } from '../pipeline/parse/index.ts';
import { municipalItems } from './helpers/municipal-items.ts';
import { rowOrderText, type RowTextOptions, type RowTextRow } from './helpers/row-text.ts';
import { SEED_PATH } from './helpers/seed-cells.ts';
import { scoreItems } from './helpers/similarity.ts';

const named = (warnings: string[]) => new Set(warnings.flatMap((w) => [...w.matchAll(/No\.(\d+)/g)].map((m) => m[1])));

async function check(rows: RowTextRow[], opts: RowTextOptions, file: string) {
  const text = rowOrderText(rows, opts);
  expect(text).not.toMatch(/\n\n/);
  const r = await parseBytes(Buffer.from(text), file);
  expect(r.report.format).toBe('pdf-text');
  expect(r.items.map((it) => it.number)).toEqual(rows.map((w) => w.number));
  const score = scoreItems(r.items, rows);
  const warned = named(r.report.warnings);
  const unwarned = score.wrong.filter((w) => !warned.has(w.match(/No\.(\d+)/)![1]));
  const figures = { found: r.items.length, withAnswer: r.items.filter((it) => it.response).length, right: score.right, unwarned: unwarned.length };
  console.log(file, JSON.stringify(figures), score.wrong.join('; '));
  expect(score.right).toBeGreaterThanOrEqual(Math.ceil(0.95 * rows.length));
  expect(unwarned).toEqual([]);
  expect(r.report.totals.skipped_chars).toBe(0);
  return r;
}

const sectionsOf = (rows: { section: string | null }[]) => rows.map((r, k) => (r.section && r.section !== rows[k - 1]?.section ? r.section : undefined));

describe('PDF text read row by row, no blank lines between cells', () => {
  it('municipal text cut every 25 characters, numbers on the comment line, rows cut by page breaks', async () => {
    const rows = municipalItems(40);
    const r = await check(rows, { title: '第3次総合計画（素案）に対する意見と市の考え方', linesPerPage: 30, width: 25, headings: ['番号', '意見の概要', '市の考え方'] }, 'rows-muni.txt');
    expect(r.items.filter((it) => it.flags.includes('merged_rows')).length).toBeGreaterThan(1);
    // The title, the column headings and the page number of every page are page furniture.
    const pages = new Set(r.report.accounts.map((a) => a.page)).size;
    const headers = r.report.accounts.filter((a) => a.fate === 'header');
    expect(headers.length).toBe(3 * pages);
    expect(headers.filter((a) => a.reason === 'page number').length).toBe(pages);
  });

  it('municipal text wrapped by display width, narrower answer column, section headings, some numbers alone, 「N / M」', async () => {
    const sections = ['第1章 計画の概要', '第2章 安全・安心なまちづくり', '第3章 計画の推進'];
    const rows: RowTextRow[] = municipalItems(60).map((w, k) => ({ ...w, section: k % 20 === 0 ? sections[k / 20] : undefined }));
    const r = await check(
      rows,
      {
        title: '第3次総合計画（素案）に対する御意見と市の考え方',
        linesPerPage: 44,
        width: 50,
        responseWidth: 44,
        displayWidth: true,
        headings: ['No.', '御意見の要旨', '市の考え方'],
        pageNumber: (p, n) => `${p} / ${n}`,
        numberAlone: (_, k) => k % 4 === 1,
      },
      'rows-muni-display.txt',
    );
    expect(r.items.map((it) => it.section)).toEqual(rows.map((_, k) => sections[Math.floor(k / 20)]));
  });

  it('the seed (131 items, 9 without an answer, section headings), by characters and by display width', async () => {
    const seed = (await parseDocument(SEED_PATH)).items;
    const sections = sectionsOf(seed);
    const rows: RowTextRow[] = seed.map((it, k) => ({ number: String(k + 1), comment: it.comment, response: it.response, section: sections[k] }));
    const title = 'サイバーセキュリティ戦略（案）に関する意見募集の結果';
    for (const [opts, file] of [
      [{ title, linesPerPage: 46, width: 25, sharedBaseline: true }, 'rows-seed.txt'],
      [{ title, linesPerPage: 50, width: 48, displayWidth: true, numberAlone: (_: RowTextRow, k: number) => k % 3 === 0 }, 'rows-seed-display.txt'],
    ] as const) {
      const r = await check(rows, opts, file);
      expect(r.items.map((it) => it.section)).toEqual(seed.map((it) => it.section));
      // Rows read with no answer are the seed's rows without one; one the reading gave an answer to is named.
      const none = r.items.filter((it) => !it.response).map((it) => it.number);
      const truth = rows.filter((w) => !w.response).map((w) => w.number);
      expect(none.filter((n) => !truth.includes(n ?? ''))).toEqual([]);
      expect(truth.filter((n) => !none.includes(n) && !named(r.report.warnings).has(n))).toEqual([]);
      expect(none.length).toBeGreaterThanOrEqual(truth.length - 1);
    }
  });
});

describe('what is not read as rows', () => {
  it('numbered prose with no column headings (minutes) is left to the other readings', async () => {
    const pages = [1, 2].map((p) =>
      ['第3回 総合計画審議会 議事録', `${2 * p - 1} 開会`, '委員長から開会の挨拶があった。', '事務局から資料の確認があった。', `${2 * p} 議事`, '計画の素案について事務局から説明があった。', '委員から意見があった。', `- ${p} -`].join('\n'),
    );
    const r = await parseBytes(Buffer.from(pages.join('\n\f')), 'minutes.txt').catch((e: Error) => e);
    const warnings = r instanceof Error ? [] : r.report.warnings;
    expect(warnings.join('\n')).not.toMatch(/rows read in order|border between comment and answer/);
  });
});

describe('page furniture between rows', () => {
  it('a bare page number at the foot of a page is not taken for the next row', async () => {
    const rows = municipalItems(8);
    // Page numbers printed bare: page 3's foot reads 「3」 where the rows so far may end at No.2.
    const text = rowOrderText(rows, { title: '第3次総合計画（素案）に対する意見と市の考え方', linesPerPage: 12, width: 25, pageNumber: (p) => String(p) });
    const r = await parseBytes(Buffer.from(text), 'rows-bare-page.txt');
    expect(r.items.map((it) => it.number)).toEqual(rows.map((w) => w.number));
    expect(scoreItems(r.items, rows).wrong).toEqual([]);
    expect(r.report.accounts.filter((a) => a.reason === 'page number').length).toBe(text.split('\f').length);
  });
});

describe('numbers inside the text', () => {
  it('a number wrapped to a line start with its counter (「7 年度から」) is text, not the next row', async () => {
    const title = '第3次総合計画（素案）に対する意見と市の考え方';
    const page = (p: number, body: string[]) => [title, '番号 意見の概要 市の考え方', ...body, `- ${p} -`].join('\n');
    const text = [
      page(1, [
        '1 通学路の安全対策を進めてほしい。',
        '点検結果は公表しています。',
        '2 子育て支援センターの開所時間を延長し、令和',
        '3 年度から夜間も開所すべきである。',
        '開所時間の延長については、今後の参考とさせていた',
        'だきます。',
      ]),
      page(2, ['3 図書館の開館日を増やしてほしい。', '施設の改修計画の中で検討してまいります。', '4 説明会を開催してほしい。', '今後は概要版を作成するなど、分かりやすい資料に努めます。']),
    ].join('\n\f');
    const r = await parseBytes(Buffer.from(text), 'rows-counter.txt');
    expect(r.items.map((it) => it.number)).toEqual(['1', '2', '3', '4']);
    expect(r.items[1].comment).toBe('子育て支援センターの開所時間を延長し、令和3 年度から夜間も開所すべきである。');
    expect(r.items[1].response).toBe('開所時間の延長については、今後の参考とさせていただきます。');
  });
});
