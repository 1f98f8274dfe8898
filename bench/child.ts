// Runs a bench measurement in a fresh Node process, so dictionary load times and peak memory are those of a
// cold process rather than of whatever earlier benches left in this one.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export const CHILD_FLAG = '--bench-child';

/** Runs `file` with tsx and CHILD_FLAG plus `args`; the child prints one JSON object as its last stdout line. */
export function runChild<T>(file: string, args: string[] = []): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(file), CHILD_FLAG, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = out.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

export function isChild(): boolean {
  return process.argv.includes(CHILD_FLAG);
}

export function childArgs(): string[] {
  return process.argv.slice(process.argv.indexOf(CHILD_FLAG) + 1);
}

/** Wall and CPU seconds of `fn` (CPU shows the work done even when other processes share the two cores). */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export const fmt = (x: number, digits = 2) => x.toFixed(digits);

/** The run with the median value (the lower middle one for an even count). */
export function medianBy<T>(runs: readonly T[], value: (r: T) => number): T {
  return [...runs].sort((a, b) => value(a) - value(b))[Math.floor((runs.length - 1) / 2)];
}

/** The 1-minute load average: on this shared 2-core machine, wall times are only comparable with it beside them. */
export function loadNote(): string {
  return `1-min load average ${loadavg()[0].toFixed(1)}`;
}
