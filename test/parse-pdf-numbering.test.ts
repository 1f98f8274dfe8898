// Item numbering other than 1, 2, 3… down the whole table, in the PDF text layers read without geometry
// (pipeline/parse/pdf-serial.ts, pdf-rows.ts): numbers that start again under each section heading (第1章 1, 2, 3…
// 第2章 1, 2…), compound numbers (1-1, 1-2… 2-1) and bracketed ones ((1), ①, read as 1). Chromium-printed PDFs of
// the same tables are read from their geometry and already kept every item (test/parse-pdf-table.test.ts).
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../pipeline/parse/index.ts';
import { municipalItems } from './helpers/municipal-items.ts';
import { rowOrderText } from './helpers/row-text.ts';
import { serialisedText } from './helpers/serial-text.ts';
import { scoreInOrder } from './helpers/similarity.ts';

const title = '第3次総合計画（素案）に対する意見と県の考え方';
const chapters = ['第1章 計画の概要', '第2章 安全・安心なまちづくり', '第3章 環境と共生するまち'];
/** 60 items, 20 under each chapter, numbered 1–20 under each. */
const restarting = () =>
  municipalItems(60).map((w, k) => ({ ...w, number: String((k % 20) + 1), section: k % 20 === 0 ? chapters[k / 20] : undefined }));
const sectionOf = (k: number) => chapters[Math.floor(k / 20)];
/** What the parse keeps as the number: 1-3 as printed, (3) and ③ as 3. */
const printed: Record<string, (k: number) => [string, string]> = {
  compound: (k) => [`${Math.floor(k / 10) + 1}-${(k % 10) + 1}`, `${Math.floor(k / 10) + 1}-${(k % 10) + 1}`],
  bracketed: (k) => [`(${k + 1})`, String(k + 1)],
  circled: (k) => [String.fromCodePoint(0x2460 + k), String(k + 1)],
};
const named = (warnings: string[]) => warnings.join('\n');

async function read(text: string, file: string) {
  const r = await parseBytes(Buffer.from(text), file);
  expect(r.report.format).toBe('pdf-text');
  expect(r.report.totals.skipped_chars).toBe(0);
  return r;
}

describe('numbering that starts again under each section heading', () => {
  it('rows read in order: all 60 items with their chapters, the unsure ones named', async () => {
    const rows = restarting();
    const r = await read(rowOrderText(rows, { title, linesPerPage: 40, width: 25 }), 'rows-restart.txt');
    expect(r.items.map((it) => it.number)).toEqual(rows.map((w) => w.number));
    expect(r.items.map((it) => it.section)).toEqual(rows.map((_, k) => sectionOf(k)));
    const { right, wrong } = scoreInOrder(r.items, rows);
    expect(right).toBeGreaterThanOrEqual(57);
    // Ids stay unique (the repeated numbers take @line), and the restart is said once, not once per item.
    expect(new Set(r.items.map((it) => it.id)).size).toBe(60);
    expect(r.report.warnings.filter((w) => /printed again|numbering starts again/.test(w))).toEqual([
      expect.stringMatching(/^numbering starts again under 2 section heading\(s\): 40 item\(s\) .*第2章 安全・安心なまちづくり \(20, from rows-restart#1@L\d+\); 第3章 環境と共生するまち \(20, /),
    ]);
    for (const w of wrong) expect(named(r.report.warnings)).toContain(w.match(/No\.\d+/)![0]);
  });

  it('column-serialised with blank lines, the chapter headings printed in the number column: all 60 right', async () => {
    const rows = restarting();
    const r = await read(serialisedText(rows, { title, linesPerPage: 40, width: 22 }), 'serial-restart.txt');
    expect(scoreInOrder(r.items, rows).wrong).toEqual([]);
    expect(r.items.map((it) => it.section)).toEqual(rows.map((_, k) => sectionOf(k)));
    expect(r.report.accounts.filter((a) => a.fate === 'heading').map((a) => a.ref)).toEqual(chapters);
  });

  it('column-serialised with no blank lines: every item found under its chapter', async () => {
    const rows = restarting();
    const r = await read(serialisedText(rows, { title, linesPerPage: 40, width: 22, blankLines: false }), 'serial-restart-dense.txt');
    expect(r.items.map((it) => it.number)).toEqual(rows.map((w) => w.number));
    expect(r.items.map((it) => it.section)).toEqual(rows.map((_, k) => sectionOf(k)));
    expect(r.items.filter((it) => !it.response)).toEqual([]);
    expect(scoreInOrder(r.items, rows).right).toBeGreaterThanOrEqual(52);
  });
});

describe.each(Object.keys(printed))('%s numbers', (kind) => {
  const rows = municipalItems(20).map((w, k) => ({ ...w, number: printed[kind](k)[0] }));
  const want = rows.map((w, k) => ({ ...w, number: printed[kind](k)[1] }));

  it('rows read in order: all 20 right', async () => {
    const r = await read(rowOrderText(rows, { title, linesPerPage: 40, width: 25 }), 'rows-numbers.txt');
    expect(scoreInOrder(r.items, want).wrong).toEqual([]);
  });

  it('column-serialised with blank lines: all 20 right; without: every item found, 18 right', async () => {
    const r = await read(serialisedText(rows, { title, linesPerPage: 40, width: 22 }), 'serial-numbers.txt');
    expect(scoreInOrder(r.items, want).wrong).toEqual([]);
    const dense = await read(serialisedText(rows, { title, linesPerPage: 40, width: 22, blankLines: false }), 'serial-numbers-dense.txt');
    expect(dense.items.map((it) => it.number)).toEqual(want.map((w) => w.number));
    expect(scoreInOrder(dense.items, want).right).toBeGreaterThanOrEqual(18);
  });
});
