import { describe, expect, it } from 'vitest';
import { align, normalizeNumber, type Keyed, type Keys } from '../pipeline/core/align.ts';
import { evaluate } from '../pipeline/eval/evaluate.ts';
import { readLabelFile } from '../pipeline/eval/label-file.ts';
import { readJsonl } from '../pipeline/core/io.ts';
import { Item } from '../pipeline/core/schema.ts';

const FIX = 'data/fixtures/eval';
const k = (keys: Keys, record: string, where = record): Keyed<string> => ({ keys, record, where });

describe('align', () => {
  it('pairs by id first, then number, then comment_head, and says which key paired each', () => {
    const a = [
      k({ id: 'doc#1', number: '1', comment_head: '路線バスの便数を増やしてほしい' }, 'p1'),
      k({ id: 'doc#2', number: '2', comment_head: 'デマンド交通を導入してほしい' }, 'p2'),
      k({ id: 'doc#3', number: '3', comment_head: 'タクシー利用券を配布してほしい' }, 'p3'),
    ];
    const b = [
      k({ id: 'doc#1' }, 'g1'),
      k({ number: 'No.２', comment_head: 'デマンド交通を導入してほしい' }, 'g2'),
      k({ comment_head: 'タクシー利用券を配布してほしい' }, 'g3'),
    ];
    const al = align(a, b);
    expect(al.pairs.map((p) => [p.a.record, p.b.record, p.by])).toEqual([
      ['p1', 'g1', 'id'],
      ['p2', 'g2', 'number'],
      ['p3', 'g3', 'comment_head'],
    ]);
    expect(al.by).toEqual({ id: 1, number: 1, comment_head: 1 });
    expect(al.unmatchedA).toEqual([]);
    expect(al.unmatchedB).toEqual([]);
  });

  it('does not pair a shared number whose comments disagree; the comment_head pass pairs the right ones', () => {
    // The prediction side numbered a continuation row as its own item, so its numbers are shifted by one.
    const a = [k({ number: '5', comment_head: '駅前広場を再整備してほしい' }, 'p5'), k({ number: '6', comment_head: '駐輪場を増やしてほしい' }, 'p6')];
    const b = [k({ number: '5', comment_head: '駐輪場を増やしてほしい' }, 'g5')];
    const al = align(a, b);
    expect(al.pairs.map((p) => [p.a.record, p.b.record, p.by])).toEqual([['p6', 'g5', 'comment_head']]);
    expect(al.unmatchedA).toHaveLength(1);
    expect(al.unmatchedA[0].record).toBe('p5');
    expect(al.unmatchedA[0].reason).toMatch(/number "5" matches but the comments differ/);
  });

  it('a comment cut short by a coder is compatible with the full comment', () => {
    const al = align([k({ number: '4', comment_head: '計画の内容に賛成。MaaSの導入に期待する。' }, 'p4')], [k({ number: '4', comment_head: '計画の内容に賛成。' }, 'g4')]);
    expect(al.pairs).toHaveLength(1);
    expect(al.pairs[0].by).toBe('number');
  });

  it('reports duplicates as ambiguous instead of guessing, and lists every leftover with a reason', () => {
    const a = [k({ number: '7' }, 'p7a', 'line 1'), k({ number: '7' }, 'p7b', 'line 2'), k({}, 'nokey', 'line 3')];
    const b = [k({ number: '7' }, 'g7', 'line 1'), k({ number: '8' }, 'g8', 'line 2')];
    const al = align(a, b, { a: 'predictions', b: 'gold' });
    expect(al.pairs).toEqual([]);
    expect(al.unmatchedA.map((u) => [u.where, u.reason])).toEqual([
      ['line 1', 'number "7" is shared by 2 record(s) in predictions and 1 in gold'],
      ['line 2', 'number "7" is shared by 2 record(s) in predictions and 1 in gold'],
      ['line 3', 'record has no id, number or comment_head to align by'],
    ]);
    expect(al.unmatchedB.map((u) => u.reason)).toEqual([
      'number "7" is shared by 2 record(s) in predictions and 1 in gold',
      'no record in predictions with the same number',
    ]);
  });

  it('normalises printed numbers', () => {
    expect(['3', '３', 'No.3', 'No 3', '003', '番号3'].map(normalizeNumber)).toEqual(['3', '3', '3', '3', '3', '3']);
    expect(normalizeNumber('3-1')).toBe('3-1');
    expect(normalizeNumber('  ')).toBeNull();
  });
});

describe('eval with items.jsonl: ids mapped to the gold numbers and comment heads', () => {
  it('aligns LabelRecords (ids) to gold rows (number + comment_head) and reports unmatched rows on both sides', async () => {
    const items = readJsonl(`${FIX}/items.jsonl`, Item);
    const pred = await readLabelFile(`${FIX}/labels.rules.jsonl`, { items });
    const gold = await readLabelFile(`${FIX}/gold.jsonl`, { items });
    const r = evaluate(pred, gold);
    expect(r.aligned).toBe(6);
    // items.jsonl gives every gold row an id: rows 1–4 and 6 through their number, row 5 (no number) through
    // its comment head; so all pairs are then made by id.
    expect(r.aligned_by).toEqual({ id: 6, number: 0, comment_head: 0 });
    expect(r.unmatched_predictions.map((u) => [u.id, u.where])).toEqual([['transit#9', 'line 7']]);
    expect(r.unmatched_gold.map((u) => [u.number, u.where])).toEqual([['7', 'line 7']]);
    // 5 of 6 right (item 5: gold deferred, predicted referred)
    expect(r.all.accuracy).toBeCloseTo(5 / 6, 3);
    expect(r.answered.n).toBe(5);
    expect(r.answered.accuracy).toBe(0.8);
    expect(r.none).toMatchObject({ exact: true, gold_none: 1, predicted_none: 1 });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      id: 'transit#5',
      number: '5',
      gold: 'deferred',
      predicted: 'referred',
      confidence: 0.55,
      rules: ['referred.wrong'],
      gold_reason: 'Noted for the future only.',
      aligned_by: 'id',
    });
    expect(r.errors[0].evidence).toContain('今後の参考とさせていただきます');
  });

  it('without items the id-only predictions cannot meet the number-only gold: all listed, none scored', async () => {
    const r = evaluate(await readLabelFile(`${FIX}/labels.rules.jsonl`), await readLabelFile(`${FIX}/gold.jsonl`));
    expect(r.aligned).toBe(0);
    expect(r.unmatched_predictions).toHaveLength(7);
    expect(r.unmatched_gold).toHaveLength(7);
    expect(r.none.exact).toBe(false);
  });
});
