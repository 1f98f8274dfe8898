// `pubcom eval`: predictions against a gold file. The report is plain data (checked by zod before it is
// written) so the Markdown, CSV and JSON renderings cannot disagree.
import { z } from 'zod';
import { Disposition } from '../core/schema.ts';
import { align, type KeyKind, type Keys, type Unmatched } from '../core/align.ts';
import type { LabelFile, LabelRow, SkippedRow } from './label-file.ts';
import { computeMetrics, orderLabels, round3, type Metrics } from '../core/metrics.ts';

const Num = z.number().nullable();
export const MetricsReport = z.object({
  n: z.number().int(),
  accuracy: Num,
  macro_f1: Num,
  kappa: Num,
  per_label: z.array(
    z.object({ label: z.string(), precision: Num, recall: Num, f1: Num, support: z.number().int(), predicted: z.number().int() }),
  ),
  confusion: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number().int())) }),
});
export type MetricsReport = z.infer<typeof MetricsReport>;

export const UnmatchedRow = z.object({
  where: z.string(),
  id: z.string().nullable(),
  number: z.string().nullable(),
  comment_head: z.string().nullable(),
  label: Disposition,
  reason: z.string(),
});
export type UnmatchedRow = z.infer<typeof UnmatchedRow>;

export const EvalError = z.object({
  id: z.string().nullable(),
  number: z.string().nullable(),
  comment_head: z.string().nullable(),
  gold: Disposition,
  gold_also: z.array(Disposition),
  predicted: Disposition,
  predicted_also: z.array(Disposition),
  confidence: Num,
  evidence: z.string(),
  rules: z.array(z.string()),
  gold_cue: z.string().nullable(),
  gold_reason: z.string().nullable(),
  response: z.string().nullable(),
  aligned_by: z.enum(['id', 'number', 'comment_head']),
});
export type EvalError = z.infer<typeof EvalError>;

export const NoneCheck = z.object({
  /** True when `none` was predicted on exactly the gold's unanswered items, all of them aligned. */
  exact: z.boolean(),
  gold_none: z.number().int(),
  predicted_none: z.number().int(),
  /** Gold `none`, predicted something else (or not aligned). */
  missed: z.array(z.string()),
  /** Predicted `none` on an answered item. */
  extra: z.array(z.string()),
});
export type NoneCheck = z.infer<typeof NoneCheck>;

export const EvalReport = z.object({
  labels_file: z.string(),
  /** The classifier scored when the labels file is a run's items.jsonl; null otherwise. */
  labels_classifier: z.string().nullable(),
  gold_file: z.string(),
  predictions: z.number().int(),
  gold: z.number().int(),
  aligned: z.number().int(),
  aligned_by: z.object({ id: z.number().int(), number: z.number().int(), comment_head: z.number().int() }),
  all: MetricsReport,
  answered: MetricsReport,
  none: NoneCheck,
  /** Among items whose label agrees: how often the `also` lists are identical too. */
  also_exact: z.object({ agree: z.number().int(), n: z.number().int() }),
  errors: z.array(EvalError),
  unmatched_predictions: z.array(UnmatchedRow),
  unmatched_gold: z.array(UnmatchedRow),
  skipped_predictions: z.array(z.object({ where: z.string(), reason: z.string() })),
  skipped_gold: z.array(z.object({ where: z.string(), reason: z.string() })),
});
export type EvalReport = z.infer<typeof EvalReport>;

export function roundMetrics(m: Metrics): MetricsReport {
  return {
    n: m.n,
    accuracy: round3(m.accuracy),
    macro_f1: round3(m.macro_f1),
    kappa: round3(m.kappa),
    per_label: m.per_label.map((s) => ({ ...s, precision: round3(s.precision), recall: round3(s.recall), f1: round3(s.f1) })),
    confusion: m.confusion,
  };
}

export function displayKey(keys: Keys): string {
  return keys.id ?? (keys.number ? `No.${keys.number}` : (keys.comment_head ?? '?'));
}

export function unmatchedRow(u: Unmatched<LabelRow>): UnmatchedRow {
  return {
    where: u.where,
    id: u.keys.id ?? null,
    number: u.keys.number ?? null,
    comment_head: u.keys.comment_head ? Array.from(u.keys.comment_head).slice(0, 30).join('') : null,
    label: u.record.label,
    reason: u.reason,
  };
}

