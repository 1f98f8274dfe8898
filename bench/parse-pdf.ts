// Parsing a result table printed to PDF (issue 12's bar: 100 pages in ≤ 20 s and ≤ 1 GB): the seed's items
// repeated and renumbered into a ruled 3-column table of 100+ A4 pages, printed by headless Chromium (as CI
// installs it), then parsed in a fresh process so the wall time and peak RSS are the parse's own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBytes, parseDocument } from '../pipeline/parse/index.ts';
import { openPrinter } from '../test/helpers/chromium-pdf.ts';
import { furniture, resultTableHtml, type ResultRow } from '../test/helpers/result-html.ts';
import { SEED_PATH } from '../test/helpers/seed-cells.ts';
import { childArgs, fmt, isChild, loadNote, peakRssMb, runChild, timed } from './child.ts';

interface Figures {
  pages: number;
  items: number;
  wall: number;
  cpu: number;
  rssMb: number;
}

async function child(file: string): Promise<Figures> {
  const bytes = new Uint8Array(readFileSync(file));
  const { value, wall, cpu } = await timed(() => parseBytes(bytes, 'bench-100pages.pdf'));
  const pages = new Set(value.report.accounts.map((a) => a.page)).size;
  return { pages, items: value.items.length, wall, cpu, rssMb: peakRssMb() };
}

async function makePdf(copies: number): Promise<{ pdf: Uint8Array; items: number }> {
  const seed = (await parseDocument(SEED_PATH)).items;
  const rows: ResultRow[] = [];
  let n = 0;
  for (let c = 0; c < copies; c++) {
    rows.push({ heading: `第${c + 1}部 サイバーセキュリティ戦略に係る意見` });
    for (const it of seed) rows.push({ number: String(++n), cells: [it.comment, it.response] });
  }
  const title = 'サイバーセキュリティ戦略（案）に関する意見募集の結果';
  const printer = await openPrinter();
  try {
    const html = resultTableHtml({ title, columns: ['番号', '意見の概要', '意見に対する考え方'], widths: [1, 5, 5], rows, ruled: true });
    return { pdf: await printer.print(html, furniture(title)), items: n };
  } finally {
    await printer.close();
  }
}

export async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pubcom-bench-pdf-'));
  try {
    const { pdf, items } = await makePdf(6);
    const file = join(dir, 'table.pdf');
    writeFileSync(file, pdf);
    const f = runChild<Figures>(new URL(import.meta.url).href, [file]);
    if (f.items !== items) throw new Error(`expected ${items} items, parsed ${f.items}`);
    console.log(
      `parse pdf (ruled 3-column table printed by Chromium): ${f.pages} pages, ${f.items} items in ${fmt(f.wall)} s ` +
        `(cpu ${fmt(f.cpu)} s; ${fmt(f.wall / (f.pages / 100))} s per 100 pages), peak RSS ${f.rssMb} MiB; bar ≤ 20 s and ≤ 1 GB per 100 pages; ${loadNote()}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isChild()) console.log(JSON.stringify(await child(childArgs()[0])));
