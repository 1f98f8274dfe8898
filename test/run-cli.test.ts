// The run, config and diff-runs commands as a user meets them: flags, config files, errors (exit 2, nothing
// written), progress lines, and a rerun into a folder that holds an older run's files.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_DOCS, configPath, defaultConfig, loadConfig, RunConfig } from '../pipeline/run/config.ts';
import { applyFlags } from '../pipeline/run/flags.ts';
import { stubManifest } from './helpers/stub-manifest.ts';
import { pubcom } from './helpers/cli.ts';

const SEED = 'seeds/000_555981824ba784d2.txt';
const TMP = resolve('test/.tmp/run-cli');


function leafKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  // Objects that are settings in their own right (a column map) stop the descent at their own key.
  return entries.flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
});

describe('pubcom config', () => {
  it('prints the defaults as a valid config, and documents every setting', async () => {
    const r = await pubcom('config', '--print');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(RunConfig.safeParse(printed).success).toBe(true);
    expect(printed).toEqual(JSON.parse(JSON.stringify(defaultConfig())));
    const documented = CONFIG_DOCS.map(([k]) => k);
    for (const key of leafKeys(printed)) expect(documented, key).toContain(key);
    const explained = (await pubcom('config', '--explain')).stdout;
    for (const key of documented) expect(explained).toContain(key);
  });

  it('rejects a bad config file naming the file and the setting, with exit code 2', async () => {
    const bad = join(TMP, 'bad.json');
    writeFileSync(bad, JSON.stringify({ clusters: { k: 1 } }));
    const r = await pubcom('config', '--check', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: clusters.k`);
    writeFileSync(bad, JSON.stringify({ embeder: 'lsa' }));
    expect((await pubcom('config', '--check', bad)).stderr).toMatch(/embeder/);
  });

  it('resolves a codebook path against the config file, and lets flags override the file', async () => {
    const dir = join(TMP, 'cfg');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'pubcom.config.json');
    writeFileSync(file, JSON.stringify({ codebook: 'my-codebook.json', embedder: 'lsa:dim=32', clusters: { k: 4 } }));
    const loaded = loadConfig(file);
    expect(configPath(loaded.codebook!)).toBe(join(dir, 'my-codebook.json'));
    expect(loaded.embedder).toBe('lsa:dim=32');
    const flagged = applyFlags(loaded, { out: 'x', cache: false, k: '6', format: 'csv', map: 'number=番号,comment=意見' });
    expect(flagged.clusters.k).toBe(6);
    expect(flagged.cache.enabled).toBe(false);
    expect(flagged.parse).toMatchObject({ format: 'csv', map: { number: '番号', comment: '意見' } });
    expect(flagged.embedder).toBe('lsa:dim=32');
  });
});

describe('pubcom run from the command line', () => {
  it('fails with exit code 2 and writes nothing on bad input or flags', async () => {
    const out = join(TMP, 'never');
    const missing = await pubcom('run', join(TMP, 'missing.txt'), '--out', out);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.txt');
    const junk = join(TMP, 'junk.txt');
    writeFileSync(junk, 'これは結果の表ではありません。\n');
    expect((await pubcom('run', junk, '--out', out)).code).toBe(2);
    const badClassifier = await pubcom('run', SEED, '--out', out, '--classifiers', 'rules,magic');
    expect(badClassifier.code).toBe(2);
    expect(badClassifier.stderr).toContain('classifiers');
    expect((await pubcom('run', SEED, '--out', out, '--classifiers', 'rules,ensemble', '--model', join(TMP, 'no-model.json'))).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('prints a line per stage and a summary, and refuses a folder holding files of no earlier run', async () => {
    const out = join(TMP, 'seed');
    mkdirSync(join(out, 'tables'), { recursive: true });
    // A forged manifest lists the researcher's notes: the hash does not match, so they are not taken for a run's.
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(stubManifest({ 'notes.txt': 'y' })));
    const refused = await pubcom('run', SEED, '--out', out, '--no-cache', '--classifiers', 'rules');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${out}: holds files that are not from a pubcom run`);
    expect(refused.stderr).toContain('notes.txt');
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    rmSync(join(out, 'notes.txt'));
    const r = await pubcom('run', SEED, '--out', out, '--no-cache', '--classifiers', 'rules');
    expect(r.code, r.stderr).toBe(0);
    const stages = r.stderr.split('\n').filter((l) => /^\[\d\/8\]/.test(l)).map((l) => l.split(/\s+/)[1]);
    expect(stages).toEqual(['parse', 'codebook', 'tokenize', 'embed', 'classify', 'stance', 'themes', 'report']);
    expect(r.stderr).toMatch(/codebook: codebook cybersecurity chosen \(auto\): cybersecurity: rules hit 126 of 131 comments/);
    expect(r.stderr).toMatch(/pubcom run: 131 items/);
    expect(r.stderr).toContain(`${out}/report.html`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.config.cache.enabled).toBe(false);
    expect(manifest.input.file).toBe('000_555981824ba784d2.txt');
  });
});

