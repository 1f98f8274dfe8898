// A result table may merge several comments' numbers into one cell beside one comment and one answer: the 環境省
// table (data/real/env6th…csv) prints "56⏎57⏎58" in its No column. The numbers are kept as a list, not run together.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBytes, parseColumnMap } from '../pipeline/parse/index.ts';
import { parseNumberCell } from '../pipeline/parse/columns.ts';

const ENV6TH = new URL('../data/real/env6th_6th_environment_basic_plan_pc_results_2024.csv', import.meta.url);

describe('a number cell holding several numbers', () => {
  it('reads as their comma-joined list; one number or a non-number reads as before', () => {
    expect(parseNumberCell('56\n57\n58')).toBe('56,57,58');
    expect(parseNumberCell('１２、１３')).toBe('12,13');
    expect(parseNumberCell('3-1')).toBe('3-1');
    expect(parseNumberCell(' 7 ')).toBe('7');
    expect(parseNumberCell('56 参考')).toBeNull();
  });

  it('three-part numbers and a 1-1 typed with the long-vowel mark or a minus sign are numbers; a date is not', () => {
    expect(parseNumberCell('2-1-1')).toBe('2-1-1');
    expect(parseNumberCell('1ー1')).toBe('1-1');
    expect(parseNumberCell('3−2')).toBe('3-2');
    expect(parseNumberCell('2025-01-01')).toBeNull();
  });

  it('on the 環境省 document: one item numbered 56,57,58, no false numbering jump, every record an item', async () => {
    const { items, report } = await parseBytes(readFileSync(ENV6TH), 'env6th.csv', {});
    expect(items).toHaveLength(383);
    const merged = items.filter((it) => it.number?.includes(','));
    expect(merged.map((it) => it.number)).toEqual(['56,57,58']);
    expect(items[items.indexOf(merged[0]) + 1].number).toBe('59');
    expect(report.warnings.filter((w) => w.includes('numbering jumps'))).toEqual([]);
  });

  it("the unread 'label' column's note suggests a --map that keeps every column read and reads label as the section", async () => {
    const bytes = readFileSync(ENV6TH);
    const auto = await parseBytes(bytes, 'env6th.csv', {});
    const note = auto.report.warnings.find((w) => w.startsWith('column "label"'))!;
    const suggested = /--map <field>=(\S+)$/.exec(note)![1];
    const mapped = await parseBytes(bytes, 'env6th.csv', { map: parseColumnMap(`section=${suggested}`) });
    expect(mapped.items.map((it) => [it.comment, it.response])).toEqual(auto.items.map((it) => [it.comment, it.response]));
    expect(mapped.items[0].section).toBe('全体的な意見');
    expect(mapped.report.warnings.filter((w) => w.startsWith('column "label"'))).toEqual([]);
  });
});
