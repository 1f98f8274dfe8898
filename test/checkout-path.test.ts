// A user's checkout under a path with spaces and Japanese characters, run from another folder, runs every command
// (issue 11: `new URL(...).pathname` broke under such a path, and cwd-relative defaults broke outside the
// checkout). The package is copied there (node_modules linked) and its own bin is spawned, so every models/ file
// is found from the copy's location.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

const base = mkdtempSync(join(tmpdir(), 'pubcom-path-'));
const checkout = join(base, 'my projects', 'パブコメ 分析', 'pubcom-lens');
const work = join(base, '作業 フォルダ');

function pubcom(...args: string[]) {
  const r = spawnSync(process.execPath, [join(checkout, 'bin/pubcom.js'), ...args], { cwd: work, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  mkdirSync(checkout, { recursive: true });
  mkdirSync(work, { recursive: true });
  // Timestamps kept, so the copy's bin uses the copied bundle exactly when the original's would.
  for (const part of ['bin', 'pipeline', 'models', 'dist', 'package.json']) {
    if (existsSync(join(ROOT, part))) cpSync(join(ROOT, part), join(checkout, part), { recursive: true, preserveTimestamps: true });
  }
  rmSync(join(checkout, 'models/embedders'), { recursive: true, force: true });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  // The seed's first 35 lines: small, and still every stage's input.
  writeFileSync(join(work, 'kekka.txt'), readFileSync(join(ROOT, 'seeds/000_555981824ba784d2.txt'), 'utf8').split('\n').slice(0, 35).join('\n') + '\n');
  for (const f of ['gold.jsonl', 'items.jsonl', 'labels.rules.jsonl', 'coder-ja.csv']) cpSync(join(ROOT, 'data/fixtures/eval', f), join(work, f));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('a checkout under "my projects/パブコメ 分析/", run from another folder', () => {
  it('runs the whole pipeline with the shipped models (rules, the trained ensemble, the codebook choice)', () => {
    const r = pubcom('run', 'kekka.txt', '--out', 'reports/run', '--classifiers', 'rules,ensemble', '--no-cache');
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(work, 'reports/run/manifest.json'), 'utf8'));
    expect(manifest.counts.items).toBeGreaterThan(20);
    expect(existsSync(join(work, 'reports/run/report.html'))).toBe(true);
    const diff = pubcom('diff-runs', 'reports/run', 'reports/run', '--out', 'diff.md');
    expect(diff.code, diff.stderr).toBe(0);
  });

  it('runs each stage command on its own', () => {
    const steps: string[][] = [
      ['parse', 'kekka.txt', '--out', 'kekka.jsonl', '--quiet'],
      ['tokenize', 'kekka.jsonl', '--out', 'tokens.jsonl', '--quiet'],
      ['embed', 'kekka.jsonl', '--out', 'vectors.jsonl', '--no-cache', '--quiet'],
      ['classify', 'kekka.jsonl', '--classifier', 'ensemble', '--out', 'labels.jsonl', '--quiet'],
      ['stance', 'kekka.jsonl', '--out', 'stance.jsonl', '--quiet'],
      ['themes', 'kekka.jsonl', '--out', 'themes.jsonl', '--no-cache', '--quiet'],
      ['eval', 'labels.rules.jsonl', '--gold', 'gold.jsonl', '--items', 'items.jsonl', '--out', 'eval.md'],
      ['compare', 'labels.rules.jsonl', 'coder-ja.csv', '--items', 'items.jsonl', '--out', 'compare.md'],
      ['train', '--gold', 'gold.jsonl', '--items', 'items.jsonl', '--embedder', 'none', '--out', 'model.json'],
      ['config', '--print'],
    ];
    for (const args of steps) {
      const r = pubcom(...args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
    }
    const lines = (f: string) => readFileSync(join(work, f), 'utf8').trim().split('\n').length;
    for (const out of ['tokens.jsonl', 'vectors.jsonl', 'labels.jsonl', 'stance.jsonl', 'themes.jsonl']) expect(lines(out), out).toBe(lines('kekka.jsonl'));
  });
});
