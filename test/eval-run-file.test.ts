// A run folder's items.jsonl (RunItem lines, labels from every configured classifier) read as a label file:
// one classifier picked, keys taken from the items themselves, so eval and compare need no --items.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../pipeline/core/io.ts';
import { Item } from '../pipeline/core/schema.ts';
import { CompareReport } from '../pipeline/eval/compare.ts';
import { evaluate, EvalReport } from '../pipeline/eval/evaluate.ts';
import { readLabelFile } from '../pipeline/eval/label-file.ts';
import { RunInfo, RunItem } from '../pipeline/report/schema.ts';
import { defaultConfig } from '../pipeline/run/config.ts';
import { runPipeline } from '../pipeline/run/index.ts';
import { pubcom } from './helpers/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIX = 'data/fixtures/eval';
const RUN = `${FIX}/run-items.jsonl`;


const runItems = readJsonl(join(ROOT, RUN), RunItem);
const labelOf = (it: RunItem, name: string) => it.labels.find((l) => l.classifier === name);

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pubcom-eval-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a run items.jsonl as a label file', () => {
  it('reads the chosen classifier with id, number and comment as keys, and lists items it did not label', async () => {
    const f = await readLabelFile(RUN, { classifier: 'ensemble' });
    expect(f.format).toBe('run');
    expect(f.classifier).toBe('ensemble');
    const labelled = runItems.filter((it) => labelOf(it, 'ensemble'));
    expect(f.rows.map((r) => r.keys.id)).toEqual(labelled.map((it) => it.id));
    expect(f.rows.map((r) => r.record.label)).toEqual(labelled.map((it) => labelOf(it, 'ensemble')!.label));
    expect(f.rows[0].keys).toEqual({ id: runItems[0].id, number: runItems[0].number, comment_head: runItems[0].comment });
    const unlabelled = runItems.filter((it) => !labelOf(it, 'ensemble'));
    expect(unlabelled.length).toBeGreaterThan(0);
    expect(f.skipped.map((s) => s.reason)).toEqual(unlabelled.map((it) => `no "ensemble" label for ${it.id}`));
  });

  it('scores the run exactly as the same classifier’s LabelRecord file plus --items', async () => {
    const items = readJsonl(join(ROOT, `${FIX}/items.jsonl`), Item);
    const gold = await readLabelFile(`${FIX}/gold.jsonl`);
    const fromRun = evaluate(await readLabelFile(RUN, { classifier: 'rules' }), gold);
    const fromRecords = evaluate(await readLabelFile(`${FIX}/labels.rules.jsonl`, { items }), await readLabelFile(`${FIX}/gold.jsonl`, { items }));
    expect(fromRun.aligned).toBe(fromRecords.aligned);
    expect(fromRun.all).toEqual(fromRecords.all);
    expect(fromRun.errors.map(({ aligned_by: _, ...e }) => e)).toEqual(fromRecords.errors.map(({ aligned_by: _, ...e }) => e));
    expect(fromRun.errors[0].evidence).toContain('[referred.wrong]');
    expect(fromRun.labels_classifier).toBe('rules');
  });

  it('uses the only classifier of a single-classifier run without being told', async () => {
    const path = join(dir, 'rules-only.jsonl');
    writeFileSync(path, runItems.map((it) => JSON.stringify({ ...it, labels: it.labels.filter((l) => l.classifier === 'rules') })).join('\n') + '\n');
    const f = await readLabelFile(path);
    expect(f.classifier).toBe('rules');
    expect(f.rows).toHaveLength(runItems.length);
  });

  it('refuses to guess between several classifiers, and names the ones there are', async () => {
    await expect(readLabelFile(RUN)).rejects.toThrow(/run-items\.jsonl: this run holds labels from 2 classifiers \("rules", "ensemble"\); choose one with --classifier <name>/);
    await expect(readLabelFile(RUN, { classifier: 'llm' })).rejects.toThrow(/no classifier "llm" in this run; it has "rules", "ensemble"/);
  });

  it('names the line of a run item that breaks the RunItem schema', async () => {
    const path = join(dir, 'broken-run.jsonl');
    const bad = { ...runItems[1], labels: [{ ...runItems[1].labels[0], confidence: 'high' }] };
    writeFileSync(path, [JSON.stringify(runItems[0]), JSON.stringify(bad)].join('\n') + '\n');
    await expect(readLabelFile(path, { classifier: 'rules' })).rejects.toThrow(/broken-run\.jsonl:line 2: expected a run item .*labels\.0\.confidence/);
  });
});

