// `pubcom classify` and `pubcom train` end to end through the CLI: CSV and JSONL in, LabelRecords and a model out.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelRecord } from '../pipeline/core/schema.ts';
import { ClassifierModelSchema } from '../pipeline/classify/index.ts';
import { pubcom } from './helpers/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));


function readLabels(path: string): LabelRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => LabelRecord.parse(JSON.parse(l)));
}

/** `pubcom classify input --out out`, which must succeed: its records as [id, label]. */
async function classifiedAs(input: string, out: string): Promise<[string, string][]> {
  const r = await pubcom('classify', input, '--out', out);
  expect(r.code, r.stderr).toBe(0);
  return readLabels(out).map((l) => [l.id, l.label]);
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pubcom-classify-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pubcom classify', () => {
  it('reads a CSV with a BOM, quoted multi-line cells and a shared group, and writes one record per row', async () => {
    const csv = join(dir, 'responses.csv');
    writeFileSync(
      csv,
      '\uFEFFid,comment,response,group\r\n' +
        'city#1,バス路線を増やしてほしい,"ご意見を踏まえ、\r\n以下のとおり修正します。",\r\n' +
        'city#2,公園を整備してほしい,既に第3章に記載しております。,g1\r\n' +
        'city#3,公園の遊具について,,g1\r\n' +
        'city#4,図書館の開館時間,,\r\n' +
        'city#5,同趣旨,「No.1」の回答のとおりです。,\r\n',
    );
    const out = join(dir, 'labels.jsonl');
    const r = await pubcom('classify', csv, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('pubcom classify (rules): 5 responses');
    const labels = readLabels(out);
    expect(labels.map((l) => [l.id, l.label])).toEqual([
      ['city#1', 'accepted'],
      ['city#2', 'referred'],
      ['city#3', 'referred'],
      ['city#4', 'none'],
      ['city#5', 'accepted'],
    ]);
    expect(labels[0].evidence[0].text).toBe('以下のとおり修正');
    expect(labels[4].evidence.at(-1)!.source_item).toBe('city#1');
  });

  it('rejects a CSV without a response column with exit code 2, naming the file, writing nothing', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'id,意見\r\n1,賛成です\r\n');
    const out = join(dir, 'never.jsonl');
    const r = await pubcom('classify', csv, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${csv}:row 1: no "response" column`);
    expect(existsSync(out)).toBe(false);
  });


  it('reads JSONL written by other tools (numeric ids, null cells) but refuses a line without a response key', async () => {
    const jsonl = join(dir, 'scripted.jsonl');
    writeFileSync(
      jsonl,
      [
        { id: 1, number: 1, comment: '賛成です', response: 'ご意見として承ります。' },
        { id: 2, comment: null, response: '原案のとおりとします。' },
        { id: 3, comment: '図書館の開館時間', response: null },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
    );
    expect(await classifiedAs(jsonl, join(dir, 'scripted-labels.jsonl'))).toEqual([
      ['1', 'deferred'],
      ['2', 'declined'],
      ['3', 'none'],
    ]);
    // The same records as one JSON array (.json), as many scripts write them.
    const array = join(dir, 'scripted.json');
    writeFileSync(array, JSON.stringify([{ id: 'j1', response: 'ご意見を踏まえ、以下のとおり修正します。' }, { id: 'j2', response: '' }]));
    expect(await classifiedAs(array, join(dir, 'array-labels.jsonl'))).toEqual([
      ['j1', 'accepted'],
      ['j2', 'none'],
    ]);
    // A misnamed column ("reply") would otherwise make every row `none` without a word.
    const misnamed = join(dir, 'misnamed.jsonl');
    writeFileSync(misnamed, JSON.stringify({ id: 'a', comment: '賛成', reply: '原案のとおり' }) + '\n');
    const never = join(dir, 'misnamed-labels.jsonl');
    const bad = await pubcom('classify', misnamed, '--out', never);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${misnamed}:line 1: response`);
    expect(existsSync(never)).toBe(false);
  });
  it('uses the shipped model for a trained classifier without --model, and rejects a missing --model file', async () => {
    const r = await pubcom('classify', 'data/fixtures/classify/styles.jsonl', '--classifier', 'ensemble', '--out', join(dir, 'x.jsonl'), '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const missing = join(dir, 'no-model.json');
    const bad = await pubcom('classify', 'data/fixtures/classify/styles.jsonl', '--classifier', 'ensemble', '--model', missing, '--out', join(dir, 'y.jsonl'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(missing);
    expect(existsSync(join(dir, 'y.jsonl'))).toBe(false);
  });
});

describe('pubcom train', () => {
  it('trains on labelled rows with response text, records the training hash, and the model classifies', async () => {
    const gold = join(dir, 'gold.jsonl');
    const rows = readFileSync(join(ROOT, 'data/fixtures/classify/styles.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; response: string; label: string });
    writeFileSync(gold, rows.map((r) => JSON.stringify({ id: r.id, response: r.response, disposition: r.label })).join('\n') + '\n');
    const model = join(dir, 'model.json');
    const t = await pubcom('train', '--gold', gold, '--embedder', 'none', '--out', model);
    expect(t.code, t.stderr).toBe(0);
    const m = ClassifierModelSchema.parse(JSON.parse(readFileSync(model, 'utf8')));
    expect(m.training.rows).toBe(rows.length);
    expect(t.stderr).toContain(`training sha256 ${m.training.sha256.slice(0, 12)}`);
    const out = join(dir, 'sup.jsonl');
    const c = await pubcom('classify', 'data/fixtures/classify/styles.jsonl', '--classifier', 'supervised', '--model', model, '--out', out);
    expect(c.code, c.stderr).toBe(0);
    const labels = readLabels(out);
    expect(labels).toHaveLength(rows.length);
    expect(labels.every((l) => l.classifier.name === 'supervised' && l.evidence.length > 0)).toBe(true);
  });

  it('joins a gold file without response text to the parsed document, and lists rows it could not use', async () => {
    const model = join(dir, 'seed-model.json');
    const t = await pubcom(
      'train',
      '--gold',
      'data/labels/seed.gold.jsonl',
      '--items',
      'seeds/000_555981824ba784d2.txt',
      '--embedder',
      'none',
      '--out',
      model,
    );
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toContain('122 rows (accepted 4, declined 14, referred 55, deferred 49)');
    expect(t.stderr).toContain('not used (9)');
  });
});
