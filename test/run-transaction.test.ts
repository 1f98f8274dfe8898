// A run folder is replaced whole or not at all: what --out may be, what a rerun removes, and what a kill or a
// full disk at any moment leaves behind (issue 10). The library cases need no kuromoji; the kills spawn the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import { sha256 } from '../pipeline/core/hash.ts';
import { beginRun, previousPath } from '../pipeline/run/transaction.ts';
import { stubManifest } from './helpers/stub-manifest.ts';
import { pubcomIn } from './helpers/cli.ts';

const TMP = resolve('test/.tmp/run-transaction');

/** A run folder as the transaction writes it: the files, then a manifest with their hashes. */
function fakeRun(out: string, files: Record<string, string>): void {
  const tx = beginRun(out);
  for (const [rel, content] of Object.entries(files)) tx.write(rel, content);
  const hashes = Object.fromEntries(Object.entries(files).map(([rel, c]) => [rel, sha256(c)]));
  tx.write('manifest.json', JSON.stringify(stubManifest(hashes)));
  tx.commit();
}

function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${e}` : e;
      if (lstatSync(join(dir, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out;
}

function expectInputError(fn: () => unknown, ...parts: string[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  for (const p of parts) expect((error as Error).message).toContain(p);
}

let n = 0;
const fresh = () => join(TMP, `case-${++n}`, 'out');

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
});

afterEach(() => {
  delete process.env.PUBCOM_FAULT;
});

describe('run transaction (library)', () => {
  it('writes a new folder whole and leaves no temporary sibling', () => {
    const out = fresh();
    fakeRun(out, { 'items.csv': 'a', 'tables/x.csv': 'b' });
    expect(listing(out)).toEqual(['items.csv', 'manifest.json', 'tables/x.csv']);
    expect(readdirSync(dirname(out))).toEqual(['out']);
  });

  it('replaces an earlier run whole: files it no longer writes are gone', () => {
    const out = fresh();
    fakeRun(out, { 'items.csv': 'old', 'tables/agreement.csv': 'old' });
    fakeRun(out, { 'items.csv': 'new' });
    expect(listing(out)).toEqual(['items.csv', 'manifest.json']);
    expect(readFileSync(join(out, 'items.csv'), 'utf8')).toBe('new');
    expect(readdirSync(dirname(out))).toEqual(['out']);
  });

  it('accepts an empty folder and takes the stray .<file>.<pid>.tmp files of older versions for its own', () => {
    const out = fresh();
    mkdirSync(out, { recursive: true });
    fakeRun(out, { 'items.csv': 'a' });
    writeFileSync(join(out, '.report.html.4242.tmp'), 'half');
    fakeRun(out, { 'items.csv': 'b' });
    expect(listing(out)).toEqual(['items.csv', 'manifest.json']);
  });

  it('stops naming the files in the way, and touches nothing', () => {
    const out = fresh();
    fakeRun(out, { 'items.csv': 'a' });
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'items.csv'), 'edited by hand'); // a run file whose bytes changed is the user's now
    expectInputError(() => beginRun(out), out, 'notes.txt', 'items.csv', '--force');
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(dirname(out))).toEqual(['out']);
  });

  it('trusts a manifest only for plain files inside the folder whose hash matches', () => {
    const out = fresh();
    const outside = join(dirname(out), 'outside.txt');
    mkdirSync(out, { recursive: true });
    writeFileSync(outside, 'precious');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    symlinkSync(outside, join(out, 'link.txt'));
    writeFileSync(
      join(out, 'manifest.json'),
      JSON.stringify(stubManifest({ 'notes.txt': 'forged', 'link.txt': sha256('precious'), '../outside.txt': sha256('precious') })),
    );
    expectInputError(() => beginRun(out), 'notes.txt', 'link.txt');
    // --force keeps them beside the new run; the file behind the link is never touched.
    const tx = beginRun(out, { force: true });
    tx.write('items.csv', 'new');
    tx.commit();
    expect(listing(out)).toEqual(['items.csv', 'link.txt', 'notes.txt']);
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('with --force replaces a user file that has the name of an output', () => {
    const out = fresh();
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.html'), 'mine');
    const tx = beginRun(out, { force: true });
    tx.write('report.html', 'new');
    tx.commit();
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe('new');
  });

  it('never takes the input file inside --out, force or not', () => {
    const out = fresh();
    fakeRun(out, { 'report.html': 'a' });
    expectInputError(() => beginRun(out, { input: join(out, 'report.html'), force: true }), 'report.html', 'inside the output folder');
    expectInputError(() => beginRun(join(out, 'report.html')), 'exists and is not a folder');
  });

  it('abort leaves the folder as it was', () => {
    const out = fresh();
    fakeRun(out, { 'items.csv': 'old' });
    const tx = beginRun(out);
    tx.write('items.csv', 'new');
    tx.abort();
    expect(readFileSync(join(out, 'items.csv'), 'utf8')).toBe('old');
    expect(readdirSync(dirname(out))).toEqual(['out']);
  });

  it('a full disk while writing is an InputError and leaves the previous run', () => {
    const out = fresh();
    fakeRun(out, { 'items.csv': 'old', 'report.html': 'old' });
    process.env.PUBCOM_FAULT = 'enospc@write:report.html';
    const tx = beginRun(out);
    tx.write('items.csv', 'new');
    expectInputError(() => tx.write('report.html', 'new'), out, 'no space left', 'ENOSPC');
    tx.abort();
    expect(readFileSync(join(out, 'items.csv'), 'utf8')).toBe('old');
    expect(readdirSync(dirname(out))).toEqual(['out']);
  });

  it('an --out that cannot be created is an InputError before any computing', () => {
    expectInputError(() => beginRun('/sys/kernel/pubcom-test/out'), '/sys/kernel/pubcom-test/out', 'cannot create');
  });

  it('recovers what killed runs left: stray temporary folders, a half-finished swap, an undeleted previous run', () => {
    const out = fresh();
    fakeRun(out, { 'items.csv': 'old' });
    const parent = dirname(out);
    // killed while writing (pid 2^22 + 1 is above Linux's pid_max, so never alive)
    mkdirSync(join(parent, `.out.pubcom-${2 ** 22 + 1}.tmp/tables`), { recursive: true });
    writeFileSync(join(parent, `.out.pubcom-${2 ** 22 + 1}.tmp/tables/x.csv`), 'half');
    mkdirSync(join(parent, '.out.pubcom-old.tmp'));
    beginRun(out).abort();
    expect(readdirSync(parent)).toEqual(['out']);
    // killed between the two renames: only <out>.previous exists, and it comes back
    renameSync(out, previousPath(out));
    beginRun(out).abort();
    expect(readdirSync(parent)).toEqual(['out']);
    expect(readFileSync(join(out, 'items.csv'), 'utf8')).toBe('old');
    // killed after the swap: both exist, the previous run goes
    mkdirSync(previousPath(out));
    beginRun(out).abort();
    expect(readdirSync(parent)).toEqual(['out']);
    // a folder of the user's that happens to be named <out>.previous is never touched
    mkdirSync(previousPath(out));
    writeFileSync(join(previousPath(out), 'mine.txt'), 'mine');
    expectInputError(() => beginRun(out), 'out.previous', 'in the way');
    expect(readFileSync(join(previousPath(out), 'mine.txt'), 'utf8')).toBe('mine');
  });
});

// A small real input: the seed's heading and first 25 rows.
const SMALL = join(TMP, 'small.txt');

/** A real process, for the runs that are killed; the others run in this process (helpers/cli.ts). */
function spawnPubcom(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync('node', ['bin/pubcom.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}
const pubcom = (env: Record<string, string>, ...args: string[]) => pubcomIn({ env }, ...args);

/** Every file the manifest lists is there with its hash, and nothing else: a complete run. */
function expectCompleteRun(out: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  expect(listing(out).sort()).toEqual([...Object.keys(manifest.files), 'manifest.json'].sort());
  for (const [rel, hash] of Object.entries(manifest.files)) expect(sha256(readFileSync(join(out, rel))), rel).toBe(hash);
  return manifest.files;
}

describe('run transaction (killed CLI runs)', () => {
  beforeAll(() => {
    const lines = readFileSync('seeds/000_555981824ba784d2.txt', 'utf8').split('\n');
    writeFileSync(SMALL, lines.slice(0, 35).join('\n') + '\n');
  });

  it('a kill at any point of a rerun leaves the complete previous run, and the next run cleans up', async () => {
    const out = join(TMP, 'killed', 'out');
    const first = await pubcom({}, 'run', SMALL, '--out', out, '--quiet', '--no-cache', '--classifiers', 'rules');
    expect(first.code, first.stderr).toBe(0);
    const before = expectCompleteRun(out);
    for (const point of ['stage:themes', 'written:items.csv', 'swap']) {
      const r = spawnPubcom({ PUBCOM_FAULT: `kill@${point}` }, 'run', SMALL, '--out', out, '--quiet', '--no-cache', '--classifiers', 'rules,ensemble');
      expect(r.signal, point).toBe('SIGKILL');
      // The folder (or, killed mid-swap, <out>.previous, which the next run puts back) is the old run, whole.
      const now = existsSync(out) ? out : previousPath(out);
      expect(expectCompleteRun(now), point).toEqual(before);
    }
    const again = await pubcom({}, 'run', SMALL, '--out', out, '--quiet', '--no-cache', '--classifiers', 'rules,ensemble');
    expect(again.code, again.stderr).toBe(0);
    expect(Object.keys(expectCompleteRun(out))).toContain('tables/agreement.csv');
    expect(readdirSync(dirname(out))).toEqual(['out']);
  });

  it('a kill into a new folder leaves nothing that looks like a run', async () => {
    const out = join(TMP, 'killed-new', 'out');
    const r = spawnPubcom({ PUBCOM_FAULT: 'kill@written:report.html' }, 'run', SMALL, '--out', out, '--quiet', '--no-cache', '--classifiers', 'rules');
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const again = await pubcom({}, 'run', SMALL, '--out', out, '--quiet', '--no-cache', '--classifiers', 'rules');
    expect(again.code, again.stderr).toBe(0);
    expectCompleteRun(out);
    expect(readdirSync(dirname(out))).toEqual(['out']);
  });

  it('a full disk or an unwritable --out is exit 2 naming the folder, never a stack trace', async () => {
    const out = join(TMP, 'full', 'out');
    const r = await pubcom({ PUBCOM_FAULT: 'enospc@write:tables.xlsx' }, 'run', SMALL, '--out', out, '--quiet', '--no-cache', '--classifiers', 'rules');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${out}: cannot write tables.xlsx: no space left on the device (ENOSPC)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(dirname(out)) ? readdirSync(dirname(out)) : []).toEqual([]);
    const ro = await pubcom({}, 'run', SMALL, '--out', '/sys/kernel/pubcom-test/out', '--quiet');
    expect(ro.code).toBe(2);
    expect(ro.stderr).toContain('/sys/kernel/pubcom-test/out: cannot create');
  });

  it('refuses to write over its input and over files of no run, exit 2', async () => {
    const out = join(TMP, 'inputs', 'out');
    mkdirSync(out, { recursive: true });
    const input = join(out, 'items.csv');
    writeFileSync(input, readFileSync(SMALL));
    const r = await pubcom({}, 'run', input, '--out', out, '--quiet', '--force');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${input}: is inside the output folder`);
    expect(readFileSync(input, 'utf8')).toBe(readFileSync(SMALL, 'utf8'));
  });
});
