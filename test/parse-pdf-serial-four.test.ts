// Column-serialised text layers of a 4-column table (No. / 該当箇所 / 意見の要旨 / 考え方): each page prints its
// numbers, then its 該当箇所 cells, then the comments, then the answers (pipeline/parse/pdf-serial.ts). The
// location cells must not be taken for comments (before: every comment was a location and every answer a comment).
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../pipeline/parse/index.ts';
import { municipalItems } from './helpers/municipal-items.ts';
import { rowOrderText } from './helpers/row-text.ts';
import { serialisedText, type SerialOptions } from './helpers/serial-text.ts';
import { scoreItems } from './helpers/similarity.ts';

const title = '第3次総合計画（素案）に対する意見と県の考え方';
const headings = ['No.', '該当箇所', '意見の要旨', '考え方'];
const rows = municipalItems(40);
const range = (m: RegExpMatchArray) => Array.from({ length: Number(m[2] ?? m[1]) - Number(m[1]) + 1 }, (_, i) => String(Number(m[1]) + i));
/** Item numbers a warning names: No.7, or No.7–No.12. */
const named = (warnings: string[]) => new Set(warnings.flatMap((w) => [...w.matchAll(/No\.(\d+)(?:–No\.(\d+))?/g)].flatMap(range)));

async function check(opts: Omit<SerialOptions, 'title' | 'location' | 'headings'>, file: string, minRight: number) {
  const r = await parseBytes(Buffer.from(serialisedText(rows, { title, headings, location: true, ...opts })), file);
  expect(r.report.format).toBe('pdf-text');
  expect(r.items.map((it) => it.number)).toEqual(rows.map((w) => w.number));
  expect(r.items.map((it) => it.location)).toEqual(rows.map((w) => w.location));
  // No heading rows: the section is the 該当箇所 without its page (第2章 P.12 → 第2章), as in tables read from cells.
  expect(r.items.map((it) => it.section)).toEqual(rows.map((w) => w.location.replace(/ P\.\d+$/, '')));
  expect(r.report.totals.skipped_chars).toBe(0);
  const score = scoreItems(r.items, rows);
  console.log(file, `${score.right}/${rows.length} right`, score.wrong.join('; '));
  expect(score.right).toBeGreaterThanOrEqual(minRight);
  const warned = named(r.report.warnings);
  expect(score.wrong.filter((w) => !warned.has(w.match(/No\.(\d+)/)![1]))).toEqual([]);
}

describe('column-serialised 4-column table with 該当箇所', () => {
  it('cells separated by blank lines: all 40 right, locations kept', () => check({ linesPerPage: 40, width: 22 }, 'four-blank.txt', 40));
  it('no blank lines, cut every 22 characters: every item, locations kept, the unsure ones named', () =>
    check({ linesPerPage: 40, width: 22, blankLines: false }, 'four-dense.txt', 36));
  it('a 該当箇所 column too narrow for its cells (第2章 P. / 12), with and without blank lines', async () => {
    await check({ linesPerPage: 40, width: 22, locationWidth: 6 }, 'four-narrow.txt', 40);
    // Without blank lines the wrapped locations are told apart by their lines short of the column's width.
    await check({ linesPerPage: 40, width: 22, locationWidth: 6, blankLines: false }, 'four-narrow-dense.txt', 36);
  });
  it('no blank lines, wrapped by display width, narrower answer column', () =>
    check({ linesPerPage: 44, width: 46, responseWidth: 40, displayWidth: true, locationWidth: 14, blankLines: false }, 'four-dense-display.txt', 38));
});

describe('column-serialised 4-column table with some 該当箇所 cells empty', () => {
  // No.5, 14, 23 and 32 have no location: their cell prints nothing, so a page holds fewer location cells.
  const gappy = municipalItems(40).map((w, k) => (k % 9 === 4 ? { ...w, location: '' } : w));
  it.each([
    ['blank lines between cells', true, 40],
    ['no blank lines', false, 36],
  ])('%s: the comments and answers stay right; a page short of locations says so', async (_name, blankLines, minRight) => {
    const text = serialisedText(gappy, { title, headings, location: true, linesPerPage: 40, width: 22, blankLines });
    const r = await parseBytes(Buffer.from(text), 'four-gappy.txt');
    expect(r.items.map((it) => it.number)).toEqual(gappy.map((w) => w.number));
    expect(r.report.totals.skipped_chars).toBe(0);
    const score = scoreItems(r.items, gappy);
    expect(score.right).toBeGreaterThanOrEqual(minRight);
    const warned = named(r.report.warnings);
    expect(score.wrong.filter((w) => !warned.has(w.match(/No\.(\d+)/)![1]))).toEqual([]);
    // A location that may be another row's is on a page named in a warning.
    const notes = r.report.warnings.filter((w) => w.includes('該当箇所 cells'));
    expect(notes.length).toBeGreaterThanOrEqual(3);
    const checked = named(notes);
    expect(r.items.filter((it, k) => (it.location ?? '') !== gappy[k].location && !checked.has(it.number ?? '')).map((it) => it.number)).toEqual([]);
  });
});

describe('a 4-column table read row by row (pdftotext -raw): the 該当箇所 on the row’s first line', () => {
  it.each([
    ['cut every 25 characters', { title, linesPerPage: 40, width: 25 }],
    ['by display width, narrower answer column', { title, linesPerPage: 44, width: 50, responseWidth: 44, displayWidth: true }],
  ])('%s: every item right, the location its own field, not the head of the comment', async (_name, opts) => {
    const r = await parseBytes(Buffer.from(rowOrderText(rows, { ...opts, headings, location: true })), 'rows-four.txt');
    expect(r.report.format).toBe('pdf-text');
    expect(scoreItems(r.items, rows).wrong).toEqual([]);
    expect(r.items.map((it) => it.location)).toEqual(rows.map((w) => w.location));
    expect(r.items.map((it) => it.section)).toEqual(rows.map((w) => w.location.replace(/ P\.\d+$/, '')));
    expect(r.report.totals.skipped_chars).toBe(0);
  });
});
