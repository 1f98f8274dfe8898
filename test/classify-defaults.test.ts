// `pubcom classify` without --classifier runs the run's default classifier, and the trained classifiers without
// --model use the shipped model, found from the package (not the current directory), as `pubcom run` does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelRecord } from '../pipeline/core/schema.ts';
import { configPath, defaultConfig, DEFAULT_MODEL } from '../pipeline/run/config.ts';
import { pubcomIn } from './helpers/cli.ts';

let dir: string;
/** Runs the CLI from a scratch folder, so a model path resolved against the cwd would not be found. */
const pubcom = (...args: string[]) => pubcomIn({ cwd: dir }, ...args);

const readLabels = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => LabelRecord.parse(JSON.parse(l)));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pubcom-classify-defaults-'));
  writeFileSync(
    join(dir, 'items.jsonl'),
    [
      { id: 'city#1', comment: 'バス路線を増やしてほしい。', response: 'ご意見を踏まえ、以下のとおり修正します。' },
      { id: 'city#2', comment: '公園を整備してほしい。', response: '既に第3章に記載しております。' },
      { id: 'city#3', comment: '図書館の開館時間を延長すべき。', response: '原案のとおりとさせていただきます。' },
      { id: 'city#4', comment: '駅前の駐輪場について。', response: '今後の施策の参考とさせていただきます。' },
      { id: 'city#5', comment: '意見募集の周知が不足している。', response: '' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pubcom classify defaults', () => {
  it('without --classifier writes the labels of the run default classifier, as --classifier <that> does', async () => {
    const name = defaultConfig().classifiers[0];
    const r = await pubcom('classify', 'items.jsonl', '--out', 'default.jsonl');
    expect(r.code, r.stderr).toBe(0);
    const labels = readLabels(join(dir, 'default.jsonl'));
    expect(labels).toHaveLength(5);
    expect(new Set(labels.map((l) => l.classifier.name))).toEqual(new Set([name]));
    expect(r.stderr).toContain(`pubcom classify (${name}): 5 responses`);
    const explicit = await pubcom('classify', 'items.jsonl', '--classifier', name, '--out', 'explicit.jsonl');
    expect(explicit.code, explicit.stderr).toBe(0);
    expect(readFileSync(join(dir, 'explicit.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'default.jsonl'), 'utf8'));
  });

  it('--classifier rules keeps working and its summary counts the labels that need review', async () => {
    const r = await pubcom('classify', 'items.jsonl', '--classifier', 'rules', '--out', 'rules.jsonl');
    expect(r.code, r.stderr).toBe(0);
    const labels = readLabels(join(dir, 'rules.jsonl'));
    expect(labels.map((l) => [l.id, l.label])).toContainEqual(['city#1', 'accepted']);
    expect(labels.find((l) => l.id === 'city#5')!.label).toBe('none');
    const review = labels.filter((l) => l.needs_review === true).length;
    expect(r.stderr).toMatch(new RegExp(`pubcom classify \\(rules\\): 5 responses: .*; ${review} need review`));
  });

  it('--classifier ensemble without --model uses the shipped model, from any working directory', async () => {
    const r = await pubcom('classify', 'items.jsonl', '--classifier', 'ensemble', '--out', 'ensemble.jsonl', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const shipped = await pubcom('classify', 'items.jsonl', '--classifier', 'ensemble', '--model', configPath(DEFAULT_MODEL), '--out', 'shipped.jsonl', '--quiet');
    expect(shipped.code, shipped.stderr).toBe(0);
    const labels = readLabels(join(dir, 'ensemble.jsonl'));
    expect(labels.map((l) => l.classifier.name)).toEqual(Array(5).fill('ensemble'));
    expect(readFileSync(join(dir, 'ensemble.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'shipped.jsonl'), 'utf8'));
  });

  it('documents the defaults in --help', async () => {
    const help = (await pubcom('classify', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain("default: the run's first");
    expect(help).toContain('default models/classifiers/default.json');
  });
});