/** Keys of a pair, each taken from whichever side has it (predictions usually carry the id, gold the number). */
export function mergedKeys(a: Keys, b: Keys): Keys {
  return {
    id: a.id ?? b.id ?? null,
    number: a.number ?? b.number ?? null,
    comment_head: b.comment_head ?? a.comment_head ?? null,
  };
}

const sameSet = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v) => y.includes(v));

export interface LabelPair {
  keys: Keys;
  gold: LabelRow;
  pred: LabelRow;
  by: KeyKind;
}

/** Metrics over the aligned pairs: all items, and the answered items (gold ≠ none) the bar is set on. */
export function scorePairs(pairs: readonly LabelPair[]): { all: Metrics; answered: Metrics; none: NoneCheck } {
  const gold = pairs.map((p) => p.gold.label);
  const pred = pairs.map((p) => p.pred.label);
  const labels = orderLabels([...gold, ...pred]);
  const answered = pairs.filter((p) => p.gold.label !== 'none');
  const answeredLabels = orderLabels([...answered.map((p) => p.gold.label), ...answered.map((p) => p.pred.label)]);
  const missed = pairs.filter((p) => p.gold.label === 'none' && p.pred.label !== 'none').map((p) => displayKey(p.keys));
  const extra = pairs.filter((p) => p.gold.label !== 'none' && p.pred.label === 'none').map((p) => displayKey(p.keys));
  return {
    all: computeMetrics(gold, pred, { labels }),
    answered: computeMetrics(
      answered.map((p) => p.gold.label),
      answered.map((p) => p.pred.label),
      { labels: answeredLabels },
    ),
    none: {
      exact: missed.length === 0 && extra.length === 0,
      gold_none: gold.filter((l) => l === 'none').length,
      predicted_none: pred.filter((l) => l === 'none').length,
      missed,
      extra,
    },
  };
}

export function evaluate(predictions: LabelFile, gold: LabelFile): EvalReport {
  const al = align<LabelRow, LabelRow>(predictions.rows, gold.rows, { a: 'the predictions', b: 'the gold' });
  const pairs: LabelPair[] = al.pairs.map((p) => ({ keys: mergedKeys(p.a.keys, p.b.keys), pred: p.a.record, gold: p.b.record, by: p.by }));
  const scored = scorePairs(pairs);
  // Unaligned gold `none` rows cannot have been labelled `none`: they count against the none check.
  const unalignedNone = al.unmatchedB.filter((u) => u.record.label === 'none').map((u) => displayKey(u.keys));
  const none: NoneCheck = {
    ...scored.none,
    gold_none: scored.none.gold_none + unalignedNone.length,
    missed: [...scored.none.missed, ...unalignedNone],
    exact: scored.none.exact && unalignedNone.length === 0,
  };
  const agreeing = pairs.filter((p) => p.gold.label === p.pred.label);
  const errors: EvalError[] = pairs
    .filter((p) => p.gold.label !== p.pred.label)
    .map((p) => ({
      id: p.keys.id ?? null,
      number: p.keys.number ?? null,
      comment_head: p.keys.comment_head ? Array.from(p.keys.comment_head).slice(0, 30).join('') : null,
      gold: p.gold.label,
      gold_also: p.gold.also,
      predicted: p.pred.label,
      predicted_also: p.pred.also,
      confidence: p.pred.confidence,
      evidence: p.pred.evidence_text,
      rules: [...new Set(p.pred.evidence.map((e) => e.rule))],
      gold_cue: p.gold.evidence_text || null,
      gold_reason: p.gold.reason,
      response: p.gold.response ?? p.pred.response,
      aligned_by: p.by,
    }));
  const skipped = (s: SkippedRow[]) => s.map((x) => ({ where: x.where, reason: x.reason }));
  return EvalReport.parse({
    labels_file: predictions.file,
    labels_classifier: predictions.classifier ?? null,
    gold_file: gold.file,
    predictions: predictions.rows.length,
    gold: gold.rows.length,
    aligned: pairs.length,
    aligned_by: al.by,
    all: roundMetrics(scored.all),
    answered: roundMetrics(scored.answered),
    none,
    also_exact: { agree: agreeing.filter((p) => sameSet(p.gold.also, p.pred.also)).length, n: agreeing.length },
    errors,
    unmatched_predictions: al.unmatchedA.map(unmatchedRow),
    unmatched_gold: al.unmatchedB.map(unmatchedRow),
    skipped_predictions: skipped(predictions.skipped),
    skipped_gold: skipped(gold.skipped),
  });
}

