// Parse throughput on a large text table: the seed's rows resampled and renumbered to 20,000 items, with the
// seed's blank lines, repeated headers and section headings every few rows.
import { readFileSync } from 'node:fs';
import { parseBytes } from '../pipeline/parse/index.ts';

export async function bench(): Promise<void> {
  const seed = readFileSync(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url), 'utf8').split('\n');
  const rows = seed.filter((l) => /^\d+\t/.test(l)).map((l) => l.replace(/^\d+\t/, ''));
  const out = ['結果一覧', '', '意見の概要\t\t意見に対する考え方'];
  const n = 20000;
  for (let i = 0; i < n; i++) {
    if (i % 500 === 0) out.push('', '意見の概要\t\t意見に対する考え方', `第${i / 500 + 1}部に係る意見\t\t`);
    else if (i % 7 === 0) out.push('');
    out.push(`${i + 1}\t${rows[(i * 7919) % rows.length]}`);
  }
  const bytes = Buffer.from(out.join('\n'));
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const { items, report } = await parseBytes(bytes, 'synthetic-20k.txt');
  const ms = performance.now() - t0;
  const rss = (process.memoryUsage().rss - before) / 2 ** 20;
  if (items.length !== n) throw new Error(`expected ${n} items, got ${items.length}`);
  console.log(
    `parse text: ${n} items, ${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${report.accounts.length} lines in ${(ms / 1000).toFixed(2)} s ` +
      `(${Math.round(n / (ms / 1000))} items/s, ${((bytes.length / 2 ** 20) / (ms / 1000)).toFixed(1)} MiB/s), RSS +${rss.toFixed(0)} MiB`,
  );
}
