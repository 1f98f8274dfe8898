// 該当箇所 is the item's location; the section is the heading row above it, or failing one, the 該当箇所 without
// its page reference, so the by-section table is by chapter and never one row per page (issue 12, item 7).
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../pipeline/parse/index.ts';
import { locationSection } from '../pipeline/parse/tabular.ts';

const csv = (lines: string[]) => Buffer.from(['番号,該当箇所,意見の概要,県の考え方', ...lines].join('\n') + '\n');

describe('該当箇所 → location', () => {
  it('keeps heading rows as the section and the page reference as the location', async () => {
    const { items } = await parseBytes(
      csv([
        '第2章 子育て支援,,,',
        '1,第2章 P.12,開所時間を夜間まで延長してほしい。,今後の参考とさせていただきます。',
        '2,第2章 P.14,一時預かりの定員を増やしてほしい。,原案どおりとします。',
        '第4章 環境,,,',
        '3,P.31,再生可能エネルギーの導入目標を引き上げるべき。,原案どおりとします。',
      ]),
      'plan.csv',
    );
    expect(items.map((it) => [it.section, it.location])).toEqual([
      ['第2章 子育て支援', '第2章 P.12'],
      ['第2章 子育て支援', '第2章 P.14'],
      ['第4章 環境', 'P.31'],
    ]);
  });

  it('without heading rows, the section is the 該当箇所 without its page reference', async () => {
    const { items } = await parseBytes(
      csv([
        '1,第2章 P.12,開所時間を夜間まで延長してほしい。,今後の参考とさせていただきます。',
        '2,第2章（p.14）,一時預かりの定員を増やしてほしい。,原案どおりとします。',
        '3,第4章 31ページ,再生可能エネルギーの導入目標を引き上げるべき。,原案どおりとします。',
      ]),
      'plan.csv',
    );
    expect(items.map((it) => it.section)).toEqual(['第2章', '第2章', '第4章']);
    expect(items.map((it) => it.location)).toEqual(['第2章 P.12', '第2章(p.14)', '第4章 31ページ']);
    expect(locationSection('P.12')).toBeNull();
    expect(locationSection('全体')).toBe('全体');
  });
});
