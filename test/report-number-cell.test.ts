// Item numbers go to items.csv / tables.xlsx as numbers where they are numeric, so a spreadsheet sorts
// 1, 2, 10 and not 1, 10, 2; numbers such as 3-1 stay text (issue 12, item 7).
import { describe, expect, it } from 'vitest';
import { itemsTable, numberCell } from '../pipeline/report/items-table.ts';
import { fixtureRun } from './helpers/report-fixture.ts';

describe('number cells', () => {
  it('numeric → number, other → text', () => {
    expect([numberCell('1'), numberCell('10'), numberCell('3-1'), numberCell('doc#L12')]).toEqual([1, 10, '3-1', 'doc#L12']);
    const sorted = ['10', '2', '1'].map(numberCell).sort((a, b) => (a as number) - (b as number));
    expect(sorted).toEqual([1, 2, 10]);
  });

  it('the items table writes numeric item numbers as numbers', () => {
    const table = itemsTable(fixtureRun());
    const col = table.columns.findIndex((c) => c.key === 'number');
    const numbers = table.rows.map((r) => r[col]);
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(typeof n === 'number' || !/^[0-9]+$/.test(String(n))).toBe(true);
    expect(numbers.some((n) => typeof n === 'number')).toBe(true);
  });
});
