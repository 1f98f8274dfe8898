// `pubcom run` end to end, as a user runs it (a fresh `node bin/pubcom.js run` process each time): wall time
// and peak memory of the whole command, and each stage's time and the process's peak memory when it ended
// (from manifest.json). Cold runs start from an empty embedding cache, warm runs reuse the cache a cold run
// filled. Medians over several runs.
// Targets (issue 6, 2-core machine): seed ≤ 5 s end to end with the default embedder; 20,000 comments ≤ 60 s
// and ≤ 2 GB.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Manifest } from '../pipeline/run/manifest.ts';
import { SEED_FILE, syntheticRows, toCsv } from './synthetic.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, '.cache', 'bench', 'run');
// Printed by the child at exit: peak resident memory of the whole command, the only way to see it from outside;
// `more` adds fields (a JS expression appended to the line).
const exitReport = (more = '') =>
  `process.on('exit',()=>{const u=process.resourceUsage();` +
  `process.stderr.write('\\nPUBCOM_MAXRSS_KB='+u.maxRSS+' PUBCOM_CPU_US='+(u.userCPUTime+u.systemCPUTime)${more}+'\\n')})`;
export const PRELOAD = `data:text/javascript,${exitReport()}`;
// Also the main thread's garbage-collection pauses, summed: at 100,000 rows they are a sixth of the wall time and
// grow faster than the rows, so the scale bench shows them beside the stages.
const PRELOAD_GC =
  `data:text/javascript,import{PerformanceObserver as P}from'node:perf_hooks';let g=0;` +
  `new P((l)=>{for(const e of l.getEntries())g+=e.duration}).observe({entryTypes:['gc']});` +
  exitReport(`+' PUBCOM_GC_MS='+Math.round(g)`);

export interface Measured {
  wallMs: number;
  /** CPU time of the command (user + system): the work done, whatever else shares the two cores. */
  cpuMs: number;
  peakMb: number;
  /** Garbage-collection pauses of the main thread (PerformanceObserver 'gc' entries), summed. */
  gcMs: number;
  stagesMs: Record<string, number>;
  stagesRssMb: Record<string, number>;
}

export function runOnce(input: string, out: string, cacheDir: string): Measured {
  const config = join(WORK, `config-${cacheDir.split('/').pop()}.json`);
  writeFileSync(config, JSON.stringify({ cache: { enabled: true, dir: cacheDir } }));
  rmSync(out, { recursive: true, force: true });
  const started = performance.now();
  const r = spawnSync('node', ['--import', PRELOAD_GC, join(ROOT, 'bin/pubcom.js'), 'run', input, '--out', out, '--config', config, '--quiet'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`pubcom run ${input} failed (exit ${r.status}):\n${r.stderr}`);
  const kb = Number(/PUBCOM_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1]);
  const cpuUs = Number(/PUBCOM_CPU_US=(\d+)/.exec(r.stderr)?.[1]);
  const gcMs = Number(/PUBCOM_GC_MS=(\d+)/.exec(r.stderr)?.[1]);
  const manifest = Manifest.parse(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
  return { wallMs, cpuMs: cpuUs / 1000, peakMb: kb / 1024, gcMs, stagesMs: manifest.timings_ms, stagesRssMb: manifest.peak_rss_mb };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function measure(input: string, name: string, runs: number): { cold: Measured[]; warm: Measured[] } {
  const cold: Measured[] = [];
  const warm: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    const cache = join(WORK, `cache-${name}-${i}`);
    rmSync(cache, { recursive: true, force: true });
    cold.push(runOnce(input, join(WORK, `${name}-cold`), cache));
    warm.push(runOnce(input, join(WORK, `${name}-warm`), cache));
    rmSync(cache, { recursive: true, force: true });
  }
  return { cold, warm };
}

function print(title: string, m: { cold: Measured[]; warm: Measured[] }, target: { seconds: number; mb?: number }): void {
  const n = m.cold.length;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const col = (xs: Measured[], f: (x: Measured) => number, fmt: (v: number) => string) => fmt(median(xs.map(f))).padStart(12);
  console.log(`\n${title} — median of ${n} runs each; cold = empty embedding cache, warm = rerun on the cache`);
  console.log(`${''.padEnd(28)}${'cold'.padStart(12)}${'warm'.padStart(12)}${'cold RSS at end'.padStart(18)}`);
  const stages = Object.keys(m.cold[0].stagesMs).filter((k) => k !== 'total');
  for (const st of stages) {
    console.log(
      `  ${st.padEnd(26)}${col(m.cold, (x) => x.stagesMs[st], s)}${col(m.warm, (x) => x.stagesMs[st], s)}` +
        `${col(m.cold, (x) => x.stagesRssMb[st], (v) => `${v.toFixed(0)} MB`).padStart(18)}`,
    );
  }
  console.log(`  ${'stages total (in process)'.padEnd(26)}${col(m.cold, (x) => x.stagesMs.total, s)}${col(m.warm, (x) => x.stagesMs.total, s)}`);
  const wallCold = median(m.cold.map((x) => x.wallMs));
  const wallWarm = median(m.warm.map((x) => x.wallMs));
  const peak = Math.max(...m.cold.map((x) => x.peakMb), ...m.warm.map((x) => x.peakMb));
  console.log(`  ${'pubcom run, wall'.padEnd(26)}${s(wallCold).padStart(12)}${s(wallWarm).padStart(12)}`);
  console.log(`  ${'pubcom run, CPU'.padEnd(26)}${col(m.cold, (x) => x.cpuMs, s)}${col(m.warm, (x) => x.cpuMs, s)}`);
  console.log(`  ${'pubcom run, peak RSS'.padEnd(26)}${`${median(m.cold.map((x) => x.peakMb)).toFixed(0)} MB`.padStart(12)}${`${median(m.warm.map((x) => x.peakMb)).toFixed(0)} MB`.padStart(12)}`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log(
    `  target: ≤ ${target.seconds} s` +
      (target.mb ? ` and ≤ ${target.mb} MB` : '') +
      ` → cold ${verdict(wallCold <= target.seconds * 1000 && (!target.mb || peak <= target.mb))}, warm ${verdict(wallWarm <= target.seconds * 1000)}` +
      (target.mb ? ` (highest peak ${peak.toFixed(0)} MB)` : ''),
  );
}

export async function bench(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (wall times grow with it; CPU times do not)`);
  const seedRuns = Number(process.env.BENCH_RUN_SEED_RUNS ?? 5);
  const bigRuns = Number(process.env.BENCH_RUN_20K_RUNS ?? 3);
  const n = Number(process.env.BENCH_RUN_N ?? 20000);

  print(`pubcom run on the seed (131 comments), default config`, measure(SEED_FILE, 'seed', seedRuns), { seconds: 5 });

  const csv = join(WORK, `synthetic-${n}.csv`);
  if (!existsSync(csv)) writeFileSync(csv, toCsv(await syntheticRows({ n })));
  print(`pubcom run on a synthetic round of ${n} comments (CSV resampled from seed sentences)`, measure(csv, `synthetic${n}`, bigRuns), {
    seconds: 60,
    mb: 2048,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bench();
