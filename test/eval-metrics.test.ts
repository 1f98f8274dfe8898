import { describe, expect, it } from 'vitest';
import { accuracy, cohenKappa, computeMetrics, confusionMatrix, macroF1, perLabelScores } from '../pipeline/core/metrics.ts';

// Ten items, worked by hand below.
//   gold: A A A A B B B C C C      pred: A A B C B B A C C B
const gold = ['accepted', 'accepted', 'accepted', 'accepted', 'declined', 'declined', 'declined', 'deferred', 'deferred', 'deferred'];
const pred = ['accepted', 'accepted', 'declined', 'deferred', 'declined', 'declined', 'accepted', 'deferred', 'deferred', 'declined'];

describe('eval metrics on a hand-computed example', () => {
  it('confusion matrix: rows gold, columns predicted, in guideline order', () => {
    const cm = confusionMatrix(gold, pred);
    expect(cm.labels).toEqual(['accepted', 'declined', 'deferred']);
    // accepted row: 2 right, 1 → declined, 1 → deferred; declined row: 1 → accepted, 2 right; deferred: 1 → declined, 2 right
    expect(cm.matrix).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 1, 2],
    ]);
  });

  it('accuracy = 6/10', () => {
    expect(accuracy(gold, pred)).toBeCloseTo(0.6, 12);
  });

  it('per-label precision, recall and F1', () => {
    const scores = perLabelScores(confusionMatrix(gold, pred));
    // accepted: tp 2, predicted 3, support 4 → P 2/3, R 1/2, F1 = 2·(2/3)(1/2)/(2/3+1/2) = 4/7
    expect(scores[0]).toMatchObject({ label: 'accepted', support: 4, predicted: 3 });
    expect(scores[0].precision).toBeCloseTo(2 / 3, 12);
    expect(scores[0].recall).toBeCloseTo(1 / 2, 12);
    expect(scores[0].f1).toBeCloseTo(4 / 7, 12);
    // declined: tp 2, predicted 4, support 3 → P 1/2, R 2/3, F1 4/7
    expect(scores[1].precision).toBeCloseTo(1 / 2, 12);
    expect(scores[1].recall).toBeCloseTo(2 / 3, 12);
    expect(scores[1].f1).toBeCloseTo(4 / 7, 12);
    // deferred: tp 2, predicted 3, support 3 → P = R = F1 = 2/3
    expect(scores[2].f1).toBeCloseTo(2 / 3, 12);
  });

  it('macro-F1 = (4/7 + 4/7 + 2/3) / 3', () => {
    const m = computeMetrics(gold, pred);
    expect(m.macro_f1).toBeCloseTo((4 / 7 + 4 / 7 + 2 / 3) / 3, 12);
  });

  it("Cohen's kappa: po 0.6, pe (4·3 + 3·4 + 3·3)/100 = 0.33 → 0.27/0.67", () => {
    expect(cohenKappa(gold, pred)).toBeCloseTo((0.6 - 0.33) / (1 - 0.33), 12);
  });
});

describe('eval metrics edge cases', () => {
  it('a label never predicted has precision null and F1 0, and still counts in macro-F1', () => {
    const m = computeMetrics(['accepted', 'declined'], ['accepted', 'accepted']);
    const declined = m.per_label.find((s) => s.label === 'declined')!;
    expect(declined.precision).toBeNull();
    expect(declined.recall).toBe(0);
    expect(declined.f1).toBe(0);
    // accepted: P 1/2, R 1 → F1 2/3; macro over the gold's labels = (2/3 + 0) / 2
    expect(m.macro_f1).toBeCloseTo(1 / 3, 12);
  });

  it("macro over 'reference' ignores a label only the other side used; 'union' counts it as 0", () => {
    const g = ['accepted', 'accepted', 'declined', 'declined'];
    const p = ['accepted', 'none', 'declined', 'declined'];
    const scores = perLabelScores(confusionMatrix(g, p));
    // accepted: P 1, R 1/2 → 2/3; declined: P 1, R 1 → 1; none: support 0, predicted 1 → F1 0
    expect(macroF1(scores, 'reference')).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(macroF1(scores, 'union')).toBeCloseTo((2 / 3 + 1 + 0) / 3, 12);
  });

  it('kappa: perfect agreement is 1, systematic disagreement is negative, one shared label is 1, empty is null', () => {
    expect(cohenKappa(['a', 'b', 'a'], ['a', 'b', 'a'])).toBe(1);
    // po 0, pe 0.5 → −1
    expect(cohenKappa(['a', 'b'], ['b', 'a'])).toBeCloseTo(-1, 12);
    expect(cohenKappa(['a', 'a'], ['a', 'a'])).toBe(1);
    expect(cohenKappa([], [])).toBeNull();
    expect(accuracy([], [])).toBeNull();
  });

  it('refuses arrays of different length (they were not aligned)', () => {
    expect(() => accuracy(['a'], ['a', 'b'])).toThrow(/align/);
  });
});
