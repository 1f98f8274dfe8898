// Result tables written in Word (DOCX) and printed to PDF by LibreOffice: a second PDF producer beside Chromium,
// closer to how ministries make their PDFs (cell borders as drawn rectangles, repeated header rows, rows broken
// across pages, 「- N -」 footers from a PAGE field, a substituted Mincho font).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../pipeline/core/schema.ts';
import { parseBytes, parseDocument } from '../pipeline/parse/index.ts';
import { docxToPdfs, resultTableDocx } from './helpers/make-docx.ts';
import { municipalItems } from './helpers/municipal-items.ts';
import { resultRows } from './helpers/result-html.ts';
import { SEED_PATH } from './helpers/seed-cells.ts';
import { scoreItems } from './helpers/similarity.ts';

let seed: Item[];
beforeAll(async () => {
  seed = (await parseDocument(SEED_PATH)).items;
});

const part = (k: number) => `第${Math.floor(k / 20) + 1}部 計画の推進に関する意見`;

let pdfs: Promise<Record<'ruled' | 'borderless' | 'plan', Uint8Array>> | null = null;
/** The three Word tables, printed by one LibreOffice start (the first test to ask waits for it). */
function printed(): Promise<Record<'ruled' | 'borderless' | 'plan', Uint8Array>> {
  pdfs ??= (async () => {
    const seedRows = resultRows(seed);
    const seedTable = (ruled: boolean) =>
      resultTableDocx({ title: 'サイバーセキュリティ戦略（案）に関する意見募集の結果', columns: ['番号', '意見の概要', '意見に対する考え方'], widths: [1, 6, 6], rows: seedRows, ruled });
    const items = municipalItems(60);
    const planRows = items.flatMap((it, k) => [...(k % 20 === 0 ? [{ heading: part(k) }] : []), { number: it.number, cells: [it.location, it.comment, it.response] }]);
    const plan = resultTableDocx({ title: '第3次総合計画（素案）に対する意見と県の考え方', columns: ['No.', '該当箇所', '意見の要旨', '県の考え方'], widths: [1, 3, 8, 8], rows: planRows, ruled: true, landscape: true });
    const [a, b, c] = docxToPdfs(await Promise.all([seedTable(true), seedTable(false), plan]));
    return { ruled: a, borderless: b, plan: c };
  })();
  return pdfs;
}

const wrongItems = (got: Item[], want: { number: string; comment: string; response: string }[]) => scoreItems(got, want).wrong;

describe('the seed written as a Word table and printed by LibreOffice', () => {
  const want = () => seed.map((it) => ({ number: it.number ?? it.inferred_number ?? '', comment: it.comment, response: it.response }));

  for (const ruled of [true, false]) {
    it(`${ruled ? 'ruled' : 'borderless'}: all 131 items with both texts as in the text parse, sections kept`, async () => {
      const r = await parseBytes((await printed())[ruled ? 'ruled' : 'borderless'], ruled ? 'seed-word-ruled.pdf' : 'seed-word-borderless.pdf');
      expect(r.items).toHaveLength(131);
      expect(wrongItems(r.items, want())).toEqual([]);
      expect(r.items.map((it) => it.section)).toEqual(seed.map((it) => it.section));
    });
  }
});

describe('a municipal Word table in landscape with 該当箇所 (4 columns)', () => {
  it('every item, both texts, 該当箇所 as location, heading rows as section', async () => {
    const items = municipalItems(60);
    const r = await parseBytes((await printed()).plan, 'plan-word-4col.pdf');
    expect(r.items).toHaveLength(60);
    expect(wrongItems(r.items, items)).toEqual([]);
    expect(r.items.map((it) => it.location)).toEqual(items.map((it) => it.location));
    expect(r.items.map((it) => it.section)).toEqual(items.map((_, k) => part(k)));
  });

  it('through pdftotext -layout (as users take text out of a PDF): every item, both texts, the location apart from the comment', async () => {
    const items = municipalItems(60);
    const dir = mkdtempSync(join(tmpdir(), 'pubcom-word-layout-'));
    try {
      const pdf = join(dir, 'plan.pdf');
      writeFileSync(pdf, (await printed()).plan);
      // Word runs a number, its 該当箇所 and the comment together with single spaces: 「19 第 5 章 P.40 防災訓練に…」.
      execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, join(dir, 'plan.txt')]);
      const r = await parseDocument(join(dir, 'plan.txt'));
      expect(r.items).toHaveLength(60);
      expect(wrongItems(r.items, items)).toEqual([]);
      expect(r.items.map((it) => (it.location ?? '').replace(/\s+/g, ''))).toEqual(items.map((it) => it.location.replace(/\s+/g, '')));
      expect(r.items.map((it) => it.section?.replace(/\s+/g, ''))).toEqual(items.map((_, k) => part(k).replace(/\s+/g, '')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
