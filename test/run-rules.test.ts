// Issue 13 item 4: the workflows the README promises. `run --rules my-rules.json` changes the rules labels (here
// a copy of the shipped rules without the 原案どおり rule), and `diff-runs` compares two label files as well as two
// run folders, listing exactly the items whose label changed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classify, loadRules } from '../pipeline/classify/index.ts';
import { toJsonl } from '../pipeline/core/io.ts';
import { publicPath } from '../pipeline/core/paths.ts';
import type { LabelRecord } from '../pipeline/core/schema.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { defaultConfig, type ResolvedConfig } from '../pipeline/run/config.ts';
import { diffPaths, readRunFolder } from '../pipeline/run/diff.ts';
import { applyFlags } from '../pipeline/run/flags.ts';
import { runPipeline } from '../pipeline/run/index.ts';

const SEED = 'seeds/000_555981824ba784d2.txt';
const TMP = resolve('test/.tmp/run-rules');
const MY_RULES = join(TMP, 'my-rules.json');
const DROPPED = 'declined.original_kept';

const pubcom = (...args: string[]) => spawnSync('node', ['bin/pubcom.js', ...args], { encoding: 'utf8' });
const cites = (evidence: { rule: string }[]) => evidence.some((e) => e.rule === DROPPED);

let shipped: LabelRecord[];
let mine: LabelRecord[];

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const rules = JSON.parse(readFileSync('models/labels/rules.json', 'utf8'));
  rules.rules = rules.rules.filter((r: { id: string }) => r.id !== DROPPED);
  writeFileSync(MY_RULES, JSON.stringify(rules, null, 2));
  const { items } = await parseDocument(SEED);
  shipped = await classify(items, { classifier: 'rules' });
  mine = await classify(items, { classifier: 'rules', rules: loadRules(MY_RULES) });
  writeFileSync(join(TMP, 'labels.jsonl'), toJsonl(shipped));
  writeFileSync(join(TMP, 'labels.mine.jsonl'), toJsonl(mine));
});

describe('pubcom run --rules', () => {
  it('the flag reaches the config, resolved from the current directory', () => {
    const config = applyFlags(defaultConfig(), { out: 'x', cache: true, rules: MY_RULES });
    expect(config.rules).toBe('test/.tmp/run-rules/my-rules.json');
    expect(defaultConfig().rules).toBeNull();
  });

  it('labels the seed with the custom rules: the dropped rule is cited nowhere and its items change label', async () => {
    const config: ResolvedConfig = { ...defaultConfig(), classifiers: ['rules'], model: null, cache: { enabled: true, dir: join(TMP, 'cache') } };
    await runPipeline({ input: SEED, out: join(TMP, 'base'), config, quiet: true });
    await runPipeline({ input: SEED, out: join(TMP, 'mine'), config: { ...config, rules: MY_RULES }, quiet: true });
    const [base, custom] = ['base', 'mine'].map((d) => readRunFolder(join(TMP, d)));
    const before = base.items.filter((it) => cites(it.labels[0].evidence));
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(custom.items.filter((it) => cites(it.labels[0].evidence))).toEqual([]);
    // The run's labels are exactly what the classifier gives with that rules file.
    expect(custom.items.map((it) => it.labels[0].label)).toEqual(mine.map((l) => l.label));
    const changed = custom.items.filter((it, i) => it.labels[0].label !== base.items[i].labels[0].label);
    expect(changed.length).toBeGreaterThan(0);
    // The classifier's version carries the rules' hash; the manifest records the file.
    expect(custom.info.classifiers[0].version).not.toBe(base.info.classifiers[0].version);
    // Recorded by its project-relative path (or bare file name outside the project), never the user's folders.
    expect(custom.manifest.config.rules).toBe(publicPath(MY_RULES));
    // diff-runs on the two folders lists exactly those items.
    const md = diffPaths(join(TMP, 'base'), join(TMP, 'mine'));
    expect(md).toContain(`- primary label changed (rules → rules): ${changed.length}`);
  });

  it('stops before any computing on a rules file that is not valid, naming it (exit 2)', () => {
    writeFileSync(join(TMP, 'broken.json'), '{"version": "1", "rules": [{"id": 3}]}');
    const r = pubcom('run', SEED, '--out', join(TMP, 'broken-run'), '--rules', join(TMP, 'broken.json'), '--quiet', '--no-cache');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('broken.json');
    expect(r.stderr).not.toContain('[1/8]');
  });
});

describe('pubcom diff-runs on two label files', () => {
  it('lists exactly the items whose label changed, with the evidence of both', () => {
    const md = diffPaths(join(TMP, 'labels.jsonl'), join(TMP, 'labels.mine.jsonl'));
    const changed = shipped.filter((l, i) => l.label !== mine[i].label);
    expect(changed.length).toBeGreaterThan(0);
    expect(md).toMatch(/^# Label comparison/);
    expect(md).toContain(`- items compared: ${shipped.length}\n`);
    expect(md).toContain(`- label changed: ${changed.length}\n`);
    const section = md.slice(md.indexOf('## Items whose label changed'));
    for (const l of changed) expect(section).toContain(`| ${l.id} | ${l.label} |`);
    // Every changed item cited the dropped rule under the shipped rules.
    for (const l of changed) expect(cites(l.evidence), l.id).toBe(true);
  });

  it('from the command line; a folder and a file together is refused with exit 2', () => {
    const ok = pubcom('diff-runs', join(TMP, 'labels.jsonl'), join(TMP, 'labels.mine.jsonl'));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('# Label comparison');
    const mixed = pubcom('diff-runs', join(TMP, 'labels.jsonl'), TMP);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain('compare two run folders or two label files');
    const notLabels = pubcom('diff-runs', join(TMP, 'labels.jsonl'), MY_RULES);
    expect(notLabels.status).toBe(2);
    expect(notLabels.stderr).toContain('my-rules.json');
  });
});
