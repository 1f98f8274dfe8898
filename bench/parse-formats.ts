// Parse throughput of the other readers at the size of a large round (issue 6's 20,000-comment CSV), through
// the whole parse stage (readers + groups + accounting): a CSV, the same as XLSX, and 1,000 pages of
// pdftotext -layout text made by repeating the school-plan fixture's pages.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { parseBytes } from '../pipeline/parse/index.ts';
import { readCsv } from '../pipeline/parse/csv.ts';
import { readPdfText } from '../pipeline/parse/pdf-text.ts';
import type { FormatReader } from '../pipeline/parse/types.ts';
import { readXlsx } from '../pipeline/parse/xlsx.ts';

const N = 20000;

function rows(): string[][] {
  const csv = readFileSync(new URL('../data/fixtures/csv/ghg-plan.csv', import.meta.url), 'utf8');
  const cells = [...csv.matchAll(/^\d+,[^,]*,("(?:[^"]|"")*"|[^,\r\n]*),("(?:[^"]|"")*"|[^\r\n]*)/gm)].map((m) =>
    [m[1], m[2]].map((c) => c.replace(/^"|"$/g, '').replace(/""/g, '"')),
  );
  return Array.from({ length: N }, (_, i) => {
    const [comment, response] = cells[(i * 7) % cells.length];
    return [String(i + 1), i % 40 === 0 ? `第${i / 40 + 1}章` : '', `${comment}（${i + 1}）`, response];
  });
}

/** The reader alone, then the whole stage (reader + ids + response groups + accounting check). */
async function time(label: string, reader: FormatReader, bytes: Uint8Array, file: string, expected: number): Promise<void> {
  const r0 = performance.now();
  await reader(bytes, { file, slug: 'bench' });
  const readerS = (performance.now() - r0) / 1000;
  const t0 = performance.now();
  const { items, report } = await parseBytes(bytes, file);
  const s = (performance.now() - t0) / 1000;
  if (items.length !== expected) throw new Error(`${label}: expected ${expected} items, got ${items.length}`);
  console.log(
    `parse ${label}: ${items.length} items, ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${report.accounts.length} accounts in ` +
      `${s.toFixed(2)} s (${Math.round(items.length / s)} items/s; reader alone ${readerS.toFixed(2)} s), ` +
      `RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB after`,
  );
}

export async function bench(): Promise<void> {
  const table = rows();
  const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  const csv = ['番号,該当箇所,意見の概要,意見に対する考え方', ...table.map((r) => r.map(quote).join(','))].join('\r\n');
  await time('csv', readCsv, Buffer.from('\ufeff' + csv), 'synthetic-20k.csv', N);

  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('意見');
  ws.addRow(['番号', '該当箇所', '意見の概要', '意見に対する考え方']);
  for (const r of table) ws.addRow(r);
  await time('xlsx', readXlsx, new Uint8Array(await wb.xlsx.writeBuffer()), 'synthetic-20k.xlsx', N);

  const pages = readFileSync(new URL('../data/fixtures/pdf-text/school-plan.txt', import.meta.url), 'utf8').split('\f').filter((p) => p.trim());
  let next = 1;
  const out: string[] = [];
  for (let p = 0; p < 1000; p++) {
    // Renumber items so the numbering stays a sequence across the repeated pages.
    out.push(pages[p % pages.length].replace(/^(  )(\d)(?=\s)/gm, (_m, sp) => `${sp}${next++}`).replace(/- \d+ -/, `- ${p + 1} -`));
  }
  await time('pdf-text', readPdfText, Buffer.from(out.join('\f')), 'synthetic-1000-pages.txt', next - 1);
}
