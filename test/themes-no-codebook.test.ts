// A codebook is a choice: `--codebook auto` applies one only to a document it fits, and a document from another
// field gets discovered clusters named in Japanese plus a draft codebook that, passed back, reproduces them.
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../pipeline/parse/index.ts';
import { chooseCodebook } from '../pipeline/themes/fit.ts';
import { checkCodebook } from '../pipeline/themes/codebook.ts';
import { getTokenizer } from '../pipeline/tokenize/index.ts';
import { defaultConfig, loadConfig, type ResolvedConfig } from '../pipeline/run/config.ts';
import { applyFlags } from '../pipeline/run/flags.ts';
import { runPipeline, type RunResult } from '../pipeline/run/index.ts';
import { Manifest } from '../pipeline/run/manifest.ts';

const TMP = resolve('test/.tmp/themes-no-codebook');
const DOCS = {
  transport: 'data/fixtures/themes/city-transport-plan-34.csv',
  school: 'data/fixtures/themes/school-reorganisation-plan-34.csv',
} as const;
const CYBER_THEMES = (checkCodebook(JSON.parse(readFileSync('models/themes/cybersecurity.json', 'utf8')), 'cyber').themes).map((t) => t.id);

let config: ResolvedConfig;
const runs: Record<string, { discovered: RunResult; coded: RunResult; out: string }> = {};

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  config = { ...defaultConfig(), classifiers: ['rules'], model: null, cache: { enabled: false, dir: join(TMP, 'cache') } };
  for (const [name, input] of Object.entries(DOCS)) {
    const out = join(TMP, name);
    const discovered = await runPipeline({ input, out, config, quiet: true });
    const coded = await runPipeline({ input, out: join(TMP, `${name}-coded`), config: { ...config, codebook: join(out, 'codebook.draft.json') }, quiet: true });
    runs[name] = { discovered, coded, out };
  }
}, 120_000);

