// The real executable, spawned: the other CLI tests run the commands in-process (helpers/cli.ts), so these check
// what only a process shows, the exit codes bin/pubcom.js gives the shell and what reaches its stdout and stderr.
// Each case stops before kuromoji loads, so the spawns stay cheap.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VERSION } from '../pipeline/core/version.ts';
import { ROOT } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pubcom-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bin(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/pubcom.js'), ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/pubcom.js', () => {
  it('exits 0 with the version and the help on stdout', () => {
    expect(bin('--version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const help = bin('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pubcom');
  });

  it('exits 2 on a missing input and on a bad parse flag, with one line naming the problem', () => {
    const missing = bin('parse', join(dir, 'nope.txt'), '--out', join(dir, 'out.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^pubcom: error: .*nope\.txt/);
    expect(existsSync(join(dir, 'out.jsonl'))).toBe(false);
    const flag = bin('parse', join(dir, 'nope.txt'), '--out', join(dir, 'out.jsonl'), '--no-such-flag');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('exits 3 under --strict when the parse has a note, writing nothing', () => {
    const input = join(dir, 'noted.csv');
    writeFileSync(input, '番号,意見の概要,市の考え方\n1,意見です。,回答です。\n参考,別の意見です。,別の回答です。\n');
    const r = bin('parse', input, '--out', join(dir, 'strict.jsonl'), '--strict');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('number cell "参考" is not a number');
    expect(existsSync(join(dir, 'strict.jsonl'))).toBe(false);
  });
});
