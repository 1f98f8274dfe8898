// A PDF text layer that prints each page's columns one after another (numbers, comments, answers), with running
// titles, column headings, page numbers, hard-wrapped cells and rows cut by page breaks (pipeline/parse/pdf-serial.ts).
import { describe, expect, it } from 'vitest';
import { parseBytes, parseDocument } from '../pipeline/parse/index.ts';
import { municipalItems } from './helpers/municipal-items.ts';
import { SEED_PATH } from './helpers/seed-cells.ts';
import { serialisedText, type SerialRow } from './helpers/serial-text.ts';
import { scoreItems, similarity } from './helpers/similarity.ts';

const title = '第3次総合計画（素案）に対する意見と県の考え方';

describe('column-serialised PDF text', () => {
  const items = municipalItems(52);
  const text = serialisedText(items, { title, linesPerPage: 40, width: 22 });

  it('finds every item with its own answer, page furniture as headers', async () => {
    const r = await parseBytes(Buffer.from(text), 'plan-serial.txt');
    expect(r.report.format).toBe('pdf-text');
    expect(r.items.map((it) => it.number)).toEqual(items.map((it) => it.number));
    const wrong = items.filter((w, k) => similarity(r.items[k].comment, w.comment) < 0.95 || similarity(r.items[k].response, w.response) < 0.95);
    expect(wrong.map((w) => w.number)).toEqual([]);
    expect(r.items.filter((it) => it.flags.includes('missing_response'))).toEqual([]);
    expect(r.report.totals.skipped_chars).toBe(0);
    const headers = new Set(r.report.accounts.filter((a) => a.fate === 'header').map((a) => a.reason));
    expect([...headers].sort()).toEqual(['column heading', 'page number', 'running page header/footer']);
  });

  it('joins a row cut by a page break, in whichever column it continues', async () => {
    const r = await parseBytes(Buffer.from(text), 'plan-serial.txt');
    const cut = r.items.filter((it) => it.flags.includes('merged_rows'));
    expect(cut.length).toBeGreaterThan(1);
    for (const it of cut) {
      const want = items.find((w) => w.number === it.number)!;
      expect(similarity(it.comment, want.comment)).toBeGreaterThan(0.95);
      expect(similarity(it.response, want.response)).toBeGreaterThan(0.95);
    }
  });

  // On a page whose k numbers meet exactly 2k paragraphs, drop answer paragraphs from the end of the page.
  const pages = text.split('\f');
  const shape = (page: string) => {
    const blocks = page.split('\n\n');
    const numbers = blocks[1].split('\n').filter(Boolean).length;
    return { blocks, numbers, paragraphs: blocks.length - 3 };
  };
  const p = pages.findIndex((page, i) => i > 0 && shape(page).paragraphs === 2 * shape(page).numbers && shape(page).numbers >= 5);
  const dropAnswers = (n: number) => {
    const { blocks } = shape(pages[p]);
    blocks.splice(blocks.length - 1 - n, n);
    return [...pages.slice(0, p), blocks.join('\n\n'), ...pages.slice(p + 1)].join('\f');
  };

  it('a page one answer short reads as an empty answer cell (it prints nothing), the item named', async () => {
    expect(p).toBeGreaterThan(0);
    const r = await parseBytes(Buffer.from(dropAnswers(1)), 'one-short.txt');
    const nums = shape(pages[p]).blocks[1].split('\n').filter(Boolean);
    const last = nums[nums.length - 1];
    expect(r.report.warnings).toContain(
      `page ${p + 1}: ${nums.length} numbers but ${nums.length - 1} answer cells; No.${last} taken to have no answer (the answers were given to the comments they share most wording with), check No.${nums[0]}–No.${last}`,
    );
    expect(r.items.filter((it) => !it.response).map((it) => it.number)).toEqual([last]);
    expect(scoreItems(r.items, items).wrong).toEqual([`No.${last}: comment 1.00, response 0.00`]);
    expect(r.report.totals.skipped_chars).toBe(0);
  });

  it('a page whose paragraphs do not add up is reported, not silently mis-assigned', async () => {
    // Five answer paragraphs gone: more than a page's empty cells explain.
    const r = await parseBytes(Buffer.from(dropAnswers(5)), 'broken.txt');
    expect(r.report.warnings.some((w) => new RegExp(`page ${p + 1}: \\d+ numbers but \\d+ text paragraphs; could not reassemble`).test(w))).toBe(true);
    expect(r.report.skipped.some((s) => s.reason === 'column-serialised page that could not be reassembled')).toBe(true);
  });
});

