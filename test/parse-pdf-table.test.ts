// Result tables printed to PDF by headless Chromium, read back through pdfjs geometry (pipeline/parse/pdf-table.ts):
// the seed as a ruled 3-column table and borderless, a landscape 4-column table with 該当箇所, a 5-column table
// with a 対応区分 column, rows cut by page breaks, page furniture and footnotes; and a PDF that is not a table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import type { Item } from '../pipeline/core/schema.ts';
import { parseBytes, parseDocument, type ParseResult } from '../pipeline/parse/index.ts';
import { openPrinter, type PdfPrinter } from './helpers/chromium-pdf.ts';
import { municipalItems } from './helpers/municipal-items.ts';
import { furniture, resultRows, resultTableHtml, type ResultRow } from './helpers/result-html.ts';
import { SEED_PATH } from './helpers/seed-cells.ts';
import { scoreItems } from './helpers/similarity.ts';

const FOOTNOTE = '※ 御意見は取りまとめの都合上、適宜要約しております。';
let printer: PdfPrinter;
let seed: Item[];

beforeAll(async () => {
  printer = await openPrinter();
  seed = (await parseDocument(SEED_PATH)).items;
});
afterAll(async () => printer?.close());

const seedRows = (): ResultRow[] => resultRows(seed);

async function printSeed(ruled: boolean): Promise<ParseResult> {
  const title = 'サイバーセキュリティ戦略（案）に関する意見募集の結果';
  const html = resultTableHtml({ title, columns: ['番号', '意見の概要', '意見に対する考え方'], widths: [1, 5, 5], rows: seedRows(), ruled, footnote: FOOTNOTE });
  return parseBytes(await printer.print(html, furniture(title)), ruled ? 'seed-ruled.pdf' : 'seed-borderless.pdf');
}

const score = scoreItems;

const seedWant = () => seed.map((it) => ({ number: it.number ?? it.inferred_number ?? '', comment: it.comment, response: it.response }));
const reasons = (r: ParseResult) => [...new Set(r.report.accounts.filter((a) => a.fate !== 'item').map((a) => `${a.fate}:${a.reason ?? a.ref}`))];

describe('the seed printed to PDF (A4 portrait, 3 columns)', () => {
  it('ruled: all 131 items, comments and answers as in the text parse, sections kept', async () => {
    const r = await printSeed(true);
    expect(r.report.format).toBe('pdf');
    expect(r.items).toHaveLength(131);
    expect(score(r.items, seedWant()).wrong).toEqual([]);
    expect(r.items.map((it) => it.section)).toEqual(seed.map((it) => it.section));
    // Page furniture and the footnote are accounted, never item text.
    const why = reasons(r);
    expect(why).toContain('header:page number');
    expect(why).toContain('header:above the table (running title)');
    expect(why).toContain('header:repeated column headings');
    expect(why).toContain('skipped:footnote below the table');
    expect(r.items.some((it) => /ページ|- \d+ -|適宜要約/.test(it.comment + it.response))).toBe(false);
    // Rows cut by a page break are joined, and said so.
    expect(r.report.warnings.some((w) => /split by a page break were joined/.test(w))).toBe(true);
    const split = r.items.filter((it) => it.flags.includes('merged_rows'));
    expect(split.length).toBeGreaterThan(5);
    expect(score(split, seedWant().filter((w) => split.some((it) => it.number === w.number))).wrong).toEqual([]);
  });

  it('borderless: the same 131 items from the headings and the x-gaps', async () => {
    const r = await printSeed(false);
    expect(r.items).toHaveLength(131);
    expect(score(r.items, seedWant()).wrong).toEqual([]);
    expect(reasons(r)).toContain('skipped:footnote below the table');
  });
});

