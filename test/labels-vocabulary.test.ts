// One label vocabulary (models/labels/taxonomy.json): the names every table prints and the spellings coders write.
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../pipeline/core/io.ts';
import { DISPOSITION_JA, labelFromName, loadLabelVocabulary } from '../pipeline/core/label-names.ts';
import { Item } from '../pipeline/core/schema.ts';
import { readLabelledRows } from '../pipeline/classify/inputs.ts';
import { loadRules } from '../pipeline/classify/rules-schema.ts';
import { compare } from '../pipeline/eval/compare.ts';
import { readLabelFile } from '../pipeline/eval/label-file.ts';
import { DISPOSITION_JA as REPORT_JA } from '../pipeline/report/labels.ts';
import { pubcom } from './helpers/cli.ts';
import { ANSWERED_LABELS, LABEL_ORDER } from '../pipeline/core/schema.ts';

const FIX = 'data/fixtures/eval';
const EXPECTED = ['declined', 'accepted', 'referred', 'deferred', 'deferred', 'none'];

describe('taxonomy.json is the one source of label names', () => {
  it('gives the short Japanese names the report prints', () => {
    expect(DISPOSITION_JA).toEqual({ accepted: '反映（修正）', declined: '不採用', referred: '既に対応・記載', deferred: '参考・今後検討', none: '回答なし' });
    expect(REPORT_JA).toBe(DISPOSITION_JA);
    // The classifier still reads its own fields from the same file.
    expect(loadRules().taxonomy.labels.map((l) => l.id)).toEqual(['accepted', 'declined', 'referred', 'deferred', 'none']);
  });

  it('lists the labels and their priority in the order the code displays them (core/schema.ts LABEL_ORDER)', () => {
    const { taxonomy } = loadRules();
    expect(taxonomy.labels.map((l) => l.id)).toEqual([...LABEL_ORDER]);
    expect(taxonomy.priority).toEqual([...ANSWERED_LABELS]);
  });

  it.each([
    ['反映（修正）', 'accepted'],
    ['反映(修正)', 'accepted'],
    ['既に対応・記載', 'referred'],
    ['参考・今後検討', 'deferred'],
    ['不採用', 'declined'],
    ['回答なし', 'none'],
    ['修正する', 'accepted'],
    ['反映済み', 'accepted'],
    ['対応済', 'referred'],
    ['記載あり', 'referred'],
    ['参考とする', 'deferred'],
    ['今後検討', 'deferred'],
    ['対応困難', 'declined'],
    ['Accepted', 'accepted'],
  ])('reads %s as %s', (spelling, code) => {
    expect(labelFromName(spelling)).toBe(code);
  });

  it('never lists one spelling under two labels', () => {
    const vocab = loadLabelVocabulary();
    const all = Object.values(vocab.spellings).flat().map((s) => s.normalize('NFKC').toLowerCase());
    expect(new Set(all).size).toBe(all.length);
    expect(labelFromName('たぶん')).toBeNull();
  });
});

describe('coders writing the tool\'s names or their own words', () => {
  const items = readJsonl(`${FIX}/items.jsonl`, Item);
  it.each(['coder-tool-names.csv', 'coder-words-a.csv', 'coder-words-b.csv'])('%s: every row aligned and mapped', async (file) => {
    const coder = await readLabelFile(`${FIX}/${file}`, { items });
    expect(coder.skipped).toEqual([]);
    expect(coder.rows.map((r) => r.record.label)).toEqual(EXPECTED);
    const rules = await readLabelFile(`${FIX}/labels.rules.jsonl`, { items });
    const r = compare(rules, coder, { a: 'rules', b: 'coder' });
    expect(r.aligned).toBe(6);
    expect(r.unmatched_b).toEqual([]);
    expect(r.metrics.kappa).toBeGreaterThan(0.7);
  });

  it('pubcom compare prints kappa for a sheet of coder words', async () => {
    const r = await pubcom('compare', `${FIX}/coder-tool-names.csv`, `${FIX}/coder-words-b.csv`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kappa|κ/i);
    expect(r.stdout).toContain('| aligned items | 6 (by id 0, number 6, comment_head 0) |');
    expect(r.stdout).toContain("| Cohen's kappa | 1.000 |");
  });

  it('train reads the same coder sheet compare reads, labels mapped through the taxonomy', async () => {
    const { rows, unmatched } = await readLabelledRows(`${FIX}/coder-words-a.csv`, `${FIX}/items.jsonl`);
    expect(unmatched).toEqual([]);
    expect(rows.map((r) => [r.id, r.label])).toEqual(EXPECTED.map((l, i) => [`transit#${i + 1}`, l]));
    expect(rows[1].response).toContain('修正します');
  });
});

describe('eval that aligns nothing', () => {
  it('stops with exit 2 and says to add --items, never "0 aligned" with exit 0', async () => {
    const r = await pubcom('eval', `${FIX}/labels.rules.jsonl`, '--gold', 'data/labels/seed.gold.jsonl');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no record of data/fixtures/eval/labels.rules.jsonl aligned with data/labels/seed.gold.jsonl');
    expect(r.stderr).toContain('Add --items <items.jsonl>');
  });
});
