// Issue 14: how `pubcom run` scales with the round. One fresh `node bin/pubcom.js run` per size (cold embedding
// cache), on synthetic rounds resampled from seed sentences: 5,000 and 20,000 distinct comments (100,000 with
// BENCH_SCALE_SIZES=5000,20000,100000) and a 200,000-row mass round, 96% of it copies of 36 campaign texts.
// Prints rows × stages (wall seconds from manifest.json), the command's wall and CPU time and its peak RSS.
// Then the side-by-side ratios the issue asks for where the tools are installed (Debian's mecab, scikit-learn).
//   npm run bench -- scale          BENCH_SCALE_SIZES=5000 BENCH_SCALE_MASS=0 npm run bench -- scale
//   BENCH_SCALE_SIZES=50000,100000 BENCH_SCALE_MASS=0 BENCH_SCALE_RUNS=3 npm run bench -- scale   (the doubling, medians)
// Bar (issue 14, this 2-core machine): 200k mass ≤ 60 s and ≤ 2 GB; 100k distinct ≤ 180 s and ≤ 4 GB; 20k ≤ 30 s.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { medianBy } from './child.ts';
import { runOnce, type Measured } from './run.ts';
import { mecabComparison } from './tokenize.ts';
import { massRows, syntheticRows, toCsv, type SyntheticRow } from './synthetic.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, '.cache', 'bench', 'scale');
// 'codebook' is where the run tokenizes (the term lists follow the chosen codebook), so 'tokenize' alone reads 0.0.
const STAGES = ['parse', 'codebook', 'tokenize', 'embed', 'classify', 'stance', 'themes', 'report'];

interface Case {
  name: string;
  rows: number;
  make: () => Promise<SyntheticRow[]>;
  bar?: { seconds: number; mb: number };
  /** The distinct round this one is an evenly spaced sample of (its input file is named after it). */
  sampleOf?: number;
}

function cases(): Case[] {
  const sizes = (process.env.BENCH_SCALE_SIZES ?? '5000,20000').split(',').map(Number).filter((n) => n > 0);
  const mass = Number(process.env.BENCH_SCALE_MASS ?? 200000);
  const bars: Record<number, { seconds: number; mb: number }> = { 20000: { seconds: 30, mb: 2048 }, 100000: { seconds: 180, mb: 4096 } };
  // Every distinct round is an evenly spaced sample of the largest one (50,000 = every other row of 100,000), so
  // that all sizes have the same texts' distribution: drawn separately, the larger round's later rows are longer
  // (a repeated draw is drawn again with one more sentence, and repeats grow with the round), and the doubling
  // then measured 2 % more characters per row as well as twice the rows.
  const largest = Math.max(0, ...sizes);
  let pool: Promise<SyntheticRow[]> | undefined;
  const round = async (n: number): Promise<SyntheticRow[]> => {
    const all = await (pool ??= syntheticRows({ n: largest, distinct: true }));
    if (n === largest) return all;
    return Array.from({ length: n }, (_, i) => ({ ...all[Math.floor((i * largest) / n)], number: i + 1 }));
  };
  const out: Case[] = sizes.map((n) => ({ name: `${n} distinct`, rows: n, make: () => round(n), bar: bars[n], sampleOf: n === largest ? undefined : largest }));
  if (mass > 0) out.push({ name: `${mass} mass (96% copies of 36)`, rows: mass, make: () => massRows({ n: mass }), bar: mass === 200000 ? { seconds: 60, mb: 2048 } : undefined });
  return out;
}

async function inputFor(c: Case): Promise<string> {
  const kind = c.name.includes('mass') ? 'mass' : c.sampleOf ? `distinct-of-${c.sampleOf}` : 'all-distinct';
  const file = join(WORK, `${c.rows}-${kind}.csv`);
  if (!existsSync(file)) writeFileSync(file, toCsv(await c.make()));
  return file;
}

const sec = (ms: number) => (ms / 1000).toFixed(1);

function table(results: { c: Case; m: Measured }[]): void {
  const head = ['rows', ...STAGES, 'wall s', 'CPU s', 'GC pauses s', 'peak RSS', 'bar'];
  const rows = results.map(({ c, m }) => {
    const ok = c.bar ? (m.wallMs <= c.bar.seconds * 1000 && m.peakMb <= c.bar.mb ? 'met' : 'NOT MET') + ` (≤ ${c.bar.seconds} s, ≤ ${(c.bar.mb / 1024).toFixed(0)} GB)` : '';
    return [c.name, ...STAGES.map((s) => sec(m.stagesMs[s] ?? 0)), sec(m.wallMs), sec(m.cpuMs), sec(m.gcMs), `${(m.peakMb / 1024).toFixed(2)} GB`, ok];
  });
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

function sideBySide(): void {
  console.log(mecabComparison());
  console.log('LSA beside scikit-learn at matched settings: `npm run bench -- lsa-sklearn` (part of `npm run bench`)');
}

export async function bench(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  mkdirSync(join(ROOT, '.cache', 'bench', 'run'), { recursive: true }); // runOnce writes its config there
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (wall times grow with it; CPU times do not)`);
  const results: { c: Case; m: Measured }[] = [];
  // BENCH_SCALE_RUNS=3 runs every case three times, the cases in turn (load drifts on a shared machine), and keeps
  // each case's median run by wall time: one run of a 2-minute case varies by up to a quarter.
  const runs = Math.max(1, Number(process.env.BENCH_SCALE_RUNS ?? 1));
  const all = cases();
  const measured = new Map<Case, Measured[]>(all.map((c) => [c, []]));
  for (let round = 0; round < runs; round++) {
    for (const c of all) {
      const input = await inputFor(c);
      const cache = join(WORK, `cache-${c.rows}`);
      rmSync(cache, { recursive: true, force: true });
      const m = runOnce(input, join(WORK, `out-${c.rows}`), cache);
      rmSync(cache, { recursive: true, force: true });
      rmSync(join(WORK, `out-${c.rows}`), { recursive: true, force: true });
      measured.get(c)!.push(m);
      console.log(`  ${c.name}: ${sec(m.wallMs)} s wall, ${sec(m.cpuMs)} s CPU, ${sec(m.gcMs)} s GC pauses, ${(m.peakMb / 1024).toFixed(2)} GB peak`);
    }
  }
  for (const c of all) results.push({ c, m: medianBy(measured.get(c)!, (m) => m.wallMs) });
  console.log(`\npubcom run (stage columns: wall seconds from manifest.json; ${runs === 1 ? 'one cold run each' : `the median of ${runs} cold runs each, by wall time`})`);
  table(results);
  const at = (n: number) => results.find((r) => r.c.rows === n && !r.c.name.includes('mass'))?.m;
  const [half, whole] = [at(50000), at(100000)];
  if (half && whole) {
    const wall = whole.wallMs / half.wallMs;
    console.log(`doubling 50,000 (every other row of the 100,000) → 100,000 distinct: ${wall.toFixed(2)}× wall, ${(whole.cpuMs / half.cpuMs).toFixed(2)}× CPU (bar ≤ 2×: ${wall <= 2 ? 'met' : 'NOT met'})`);
    // Not a bar: how much of the growth is the collector's (its pauses grow with the live heap as well as the rows).
    const mutator = (whole.wallMs - whole.gcMs) / (half.wallMs - half.gcMs);
    console.log(`  GC pauses ${sec(half.gcMs)} → ${sec(whole.gcMs)} s (${(whole.gcMs / half.gcMs).toFixed(2)}×); wall without them ${mutator.toFixed(2)}×`);
  }
  sideBySide();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bench();