describe('a municipal table in landscape with 該当箇所 (4 columns) and with 対応区分 (5 columns)', () => {
  const items = municipalItems(80);
  const title = '第3次総合計画（素案）に対する意見と県の考え方';

  const part = (k: number) => `第${Math.floor(k / 20) + 1}部 計画の推進に関する意見`;

  it('4 columns, ruled, landscape: every item, both texts, 該当箇所 as location and the heading rows as section', async () => {
    const rows = items.flatMap((it, k) => [...(k % 20 === 0 ? [{ heading: part(k) }] : []), { number: it.number, cells: [it.location, it.comment, it.response] }]);
    const html = resultTableHtml({ title, columns: ['No.', '該当箇所', '意見の要旨', '県の考え方'], widths: [1, 3, 8, 8], rows, ruled: true });
    const r = await parseBytes(await printer.print(html, { landscape: true, ...furniture(title) }), 'plan-4col.pdf');
    expect(r.items).toHaveLength(80);
    expect(score(r.items, items).wrong).toEqual([]);
    expect(r.items.map((it) => it.location)).toEqual(items.map((it) => it.location));
    expect(r.items.map((it) => it.section)).toEqual(items.map((_, k) => part(k)));
  });

  it('5 columns, borderless, portrait: the 対応区分 column is not mixed into the answer, and is each item\'s category', async () => {
    const kinds = ['反映', '参考', '記載済', '原案どおり'];
    const rows = items.slice(0, 40).map((it, k) => ({ number: it.number, cells: [it.location, it.comment, it.response, kinds[k % 4]] }));
    const html = resultTableHtml({ title, columns: ['番号', '該当箇所', '意見の概要', '意見に対する考え方', '対応区分'], widths: [2, 3, 8, 8, 3], rows, ruled: false, footnote: '（注）区分：反映＝計画に反映したもの' });
    const r = await parseBytes(await printer.print(html, furniture(title)), 'plan-5col.pdf');
    expect(r.items).toHaveLength(40);
    expect(score(r.items, items.slice(0, 40)).wrong).toEqual([]);
    expect(r.items.map((it) => it.category)).toEqual(items.slice(0, 40).map((_, k) => kinds[k % 4]));
    expect(reasons(r)).toContain('skipped:footnote below the table');
  });
});

describe('partial rules and other print settings', () => {
  const title = '意見募集の結果';
  const want = () => seedWant().slice(0, 45);
  const rows = () => want().map((w) => ({ number: w.number, cells: [w.comment, w.response] }));
  const base = { title, columns: ['番号', '意見の概要', '意見に対する考え方'], widths: [1, 5, 5] };

  it.each([
    ['rules between rows only', { ruled: false, extraCss: 'tr { border-bottom: 0.75pt solid #000; }' }],
    ['rules between columns only', { ruled: false, extraCss: 'td, th { border-left: 0.75pt solid #000; border-right: 0.75pt solid #000; }' }],
    ['ruled, cells centred vertically, headings printed once', { ruled: true, extraCss: 'td { vertical-align: middle; }', headingRowOnce: true }],
    // Each number then sits halfway down its row: rows are told apart by the padding between them.
    ['borderless, cells centred vertically', { ruled: false, extraCss: 'td { vertical-align: middle; }' }],
  ])('%s: every item with both texts', async (_name, variant) => {
    const r = await parseBytes(await printer.print(resultTableHtml({ ...base, rows: rows(), ...variant }), furniture(title)), 'variant.pdf');
    expect(r.items).toHaveLength(want().length);
    expect(score(r.items, want()).wrong).toEqual([]);
  });

  it.each([true, false])('column headings wrapped in narrow columns (意見番 / 号), ruled %s: every item, repeated headings not taken for rows', async (ruled) => {
    const items = municipalItems(30);
    const rows = items.map((it) => ({ number: it.number, cells: [it.comment, it.response] }));
    const html = resultTableHtml({ title, columns: ['意見番号', '意見の概要', '意見に対する考え方'], widths: [0.9, 9, 2], rows, ruled });
    const r = await parseBytes(await printer.print(html, furniture(title)), 'narrow.pdf');
    expect(r.items).toHaveLength(30);
    expect(score(r.items, items).wrong).toEqual([]);
    expect(r.report.accounts.filter((a) => a.reason === 'repeated column headings').length).toBeGreaterThan(1);
  });

  it('large print (12 pt, portrait): 「No.」 wraps to 「N」 / 「o.」 and is still the headings, rows cut by page breaks are joined', async () => {
    const items = municipalItems(80);
    const rows = items.map((it) => ({ number: it.number, cells: [it.location, it.comment, it.response] }));
    const html = resultTableHtml({ title, columns: ['No.', '該当箇所', '意見の要旨', '県の考え方'], widths: [1, 3, 8, 8], rows, ruled: true, fontPt: 12 });
    const r = await parseBytes(await printer.print(html, furniture(title)), 'large-print.pdf');
    expect(r.items).toHaveLength(80);
    expect(score(r.items, items).wrong).toEqual([]);
    expect(r.report.warnings.some((w) => /split by a page break were joined/.test(w))).toBe(true);
  });

  it('small print (8 pt, landscape): the running title above a page’s repeated headings stays out of the row cut there', async () => {
    const html = resultTableHtml({ title, columns: ['番号', '意見の概要', '意見に対する考え方'], widths: [1, 4, 7], rows: seedRows(), ruled: true, fontPt: 8 });
    const r = await parseBytes(await printer.print(html, { landscape: true, ...furniture(title) }), 'small-print.pdf');
    expect(r.items).toHaveLength(131);
    expect(score(r.items, seedWant()).wrong).toEqual([]);
    expect(r.items.some((it) => (it.comment + it.response).includes(title))).toBe(false);
  });

  it("a new user's 10-item municipal table: answers apart from comments, the footnote not glued to the last item", async () => {
    const items = municipalItems(10);
    const html = resultTableHtml({
      title: '○○市地域福祉計画（案）に対するご意見と市の考え方',
      columns: ['番号', 'ご意見の概要', '市の考え方'],
      widths: [1, 6, 6],
      rows: items.map((it) => ({ number: it.number, cells: [it.comment, it.response] })),
      ruled: true,
      footnote: '※ 同趣旨のご意見はまとめて掲載しています。',
    });
    const r = await parseBytes(await printer.print(html), 'fukushi.pdf');
    expect(score(r.items, items).wrong).toEqual([]);
    expect(r.items.filter((it) => it.flags.includes('missing_response'))).toEqual([]);
    expect(r.items[9].comment + r.items[9].response).not.toContain('同趣旨');
    expect(reasons(r)).toContain('skipped:footnote below the table');
  });
});