// The same layout with nothing between cells, as pdftotext without -layout (or the pdfjs text order) prints it:
// each page's lines are cut into the cells its numbers call for by the evidence of the line ends
// (pipeline/parse/pdf-serial-cut.ts). Some cuts stay guesses (a cell that ends exactly at full width with 。, the
// border of a row cut by the page break); every item whose texts come out wrong must be named in a warning.
describe('column-serialised PDF text with no blank lines between cells', () => {
  const named = (warnings: string[]) =>
    new Set(
      warnings.flatMap((w) => [
        ...[...w.matchAll(/No\.(\d+)/g)].map((m) => m[1]),
        ...[...w.matchAll(/No\.(\d+)–No\.(\d+)/g)].flatMap((m) => Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => String(Number(m[1]) + i))),
      ]),
    );
  async function check(rows: SerialRow[], text: string, file: string, minRight: number) {
    const r = await parseBytes(Buffer.from(text), file);
    expect(r.report.format).toBe('pdf-text');
    expect(r.items.map((it) => it.number)).toEqual(rows.map((w) => w.number));
    expect(r.items.filter((it) => !it.response)).toEqual([]);
    const preamble = r.report.accounts.filter((a) => a.fate === 'skipped' && a.reason?.startsWith('text before')).reduce((n, a) => n + a.chars, 0);
    expect(r.report.totals.skipped_chars).toBe(preamble);
    const score = scoreItems(r.items, rows);
    expect(score.right).toBeGreaterThanOrEqual(minRight);
    const warned = named(r.report.warnings);
    expect(score.wrong.filter((w) => !warned.has(w.match(/No\.(\d+)/)![1]))).toEqual([]);
    return r;
  }

  it('municipal text cut every 22 characters: every item with an answer, the unsure ones named', async () => {
    const rows = municipalItems(52);
    const text = serialisedText(rows, { title, linesPerPage: 40, width: 22, blankLines: false });
    expect(text).not.toMatch(/\n\n/);
    const r = await check(rows, text, 'plan-dense.txt', 48);
    const headers = new Set(r.report.accounts.filter((a) => a.fate === 'header').map((a) => a.reason));
    expect([...headers].sort()).toEqual(['column heading', 'page number', 'running page header/footer']);
    expect(r.items.filter((it) => it.flags.includes('merged_rows')).length).toBeGreaterThan(1);
  });

  it('municipal text wrapped by display width with the line-start rule, narrower answer column, 「N / M」 page numbers', async () => {
    const rows = municipalItems(52);
    const text = serialisedText(rows, {
      title: '第3次総合計画（素案）に対する御意見と市の考え方',
      linesPerPage: 44,
      width: 46,
      responseWidth: 40,
      blankLines: false,
      displayWidth: true,
      headings: ['No.', '御意見の要旨', '市の考え方'],
      pageNumber: (p, n) => `${p} / ${n}`,
    });
    await check(rows, text, 'plan-dense-display.txt', 50);
  });

  it('the seed, cut by characters and by display width: every item with its answer as in the text parse', async () => {
    // Items whose answer cell is empty are left out: an empty cell leaves no trace in such a text layer (open).
    const seed = (await parseDocument(SEED_PATH)).items;
    const rows = seed.filter((it) => it.response).map((it, k) => ({ number: String(k + 1), comment: it.comment, response: it.response }));
    expect(rows.length).toBe(122);
    await check(rows, serialisedText(rows, { title: 'サイバーセキュリティ戦略（案）に関する意見募集の結果', linesPerPage: 45, width: 24, blankLines: false }), 'seed-dense.txt', 116);
    await check(
      rows,
      serialisedText(rows, { title: 'サイバーセキュリティ戦略（案）に関する意見募集の結果', linesPerPage: 50, width: 48, blankLines: false, displayWidth: true }),
      'seed-dense-display.txt',
      114,
    );
  });

  it('a title and preamble before the table on page 1 are skipped with their reason, the items all found', async () => {
    const rows = municipalItems(30);
    const text = serialisedText(rows, { title, linesPerPage: 40, width: 22, blankLines: false });
    const intro = ['第3次総合計画（素案）に関する意見募集の結果について', '令和7年6月に実施した意見募集に寄せられた御意見の概要と', '県の考え方を次のとおり公表します。'];
    const r = await check(rows, [...intro, text].join('\n'), 'plan-preamble.txt', 26);
    expect(r.report.warnings[0]).toBe('page 1: 3 line(s) before the number column taken for a title or preamble and skipped');
    expect(r.report.skipped.map((x) => x.reason)).toContain('text before the column-serialised table (title or preamble)');
  });

  it('empty answer cells print nothing: the page reads with fewer answers, the items taken to have none are named', async () => {
    // No.5 and No.6 on page 1 have no answer: their page holds 7 numbers, 7 comments and 5 answers.
    const rows = municipalItems(14).map((r) => (r.number === '5' || r.number === '6' ? { ...r, response: '' } : r));
    const text = serialisedText(rows, { title, linesPerPage: 40, width: 22, blankLines: false });
    const r = await parseBytes(Buffer.from(text), 'plan-empty.txt');
    expect(r.items.map((it) => it.number)).toEqual(rows.map((w) => w.number));
    expect(r.items.filter((it) => !it.response).map((it) => it.number)).toEqual(['5', '6']);
    expect(r.report.warnings).toContain(
      'page 1: 7 numbers but 5 answer cells; No.5, No.6 taken to have no answer (the answers were given to the comments they share most wording with), check No.1–No.7',
    );
    expect(scoreItems(r.items.slice(0, 7), rows.slice(0, 7)).wrong).toEqual([]);
  });

  it('a page with fewer lines than its numbers call for cells is reported and skipped, not mis-assigned', async () => {
    const rows = municipalItems(30);
    const pages = serialisedText(rows, { title, linesPerPage: 40, width: 22, blankLines: false }).split('\f');
    // Keep only the numbers and the first text line of page 2.
    const lines = pages[1].split('\n');
    const firstText = lines.findIndex((l, i) => i > 4 && !/^\d+$/.test(l));
    pages[1] = [...lines.slice(0, firstText + 1), lines[lines.length - 1]].join('\n');
    const r = await parseBytes(Buffer.from(pages.join('\f')), 'short-page.txt');
    expect(r.report.warnings.some((w) => /^page 2: \d+ numbers but 1 text lines with no blank lines between cells; could not cut them/.test(w))).toBe(true);
    expect(r.report.skipped.some((s) => s.reason === 'column-serialised page that could not be reassembled')).toBe(true);
  });

  it('a table read in row order (number, comment, answer, next number) is not taken for columns', async () => {
    // As pdftotext -raw prints a table Chromium painted row by row: the number alone, then the row's cells.
    const rows = municipalItems(12);
    const pages = [0, 4, 8].map((from, p) =>
      [title, '番号 意見の概要 意見に対する考え方', ...rows.slice(from, from + 4).flatMap((w) => [w.number, w.comment, w.response]), `- ${p + 1} -`].join('\n'),
    );
    const r = await parseBytes(Buffer.from(pages.join('\n\f')), 'row-order.txt');
    expect(r.report.format).toBe('pdf-text');
    expect(r.report.warnings.join('\n')).not.toMatch(/no blank lines between cells/);
    expect(r.items.map((it) => it.number)).toEqual(rows.map((w) => w.number));
  });
});
