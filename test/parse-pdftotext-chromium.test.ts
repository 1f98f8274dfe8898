// Result tables printed to PDF by headless Chromium, then taken out with the real poppler pdftotext the way users
// do (-layout, -raw and its default reading order), and parsed as PDF text. Chromium centres the column headings
// over their columns, so the cells start left of them; reading order repeats the headings on each page and prints a
// cell's continuation after its column's heading. A missing pdftotext is a failure with a clear message, not a skip.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../pipeline/core/schema.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { openPrinter, type PdfPrinter } from './helpers/chromium-pdf.ts';
import { municipalItems } from './helpers/municipal-items.ts';
import { furniture, resultRows, resultTableHtml } from './helpers/result-html.ts';
import { SEED_PATH } from './helpers/seed-cells.ts';
import { scoreItems } from './helpers/similarity.ts';

const MODES = { layout: ['-layout'], raw: ['-raw'], 'reading order': [] } as const;
type Mode = keyof typeof MODES;

let printer: PdfPrinter;
let dir: string;
let seed: Item[];
const pdfs = new Map<string, string>();

beforeAll(async () => {
  if (spawnSync('pdftotext', ['-v']).error) {
    throw new Error('pdftotext not found: these tests extract text the way users do. Install Debian\'s poppler-utils (.ci/run does).');
  }
  printer = await openPrinter();
  dir = mkdtempSync(join(tmpdir(), 'pubcom-pdftotext-'));
  seed = (await parseDocument(SEED_PATH)).items;
  const seedTitle = 'サイバーセキュリティ戦略（案）に関する意見募集の結果';
  const seedHtml = resultTableHtml({ title: seedTitle, columns: ['番号', '意見の概要', '意見に対する考え方'], widths: [1, 5, 5], rows: resultRows(seed), ruled: true });
  writeFileSync(join(dir, 'seed.pdf'), await printer.print(seedHtml, furniture(seedTitle)));
  pdfs.set('seed', join(dir, 'seed.pdf'));
  const muniTitle = '第3次総合計画（素案）に対する意見と県の考え方';
  const rows = municipalItems(80).map((it) => ({ number: it.number, cells: [it.location, it.comment, it.response] }));
  const muniHtml = resultTableHtml({ title: muniTitle, columns: ['No.', '該当箇所', '意見の要旨', '県の考え方'], widths: [1, 3, 8, 8], rows, ruled: true });
  writeFileSync(join(dir, 'plan.pdf'), await printer.print(muniHtml, { landscape: true, ...furniture(muniTitle) }));
  pdfs.set('plan', join(dir, 'plan.pdf'));
}, 120_000);
afterAll(async () => {
  await printer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function extracted(name: string, mode: Mode) {
  const txt = join(dir, `${name}-${mode.replace(' ', '-')}.txt`);
  execFileSync('pdftotext', [...MODES[mode], '-enc', 'UTF-8', pdfs.get(name)!, txt]);
  return parseDocument(txt);
}

const seedWant = () => seed.map((it) => ({ number: it.number ?? it.inferred_number ?? '', comment: it.comment, response: it.response }));

describe('the seed (A4 portrait, 3 ruled columns, centred headings) through pdftotext', () => {
  it('-layout: all 131 items with both texts, headings centred over their columns notwithstanding', async () => {
    const r = await extracted('seed', 'layout');
    expect(r.report.format).toBe('pdf-text');
    expect(r.items).toHaveLength(131);
    expect(scoreItems(r.items, seedWant()).wrong).toEqual([]);
    expect(r.report.warnings).toEqual([]);
    expect(r.items.map((it) => it.section)).toEqual(seed.map((it) => it.section));
  });

  it('-raw: all 131 items with both texts', async () => {
    const r = await extracted('seed', 'raw');
    expect(r.items).toHaveLength(131);
    expect(scoreItems(r.items, seedWant()).wrong).toEqual([]);
  });

  it('reading order: all 131 items, a section heading above a number is not the number\'s cell, and cells continued after a page\'s repeated headings stay in their column', async () => {
    const r = await extracted('seed', 'reading order');
    expect(r.items).toHaveLength(131);
    // Measured 124 of 131 (items cut by page breaks in ways the paragraphs cannot tell); the reader says it guessed.
    expect(scoreItems(r.items, seedWant()).right).toBeGreaterThanOrEqual(124);
    expect(r.report.warnings.join(' ')).toContain('text in reading order');
  });
});

describe('a landscape municipal table with 該当箇所 (4 ruled columns) through pdftotext', () => {
  const items = municipalItems(80);

  it.each(['layout', 'reading order'] as const)('%s: every item with both texts and its 該当箇所 as location', async (mode) => {
    const r = await extracted('plan', mode);
    expect(r.items).toHaveLength(80);
    expect(scoreItems(r.items, items).wrong).toEqual([]);
    expect(r.items.map((it) => it.location)).toEqual(items.map((it) => it.location));
  });

  it('-layout with a 対応区分 column at the right: its codes (反映, 参考…) stay out of the answers and are each item\'s category', async () => {
    const some = items.slice(0, 40);
    const kinds = ['反映', '参考', '記載済', '原案どおり'];
    const rows = some.map((it, k) => ({ number: it.number, cells: [it.location, it.comment, it.response, kinds[k % 4]] }));
    const html = resultTableHtml({ title: '計画', columns: ['番号', '該当箇所', '意見の概要', '意見に対する考え方', '対応区分'], widths: [2, 3, 8, 8, 3], rows, ruled: false });
    const pdf = join(dir, 'five.pdf');
    writeFileSync(pdf, await printer.print(html, furniture('計画')));
    execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, join(dir, 'five.txt')]);
    const r = await parseDocument(join(dir, 'five.txt'));
    expect(r.items).toHaveLength(40);
    expect(scoreItems(r.items, some).wrong).toEqual([]);
    expect(r.items.filter((it) => /(反映|参考|記載済|原案どおり)$/.test(it.response))).toEqual([]);
    expect(r.items.map((it) => it.category)).toEqual(some.map((_, k) => kinds[k % 4]));
  });

  it('-raw: every item found, all but one with both texts', async () => {
    const r = await extracted('plan', 'raw');
    expect(r.items).toHaveLength(80);
    expect(scoreItems(r.items, items).right).toBeGreaterThanOrEqual(79);
  });
});
