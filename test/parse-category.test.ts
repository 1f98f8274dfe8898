import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLabelFile } from '../pipeline/eval/label-file.ts';
import { describe, expect, it } from 'vitest';
import { parseBytes, parseColumnMap } from '../pipeline/parse/index.ts';
import { itemsTable } from '../pipeline/report/items-table.ts';
import { buildTables } from '../pipeline/report/tables.ts';
import { runSummary } from '../pipeline/run/summary.ts';
import { fixtureRun } from './helpers/report-fixture.ts';

const fixture = (name: string) => readFileSync(new URL(`../data/fixtures/csv/${name}`, import.meta.url));

describe("the document's own 対応区分", () => {
  it('is kept verbatim per item (null where the cell is blank); an unread column is named in the report', async () => {
    const { items, report } = await parseBytes(fixture('city-transport.csv'), 'city-transport.csv', {});
    expect(items.map((it) => it.category)).toEqual(['原案どおり', '記載済', '参考', '反映', null]);
    // The response stays the answer column: 対応区分 contains 対応, which alone names a response column.
    expect(items[3].response).toBe('ご意見を踏まえ、「路線の再編」を「路線の維持・再編」に修正します。');
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/^column "担当課": text on 3 item row\(s\) \(e\.g\. "企画課"\) is in no item field and not kept; /);
  });

  it('is absent from items of a table without one, and then no column goes unread', async () => {
    const { items, report } = await parseBytes(fixture('ghg-plan.csv'), 'ghg-plan.csv', {});
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((it) => !('category' in it))).toBe(true);
    expect(report.warnings.filter((w) => w.includes('not kept'))).toEqual([]);
  });

  it('--map category= reads a code column whose heading (対応) would otherwise lose to the answer column', async () => {
    const csv = '番号,意見の概要,考え方,対応\n1,期限を延長すべき。,法律で定められているため、延長できません。,不採用\n2,誤字がある。,修正します。,修正\n';
    const auto = await parseBytes(Buffer.from(csv), 'codes.csv', {});
    expect(auto.items.every((it) => it.category === undefined)).toBe(true);
    expect(auto.report.warnings.join('\n')).toContain('column "対応": text on 2 item row(s)');
    const mapped = await parseBytes(Buffer.from(csv), 'codes.csv', { map: parseColumnMap('number=番号,comment=意見の概要,response=考え方,category=対応') });
    expect(mapped.items.map((it) => [it.category, it.response])).toEqual([
      ['不採用', '法律で定められているため、延長できません。'],
      ['修正', '修正します。'],
    ]);
    expect(mapped.report.warnings).toEqual([]);
  });
});

describe('the report sets the classifier beside the 対応区分', () => {
  it('counts the primary labels per category in document order, blank cells under their own row', () => {
    const run = fixtureRun();
    const codes = ['反映', '記載済', '記載済', null, '参考', '記載済', undefined, '反映'];
    run.items.forEach((it, i) => {
      if (codes[i] !== undefined) it.category = codes[i];
    });
    const t = buildTables(run).find((x) => x.name === 'dispositions_by_category')!;
    const at = (key: string) => t.columns.findIndex((c) => c.key === key);
    const rows = Object.fromEntries(t.rows.map((r) => [r[0], r]));
    expect(t.rows.map((r) => r[0])).toEqual(['反映', '記載済', '(対応区分なし)', '参考']);
    expect(t.rows.map((r) => r[at('items')])).toEqual([2, 3, 2, 1]);
    // Each row's label counts add up to its items: every item is counted once, under its own code.
    for (const r of t.rows) {
      const sum = ['accepted', 'declined', 'referred', 'deferred', 'none'].reduce((s, k) => s + (r[at(k)] as number), 0);
      expect(sum).toBe(r[at('items')]);
    }
    const labelsOf = (code: string) => run.items.filter((it) => (it.category ?? '(対応区分なし)') === code).map((it) => it.labels[0].label);
    expect(rows['記載済'][at('referred')]).toBe(labelsOf('記載済').filter((l) => l === 'referred').length);
    const items = itemsTable(run);
    const c = items.columns.findIndex((x) => x.key === 'category');
    expect(items.rows.map((r) => r[c])).toEqual(['反映', '記載済', '記載済', null, '参考', '記載済', null, '反映']);
    expect(runSummary(run, 'out', { withText: 0, blank: 0 }, 1000)).toContain("document's own 対応区分: 反映 2 · 記載済 3 · (対応区分なし) 2 · 参考 1 (");
  });

  it('has neither the table nor the items column when the input had no 対応区分', () => {
    const run = fixtureRun();
    expect(buildTables(run).some((t) => t.name === 'dispositions_by_category')).toBe(false);
    expect(itemsTable(run).columns.some((c) => c.key === 'category')).toBe(false);
    expect(runSummary(run, 'out', { withText: 0, blank: 0 }, 1000)).not.toContain('対応区分');
  });
});

describe("compare reads the document's own 対応区分 as a label set (classifier \"category\")", () => {
  const dir = join(import.meta.dirname, '.tmp', 'parse-category');
  const write = (name: string, items: unknown[]) => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    writeFileSync(file, items.map((it) => JSON.stringify(it)).join('\n') + '\n');
    return file;
  };

  it('takes each code as the label its spelling names; blank and unknown codes are skipped with the reason', async () => {
    const run = fixtureRun();
    const codes = ['反映', '記載済', '参考', '原案どおり', null, 'その他', '対応済み', '修正'];
    run.items.forEach((it, i) => (it.category = codes[i]));
    const read = await readLabelFile(write('coded.jsonl', run.items), { classifier: 'category' });
    expect(read.classifier).toBe('category');
    expect(read.rows.map((r) => [r.keys.id, r.record.label, r.record.evidence_text])).toEqual([
      ['fixture#1', 'accepted', '対応区分「反映」'],
      ['fixture#2', 'referred', '対応区分「記載済」'],
      ['fixture#3', 'deferred', '対応区分「参考」'],
      ['fixture#4', 'declined', '対応区分「原案どおり」'],
      ['fixture#7', 'referred', '対応区分「対応済み」'],
      ['fixture#8', 'accepted', '対応区分「修正」'],
    ]);
    expect(read.skipped.map((s) => s.reason)).toEqual(['fixture#5: 対応区分 blank', 'fixture#6: 対応区分 "その他" is no label spelling (models/labels/taxonomy.json aliases)']);
  });

  it('refuses a run whose input had no 対応区分, naming why', async () => {
    await expect(readLabelFile(write('plain.jsonl', fixtureRun().items), { classifier: 'category' })).rejects.toThrow(/no 対応区分 in this run/);
  });
});
