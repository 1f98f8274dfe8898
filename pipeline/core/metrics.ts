// Agreement figures between a reference labelling (gold, or coder A) and another (a classifier, or coder B).
// Pure functions over parallel label arrays; the caller aligns the records first (align.ts).
//
// Conventions, stated once because papers quote these numbers:
// - Undefined ratios are null, never NaN and never silently 0 (a label nobody predicted has precision null).
// - F1 of a label that occurs on either side is 0 when precision or recall is null or 0 (scikit-learn's
//   zero_division=0), so a classifier cannot raise macro-F1 by never predicting a hard label.
// - macro-F1 averages over the labels of the reference side (`over: 'reference'`, the default, used by eval:
//   a label the gold never uses still shows in the per-label table with its false positives, and those
//   errors lower the recall of the gold labels they were taken from) or over every label seen on either side
//   (`over: 'union'`, used by compare, where neither side is privileged).

import { LABEL_ORDER as LABELS } from './schema.ts';

/** Display order: the guideline's priority, then `none` (core/schema.ts); any other label after these, alphabetically. */
export const LABEL_ORDER: readonly string[] = LABELS;

export function orderLabels(labels: Iterable<string>): string[] {
  const set = new Set(labels);
  const known = LABEL_ORDER.filter((l) => set.has(l));
  const rest = [...set].filter((l) => !LABEL_ORDER.includes(l)).sort();
  return [...known, ...rest];
}

/** Rows are the reference labels, columns the compared labels: matrix[i][j] = #(ref = labels[i], other = labels[j]). */
export interface Confusion {
  labels: string[];
  matrix: number[][];
}

export interface LabelScore {
  label: string;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Times the reference side uses the label. */
  support: number;
  /** Times the compared side uses the label. */
  predicted: number;
}

export interface Metrics {
  n: number;
  accuracy: number | null;
  macro_f1: number | null;
  kappa: number | null;
  per_label: LabelScore[];
  confusion: Confusion;
}

function checkLengths(ref: readonly string[], other: readonly string[]): void {
  if (ref.length !== other.length) {
    throw new Error(`label arrays differ in length (${ref.length} vs ${other.length}); align the records first`);
  }
}

export function confusionMatrix(ref: readonly string[], other: readonly string[], labels?: readonly string[]): Confusion {
  checkLengths(ref, other);
  const order = labels ? [...labels] : orderLabels([...ref, ...other]);
  const index = new Map(order.map((l, i) => [l, i]));
  const matrix = order.map(() => order.map(() => 0));
  for (let k = 0; k < ref.length; k++) {
    const i = index.get(ref[k]);
    const j = index.get(other[k]);
    if (i === undefined || j === undefined) {
      throw new Error(`label "${i === undefined ? ref[k] : other[k]}" is not among the confusion labels`);
    }
    matrix[i][j]++;
  }
  return { labels: order, matrix };
}

export function accuracy(ref: readonly string[], other: readonly string[]): number | null {
  checkLengths(ref, other);
  if (ref.length === 0) return null;
  let same = 0;
  for (let k = 0; k < ref.length; k++) if (ref[k] === other[k]) same++;
  return same / ref.length;
}

export function perLabelScores(cm: Confusion): LabelScore[] {
  return cm.labels.map((label, i) => {
    const tp = cm.matrix[i][i];
    const support = cm.matrix[i].reduce((a, b) => a + b, 0);
    const predicted = cm.matrix.reduce((a, row) => a + row[i], 0);
    const precision = predicted > 0 ? tp / predicted : null;
    const recall = support > 0 ? tp / support : null;
    let f1: number | null = null;
    if (support > 0 || predicted > 0) {
      const p = precision ?? 0;
      const r = recall ?? 0;
      f1 = p + r > 0 ? (2 * p * r) / (p + r) : 0;
    }
    return { label, precision, recall, f1, support, predicted };
  });
}

export function macroF1(scores: readonly LabelScore[], over: 'reference' | 'union' = 'reference'): number | null {
  const used = scores.filter((s) => (over === 'reference' ? s.support > 0 : s.support > 0 || s.predicted > 0));
  if (used.length === 0) return null;
  return used.reduce((a, s) => a + (s.f1 ?? 0), 0) / used.length;
}

/**
 * Cohen's kappa, (po − pe) / (1 − pe). Undefined (null) for no items. When chance agreement is 1 (both sides
 * used one and the same label throughout) kappa is 0/0; we return 1 if they agree on every item, as the
 * report's agreement table does, because "perfect agreement" is what a reader expects to see there.
 */
export function cohenKappa(a: readonly string[], b: readonly string[]): number | null {
  checkLengths(a, b);
  const n = a.length;
  if (n === 0) return null;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let agreed = 0;
  for (let k = 0; k < n; k++) {
    if (a[k] === b[k]) agreed++;
    countA.set(a[k], (countA.get(a[k]) ?? 0) + 1);
    countB.set(b[k], (countB.get(b[k]) ?? 0) + 1);
  }
  const po = agreed / n;
  let pe = 0;
  for (const [label, ca] of countA) pe += (ca / n) * ((countB.get(label) ?? 0) / n);
  if (pe === 1) return po === 1 ? 1 : 0;
  return (po - pe) / (1 - pe);
}

export interface MetricsOptions {
  /** Confusion/per-label labels, in order (default: every label seen, in LABEL_ORDER). */
  labels?: readonly string[];
  over?: 'reference' | 'union';
}

export function computeMetrics(ref: readonly string[], other: readonly string[], opts: MetricsOptions = {}): Metrics {
  const confusion = confusionMatrix(ref, other, opts.labels);
  const per_label = perLabelScores(confusion);
  return {
    n: ref.length,
    accuracy: accuracy(ref, other),
    macro_f1: macroF1(per_label, opts.over ?? 'reference'),
    kappa: cohenKappa(ref, other),
    per_label,
    confusion,
  };
}

/** Rounded for printing and JSON (3 decimals); null stays null. */
export function round3(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000;
}

export function fmt(x: number | null, digits = 3): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}
