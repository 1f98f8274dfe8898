// Runs `pubcom <args>` inside the test's own process (pipeline/main.ts) with stdout, stderr and the exit code
// captured, so a test file loads kuromoji and the models once instead of once per spawned CLI (issue 11: the spawns
// dominated `npm test`). The few tests that need a real process (kills, the bin itself) still spawn.
import { fileURLToPath } from 'node:url';
import { main } from '../../pipeline/main.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Like spawning `node bin/pubcom.js …args` from `cwd` (default: the repository) with `env` added. */
export async function pubcomIn(opts: { cwd?: string; env?: Record<string, string> }, ...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  const cwd = process.cwd();
  const saved = Object.entries(opts.env ?? {}).map(([k]) => [k, process.env[k]] as const);
  const capture = (append: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  Object.assign(process.env, opts.env ?? {});
  process.chdir(opts.cwd ?? ROOT);
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.chdir(cwd);
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** `pubcom <args>` from the repository folder. */
export const pubcom = (...args: string[]): Promise<CliResult> => pubcomIn({}, ...args);
