// Issue 14's fixed costs: `pubcom --help` ≤ 0.3 s and a 10-row run ≤ 1.5 s, each a fresh `node bin/pubcom.js`
// process as a user starts it (precompiled dist/, the dictionary cache filled by an untimed first run). Medians of
// RUNS runs, wall and CPU side by side: on a shared 2-core machine the wall time of a 1 s command moves with the load.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNote, medianBy } from './child.ts';
import { PRELOAD, runOnce } from './run.ts';
import { syntheticRows, toCsv } from './synthetic.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, '.cache', 'bench', 'startup');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 7);

const median = (xs: number[]) => medianBy(xs, (x) => x);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function helpOnce(): { wallMs: number; cpuMs: number } {
  const started = performance.now();
  const r = spawnSync('node', ['--import', PRELOAD, join(ROOT, 'bin/pubcom.js'), '--help'], { cwd: ROOT, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`pubcom --help failed (exit ${r.status}): ${r.stderr}`);
  return { wallMs, cpuMs: Number(/PUBCOM_CPU_US=(\d+)/.exec(r.stderr)?.[1]) / 1000 };
}

function line(name: string, walls: number[], cpus: number[], bar: number): void {
  const wall = median(walls);
  console.log(`  ${name.padEnd(22)} ${s(wall)} wall, ${s(median(cpus))} CPU (median of ${walls.length}; runs ${walls.map((w) => (w / 1000).toFixed(2)).join(', ')}) — bar ≤ ${s(bar)}: ${wall <= bar ? 'met' : 'NOT met'}`);
}

export async function bench(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  mkdirSync(join(ROOT, '.cache', 'bench', 'run'), { recursive: true }); // runOnce writes its config there
  const csv = join(WORK, 'ten.csv');
  writeFileSync(csv, toCsv(await syntheticRows({ n: 10 })));
  const cache = join(WORK, 'cache');
  const out = join(WORK, 'out');
  rmSync(cache, { recursive: true, force: true });
  runOnce(csv, out, cache); // fills the dictionary and embedding caches, as any first run does
  const help = Array.from({ length: RUNS }, helpOnce);
  const ten = Array.from({ length: RUNS }, () => runOnce(csv, out, cache));
  rmSync(out, { recursive: true, force: true });
  console.log(`start-up, fresh processes; ${loadNote()}`);
  line('pubcom --help', help.map((r) => r.wallMs), help.map((r) => r.cpuMs), 300);
  line('pubcom run, 10 rows', ten.map((r) => r.wallMs), ten.map((r) => r.cpuMs), 1500);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bench();
