// `pubcom diff-runs`: the same document under two configs (a codebook cut to four themes, fewer clusters), and
// two different rounds (the seed against a synthetic round resampled from it).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticRows, toCsv } from '../bench/synthetic.ts';
import { defaultConfig, type ResolvedConfig } from '../pipeline/run/config.ts';
import { diffRuns, readRunFolder, type RunFolder } from '../pipeline/run/diff.ts';
import { runPipeline } from '../pipeline/run/index.ts';
import { primaryLabel } from '../pipeline/report/tables.ts';
import { pubcom } from './helpers/cli.ts';

const SEED = 'seeds/000_555981824ba784d2.txt';
const TMP = resolve('test/.tmp/run-diff');
const KEPT_THEMES = ['acd_privacy', 'sme', 'pqc', 'talent'];

let base: RunFolder;
let narrow: RunFolder;
let round2: RunFolder;

/** Markdown table rows as cells, from the first table after `heading`. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.slice(md.indexOf(heading)).split('\n');
  const start = lines.findIndex((l) => l.startsWith('| '));
  const stop = lines.findIndex((l, i) => i > start && !l.startsWith('| '));
  return lines.slice(start + 2, stop).map((l) => l.slice(2, -2).split(' | '));
}

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const config: ResolvedConfig = { ...defaultConfig(), classifiers: ['rules'], model: null, cache: { enabled: true, dir: join(TMP, 'cache') } };
  const codebook = JSON.parse(readFileSync('models/themes/cybersecurity.json', 'utf8'));
  codebook.themes = codebook.themes.filter((t: { id: string }) => KEPT_THEMES.includes(t.id));
  const narrowCodebook = join(TMP, 'four-themes.json');
  writeFileSync(narrowCodebook, JSON.stringify(codebook, null, 2));
  const synthetic = join(TMP, 'round2.csv');
  writeFileSync(synthetic, toCsv(await syntheticRows({ n: 300, seed: 7 })));

  await runPipeline({ input: SEED, out: join(TMP, 'base'), config, quiet: true });
  await runPipeline({ input: SEED, out: join(TMP, 'narrow'), config: { ...config, codebook: narrowCodebook, clusters: { k: 5 } }, quiet: true });
  await runPipeline({ input: synthetic, out: join(TMP, 'round2'), config, quiet: true });
  [base, narrow, round2] = ['base', 'narrow', 'round2'].map((d) => readRunFolder(join(TMP, d)));
});

describe('pubcom diff-runs', () => {
  it('on the same document, lists the config change and exactly the items whose themes changed', () => {
    const md = diffRuns(base, narrow);
    expect(md).toMatch(/^# Run comparison: same document/);
    expect(md).toContain('`clusters.k: null → 5`');
    expect(md).toContain('codebook');
    const themesOf = (r: RunFolder) => new Map(r.items.map((it) => [it.id, it.themes.map((t) => t.theme).sort().join()]));
    const [a, b] = [themesOf(base), themesOf(narrow)];
    const changed = [...a].filter(([id, t]) => b.get(id) !== t).map(([id]) => id);
    expect(changed.length).toBeGreaterThan(20);
    expect(md).toContain(`- themes changed: ${changed.length}`);
    const rows = tableAfter(md, '## Items whose themes changed');
    expect(rows).toHaveLength(changed.length);
    // Every theme left in B is one of the four kept.
    for (const r of rows) for (const t of r[3].split(', ').filter(Boolean)) expect(KEPT_THEMES).toContain(t);
    // Same classifier, same rules: no label changed.
    expect(md).toContain('primary label changed (rules → rules): 0');
  });

  it('on different rounds, puts dispositions and themes side by side with shares and differences', () => {
    const md = diffRuns(base, round2);
    expect(md).toMatch(/^# Run comparison: two rounds/);
    const rows = tableAfter(md, '## Dispositions');
    const count = (r: RunFolder, d: string) => r.items.filter((it) => primaryLabel(it) === d).length;
    for (const row of rows.filter((r) => r[0] !== 'total')) {
      const [d, , ca, pa, cb, pb, diff] = row;
      expect(Number(ca)).toBe(count(base, d));
      expect(Number(cb)).toBe(count(round2, d));
      expect(Number(pa)).toBeCloseTo((100 * count(base, d)) / base.items.length, 1);
      expect(Number(diff)).toBeCloseTo(Number(pb) - Number(pa), 1);
    }
    expect(rows.find((r) => r[0] === 'total')!.slice(2, 5)).toEqual(['131', '100.0', '300']);
    const themeRows = tableAfter(md, '## Themes');
    expect(themeRows.map((r) => r[0])).toEqual(base.info.themes.map((t) => t.id));
  });

  it('runs from the command line and writes the Markdown to --out', async () => {
    const out = join(TMP, 'diff.md');
    expect((await pubcom('diff-runs', join(TMP, 'base'), join(TMP, 'narrow'), '--out', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(diffRuns(base, narrow));
  });
});