describe('pubcom eval and compare on a run items.jsonl', () => {
  it('eval --classifier scores that classifier without --items', async () => {
    const r = await pubcom('eval', RUN, '--gold', `${FIX}/gold.jsonl`, '--classifier', 'rules', '--format', 'json');
    expect(r.code).toBe(0);
    const report = EvalReport.parse(JSON.parse(r.stdout));
    expect(report.labels_classifier).toBe('rules');
    expect(report.predictions).toBe(runItems.length);
    expect(report.errors.map((e) => e.id)).toEqual(['transit#5']);
    const md = await pubcom('eval', RUN, '--gold', `${FIX}/gold.jsonl`, '--classifier', 'rules');
    expect(md.stdout.split('\n')[0]).toBe(`# Evaluation of ${RUN} (classifier rules) against ${FIX}/gold.jsonl`);
  });

  it('compares two classifiers of the same run, side by side', async () => {
    const r = await pubcom('compare', RUN, RUN, '--classifier-a', 'rules', '--classifier-b', 'ensemble', '--format', 'json');
    expect(r.code).toBe(0);
    const report = CompareReport.parse(JSON.parse(r.stdout));
    expect([report.a.name, report.b.name]).toEqual([`${RUN} [rules]`, `${RUN} [ensemble]`]);
    const both = runItems.filter((it) => labelOf(it, 'ensemble'));
    expect(report.aligned).toBe(both.length);
    const differ = both.filter((it) => labelOf(it, 'rules')!.label !== labelOf(it, 'ensemble')!.label).map((it) => it.id);
    expect(differ.length).toBeGreaterThan(0);
    expect(report.disagreements.map((d) => d.id)).toEqual(differ);
    // The item ensemble left unlabelled is reported on both sides, not dropped.
    expect(report.skipped_b.map((s) => s.reason)).toEqual(['no "ensemble" label for transit#6']);
    expect(report.unmatched_a.map((u) => u.id)).toEqual(['transit#6']);
  });

  it('compares a run with a coder sheet, the shared --classifier reaching only the run', async () => {
    const r = await pubcom('compare', RUN, `${FIX}/coder-ja.csv`, '--classifier', 'rules', '--name-b', '佐藤');
    expect(r.code).toBe(0);
    // Same figures as labels.rules.jsonl with --items (test/eval-cli.test.ts), less the record no item has.
    expect(r.stderr).toContain('pubcom compare: 6 aligned; agreement 0.833, kappa 0.793; 1 disagreements; unmatched 0 / 0; skipped 0 / 1');
  });

  it('exits 2 naming the classifiers when none is chosen, or when the option aims at a non-run file', async () => {
    const a = await pubcom('eval', RUN, '--gold', `${FIX}/gold.jsonl`);
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toBe(`pubcom: error: ${RUN}: this run holds labels from 2 classifiers ("rules", "ensemble"); choose one with --classifier <name>`);
    const b = await pubcom('compare', RUN, RUN, '--classifier-a', 'rules');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('choose one with --classifier-b <name> (or --classifier <name> for both sides)');
    const c = await pubcom('compare', `${FIX}/coder-ja.csv`, RUN, '--classifier-a', 'rules', '--classifier-b', 'rules');
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`${FIX}/coder-ja.csv: --classifier-a picks a classifier inside a run's items.jsonl, but this is a csv label file`);
  });

  it('tells a parsed items.jsonl (no labels) from a run one', async () => {
    const r = await pubcom('eval', `${FIX}/items.jsonl`, '--gold', `${FIX}/gold.jsonl`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('looks like parsed items without labels');
  });

  it('reads the items.jsonl a real pubcom run writes, for each of its classifiers', async () => {
    const out = join(dir, 'city');
    const config = { ...defaultConfig(), cache: { enabled: false, dir: join(dir, 'cache') } };
    await runPipeline({ input: 'data/fixtures/text/city-transport-plan.txt', out, config, quiet: true });
    const info = RunInfo.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    const items = readJsonl(join(out, 'items.jsonl'), RunItem);
    expect(info.classifiers.length).toBeGreaterThan(1);
    const names = info.classifiers.map((c) => `"${c.name}"`).join(', ');
    await expect(readLabelFile(join(out, 'items.jsonl'))).rejects.toThrow(`holds labels from ${info.classifiers.length} classifiers (${names})`);
    for (const c of info.classifiers) {
      const f = await readLabelFile(join(out, 'items.jsonl'), { classifier: c.name });
      expect(f.rows.length + f.skipped.length).toBe(items.length);
      expect(f.rows[0].record.classifier).toBe(`${c.name}@${c.version}`);
    }
    const [a, b] = info.classifiers.map((c) => c.name);
    const r = await pubcom('compare', join(out, 'items.jsonl'), join(out, 'items.jsonl'), '--classifier-a', a, '--classifier-b', b, '--format', 'json');
    expect(r.code).toBe(0);
    const report = CompareReport.parse(JSON.parse(r.stdout));
    expect(report.aligned).toBe(items.length);
    expect(report.aligned_by.id).toBe(items.length);
  });
});
