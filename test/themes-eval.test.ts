import { describe, expect, it } from 'vitest';
import type { GoldRecord, Item, ThemeRecord } from '../pipeline/core/schema.ts';
import { buildItem } from '../pipeline/parse/item.ts';
import { alignGold, evaluateThemes } from '../pipeline/themes/eval.ts';

function item(n: string, comment: string): Item {
  return buildItem({ slug: 'doc', number: n, fallbackKey: n, section: null, commentRaw: comment, responseRaw: '回答', source: { file: 'doc' } });
}
const hit = (theme: string) => ({ theme, score: 0.5, source: 'rule' as const, hits: [theme] });
const gold = (number: string | null, comment_head: string, themes: string[]): GoldRecord => ({
  number,
  comment_head,
  disposition: 'deferred',
  also: [],
  themes,
});

describe('theme evaluation', () => {
  const items = [item('1', '中小企業への支援を'), item('2', '量子暗号の移行を'), item('3', '人材育成と中小企業'), item('4', '戦略に賛成')];
  const records: ThemeRecord[] = [
    { id: 'doc#1', themes: [hit('sme')] },
    { id: 'doc#2', themes: [hit('pqc'), hit('sme')] },
    { id: 'doc#3', themes: [hit('talent')] },
    { id: 'doc#4', themes: [] },
  ];
  const goldRows = [
    gold('1', '中小企業への支援を', ['sme']),
    gold('2', '量子暗号の移行を', ['pqc']),
    gold('3', '人材育成と中小企業', ['sme', 'talent']),
    gold('4', '戦略に賛成', ['strategy_general']),
  ];

  it('counts true and false positives per theme, over every gold theme', () => {
    const e = evaluateThemes(items, records, goldRows, ['sme', 'pqc', 'talent']);
    const sme = e.perTheme.find((t) => t.theme === 'sme')!;
    // sme: predicted on 1 (right) and 2 (wrong), missed on 3.
    expect(sme).toMatchObject({ tp: 1, fp: 1, fn: 1, support: 2, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(e.perTheme.find((t) => t.theme === 'pqc')).toMatchObject({ precision: 1, recall: 1 });
    expect(e.perTheme.find((t) => t.theme === 'strategy_general')).toMatchObject({ tp: 0, fn: 1, recall: 0 });
    expect(e.perTheme.map((t) => t.theme)).toEqual(['sme', 'pqc', 'talent', 'strategy_general']);
    expect(e.micro).toMatchObject({ precision: 0.75, recall: 0.6 });
    expect(e.unthemed).toBe(1);
    expect(e.primaryInGold).toBe(0.75);
    expect(e.primaryExact).toBe(0.5);
  });

  it('aligns by number, falls back to the comment head, and reports what it could not align', () => {
    const rows = [gold(null, '人材育成と中小企業', ['talent']), gold('9', '戦略に賛成', ['x']), gold('8', 'どこにもない意見', ['y'])];
    const { pairs, unaligned } = alignGold(items, rows);
    expect(pairs.map(([i]) => i.id)).toEqual(['doc#3', 'doc#4']);
    expect(unaligned.map((g) => g.comment_head)).toEqual(['どこにもない意見']);
  });
});
