// Table shapes the tabular readers met in real exports (a tester's reports): each fixture is read the way a
// researcher reads the printed table, and every row stays accounted for.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseReport } from '../pipeline/core/schema.ts';
import { parseBytes } from '../pipeline/parse/index.ts';

const fixture = (path: string) => readFileSync(new URL(`../data/fixtures/${path}`, import.meta.url));

/** Every row has one fate (an item row names its item), and the characters of the fates add up to the input's. */
function expectAccounted(report: ParseReport, rows: number): void {
  const t = report.totals;
  expect(t.item_chars + t.heading_chars + t.header_chars + t.skipped_chars).toBe(t.input_chars);
  expect(report.accounts.map((a) => a.index)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
  expect(report.accounts.filter((a) => a.fate === 'item' && !a.ref)).toEqual([]);
}

describe('a column of codes headed 対応 beside the answers headed 市の対応', () => {
  it('the answers are the response; the codes are not, and the report names their column', async () => {
    const { items, report } = await parseBytes(fixture('csv/answer-and-code.csv'), 'answer-and-code.csv', {});
    expect(items.map((it) => it.number)).toEqual(['1', '2', '3', '4']);
    expect(items[1].response).toBe('ご意見を踏まえ、「路線の再編」を「路線の維持・再編」に修正します。');
    expect(items.every((it) => it.response.length > 8)).toBe(true);
    expect(report.warnings).toEqual([expect.stringMatching(/^column "対応": text on 4 item row\(s\) \(e\.g\. "C"\) is in no item field and not kept; .*--map <field>=対応,number=No\.,response=市の対応,comment=ご意見の要旨$/)]);
    expectAccounted(report, 5);
  });
});