describe('--codebook auto: the fit test', () => {
  it('chooses the cybersecurity codebook on the seed, with the measured shares', async () => {
    const { items } = await parseDocument('seeds/000_555981824ba784d2.txt');
    const c = await chooseCodebook('auto', items);
    expect(c.codebook?.domain).toBe('cybersecurity');
    expect(c.fits[0]).toMatchObject({ comments: 131, rule_hits: 126, fits: true });
    expect(c.fits[0].vocabulary_share).toBeGreaterThan(0.8);
  });

  it.each([
    ['data/fixtures/text/city-transport-plan.txt'],
    ['data/fixtures/html/transport-plan.html'],
    ['data/fixtures/pdf-text/school-plan.txt'],
    ['data/fixtures/csv/ghg-plan.csv'],
    [DOCS.transport],
    [DOCS.school],
  ])('applies no codebook to %s, and says why', async (file) => {
    const { items } = await parseDocument(file);
    const c = await chooseCodebook('auto', items);
    expect(c.codebook).toBeNull();
    expect(c.fits[0].fits).toBe(false);
    expect(c.reason).toMatch(/^no codebook fits this document \(auto; cybersecurity: rules hit \d+ of \d+ comments/);
  });

  it('applies no codebook to the METI energy plan\'s 355 comments', async () => {
    const items = readFileSync('data/labels/real/meti-ene7th.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l, i) => ({ ...(JSON.parse(l) as { comment: string; response: string }), id: `m${i}` }));
    const c = await chooseCodebook('auto', items as never);
    expect(c.codebook).toBeNull();
    expect(c.fits[0].rule_share).toBeLessThan(c.fits[0].min_rule_share);
  });

  it('accepts {"codebook": null} in a config file (= none), and --codebook none / --format pdf-text as flags', () => {
    mkdirSync(TMP, { recursive: true });
    const file = join(TMP, 'null.config.json');
    writeFileSync(file, JSON.stringify({ codebook: null }));
    expect(loadConfig(file).codebook).toBe('none');
    expect(loadConfig().codebook).toBe('auto');
    const flagged = applyFlags(defaultConfig(), { out: 'x', cache: true, codebook: 'none', format: 'pdf-text' });
    expect(flagged.codebook).toBe('none');
    expect(flagged.parse.format).toBe('pdf-text');
  });

  it('keeps a domain\'s terms whole only for that domain', async () => {
    const cyber = await getTokenizer({ domainTerms: ['cybersecurity'] });
    const none = await getTokenizer({ domainTerms: [] });
    const text = 'アクセス・無害化措置を講じる';
    expect(cyber.tokenize(text).map((t) => t.surface)).toContain('アクセス・無害化措置');
    expect(none.tokenize(text).map((t) => t.surface)).not.toContain('アクセス・無害化措置');
  });
});

describe.each(Object.keys(DOCS))('a %s plan without a codebook', (name) => {
  it('assigns no cybersecurity theme and says so in the summary, run.json and manifest', () => {
    const { discovered, out } = runs[name];
    const themes = discovered.run.items.flatMap((it) => it.themes.map((t) => t.theme));
    expect(themes.filter((t) => CYBER_THEMES.includes(t))).toEqual([]);
    expect(discovered.run.info.codebook).toMatchObject({ requested: 'auto', applied: null });
    expect(discovered.summary).toMatch(/codebook: no codebook fits this document/);
    expect(discovered.summary).toMatch(/by discovered cluster; no codebook/);
    // report.html says so too, above the theme tables, with the way back (the draft codebook).
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<dt>コードブック</dt><dd>なし</dd>');
    expect(html).toMatch(/<strong>コードブックは適用していません<\/strong>（no codebook fits this document/);
    expect(readFileSync(join(runs[name].out.replace(name, `${name}-coded`), 'report.html'), 'utf8')).toContain('テーマはコードブック <code>');
    const manifest = Manifest.parse(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
    expect(manifest.models.codebook.file).toBeNull();
    expect(manifest.counts.clusters).toBe(discovered.run.info.clusters.filter((c) => !c.outlier).length);
  });

  it('names the clusters with Japanese noun keywords, never ids, and themes items by them', () => {
    const { discovered } = runs[name];
    const clusters = discovered.run.info.clusters.filter((c) => !c.outlier);
    expect(clusters.length).toBeGreaterThanOrEqual(3);
    for (const c of clusters) {
      expect(c.name).toMatch(/^[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}ーA-Za-z0-9]{2,}(・[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}ーA-Za-z0-9]{2,}){1,2}$/u);
      expect(c.name).not.toMatch(/c\d\d|^\d+$/);
    }
    const labels = discovered.run.info.themes.map((t) => t.label_ja);
    expect(labels).toEqual(clusters.map((c) => c.name));
    const clustered = discovered.run.items.filter((it) => it.cluster && it.cluster !== 'outliers');
    for (const it of clustered) expect(it.themes[0]).toMatchObject({ theme: it.cluster, source: 'cluster' });
  });

  it('writes a draft codebook that, passed back with --codebook, keeps ≥ 80 % of items in their cluster\'s theme', () => {
    const { discovered, coded, out } = runs[name];
    const draft = checkCodebook(JSON.parse(readFileSync(join(out, 'codebook.draft.json'), 'utf8')), 'draft');
    expect(draft.themes.map((t) => t.id)).toEqual(discovered.run.info.clusters.filter((c) => !c.outlier).map((c) => c.id));
    const byId = new Map(coded.run.items.map((it) => [it.id, it]));
    const clustered = discovered.run.items.filter((it) => it.cluster && it.cluster !== 'outliers');
    const kept = clustered.filter((it) => byId.get(it.id)!.themes[0]?.theme === it.cluster).length;
    expect(clustered.length).toBeGreaterThanOrEqual(30);
    expect(kept / clustered.length).toBeGreaterThanOrEqual(0.8);
    expect(resolve(coded.run.info.codebook!.applied!)).toBe(join(out, 'codebook.draft.json'));
  });
});