describe('a PDF that is not a result table', () => {
  it('minutes in prose are refused (InputError → exit 2)', async () => {
    const paras = Array.from({ length: 12 }, (_, k) => `<p>${k + 1}　委員から、${['計画の進捗管理の方法について質問があった。', '事務局から、毎年度の評価を行う旨の説明があった。', '次回の会議では素案の修正点を審議することとした。'][k % 3]}</p>`).join('');
    const html = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>body{font-family:IPAGothic;font-size:10.5pt}</style></head><body><h1>第3回 総合計画審議会 議事録</h1>${paras}</body></html>`;
    const pdf = await printer.print(html);
    await expect(parseBytes(pdf, 'minutes.pdf')).rejects.toThrow(InputError);
    await expect(parseBytes(pdf, 'minutes.pdf')).rejects.toThrow(/not a result table/);
  });
});

describe('numbering and empty cells in printed tables (issue 12 gaps, read from the geometry)', () => {
  const title = '第3次総合計画（素案）に対する意見と県の考え方';
  const chapters = ['第1章 計画の概要', '第2章 安全・安心なまちづくり', '第3章 環境と共生するまち'];

  it('numbers starting again under each chapter heading, and 1-1 numbers: every item under its chapter', async () => {
    for (const compound of [false, true]) {
      const items = municipalItems(30).map((w, k) => ({ ...w, number: compound ? `${Math.floor(k / 10) + 1}-${(k % 10) + 1}` : String((k % 10) + 1) }));
      const rows = items.flatMap((it, k) => [...(k % 10 === 0 ? [{ heading: chapters[k / 10] }] : []), { number: it.number, cells: [it.comment, it.response] }]);
      const html = resultTableHtml({ title, columns: ['番号', '意見の概要', '意見に対する考え方'], widths: [1, 5, 5], rows, ruled: true });
      const r = await parseBytes(await printer.print(html, furniture(title)), 'restart.pdf');
      expect(r.items.map((it) => it.number)).toEqual(items.map((w) => w.number));
      expect(r.items.map((it) => it.section)).toEqual(items.map((_, k) => chapters[Math.floor(k / 10)]));
      expect(r.items.filter((it, k) => scoreItems([it], [items[k]]).right !== 1)).toEqual([]);
    }
  });

  it('empty comment cells, borderless: the rows keep their answers, their comments empty', async () => {
    const items = municipalItems(30).map((w, k) => (k % 7 === 3 ? { ...w, comment: '' } : w));
    const rows = items.map((it) => ({ number: it.number, cells: [it.comment, it.response] }));
    const html = resultTableHtml({ title, columns: ['番号', '意見の概要', '意見に対する考え方'], widths: [1, 5, 5], rows, ruled: false });
    const r = await parseBytes(await printer.print(html, furniture(title)), 'empty-comments.pdf');
    expect(score(r.items, items).wrong).toEqual([]);
    expect(r.items.filter((it) => !it.comment).map((it) => it.number)).toEqual(['4', '11', '18', '25']);
  });
});
