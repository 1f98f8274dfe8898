// A PDF text layer that prints each page's columns one after another (numbers, comments, answers), with running
// titles, column headings, page numbers, hard-wrapped cells and rows cut by page breaks (pipeline/parse/pdf-serial.ts).
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../pipeline/parse/index.ts';
import { municipalItems } from './helpers/municipal-items.ts';
import { serialisedText } from './helpers/serial-text.ts';
import { similarity } from './helpers/similarity.ts';

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

  it('a page whose paragraphs do not add up is reported, not silently mis-assigned', async () => {
    // On a page whose k numbers meet exactly 2k paragraphs, drop its last answer paragraph.
    const pages = text.split('\f');
    const shape = (page: string) => {
      const blocks = page.split('\n\n');
      const numbers = blocks[1].split('\n').filter(Boolean).length;
      return { blocks, numbers, paragraphs: blocks.length - 3 };
    };
    const p = pages.findIndex((page, i) => i > 0 && shape(page).paragraphs === 2 * shape(page).numbers);
    expect(p).toBeGreaterThan(0);
    const { blocks } = shape(pages[p]);
    blocks.splice(blocks.length - 2, 1);
    pages[p] = blocks.join('\n\n');
    const r = await parseBytes(Buffer.from(pages.join('\f')), 'broken.txt');
    expect(r.report.warnings.some((w) => new RegExp(`page ${p + 1}: \\d+ numbers but \\d+ text paragraphs; could not reassemble`).test(w))).toBe(true);
    expect(r.report.skipped.some((s) => s.reason === 'column-serialised page that could not be reassembled')).toBe(true);
  });
});
